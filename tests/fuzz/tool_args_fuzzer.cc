// SPDX-License-Identifier: Apache-2.0
// Fuzzes the command lines of ckpt_tool and event_tool: the subcommands and
// options as the tools set them up, parsed from arbitrary arguments (help
// and error output included). The commands themselves are not run: they
// would read whatever paths the input names. Input layout:
//
//   tool: 1 byte (even: ckpt_tool, odd: event_tool)
//   args: the rest, split at NUL bytes (at most 64 arguments)
#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "subcommands.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::vector<std::string> args = {"tool"};
  std::string current;
  for (size_t i = 1; i < size; ++i) {
    if (data[i] == '\0') {
      args.push_back(std::move(current));
      current.clear();
      if (args.size() > 64) return 0;
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  args.push_back(std::move(current));
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());

  CLI::App app;
  tfcompat::cli::Action action;
  if (data[0] % 2 == 0) {
    tfcompat::ckpt_tool::SetupCommands(app, &action);
  } else {
    tfcompat::event_tool::SetupCommands(app, &action);
  }
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    app.exit(e, out, err);
  }
  return 0;
}
