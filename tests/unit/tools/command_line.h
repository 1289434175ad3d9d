// SPDX-License-Identifier: Apache-2.0
// Running a tool's whole command line in-process, and the checks every
// tool's tests share: the error line and the keys of a JSON object.
//
//   const CommandLine run = RunCommandLine(ckpt_tool::SetupCommands, {"list", dir});
//   BOOST_TEST(run.code == cli::kExitError);
//   BOOST_TEST(IsErrorLine(run.err, "ckpt_tool", "NOT_FOUND"), run.err);
#ifndef TFCOMPAT_TESTS_UNIT_TOOLS_COMMAND_LINE_H_
#define TFCOMPAT_TESTS_UNIT_TOOLS_COMMAND_LINE_H_

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"

namespace tfcompat::testing {

struct CommandLine {
  int code = -1;
  std::string out;
  std::string err;
};

// Sets up a CLI::App with `setup` (a tool's SetupCommands) and runs
// `args` (without the program name) through cli::RunMain.
inline CommandLine RunCommandLine(void (*setup)(CLI::App&, cli::Action*), const std::vector<std::string>& args) {
  CLI::App app;
  cli::Action action;
  setup(app, &action);
  std::vector<const char*> argv = {"tool"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out, err;
  CommandLine run;
  run.code = cli::RunMain(app, static_cast<int>(argv.size()), argv.data(), action, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

// Whether `err` is exactly one line "<tool>: <code>: <message>", which
// may go on in lines indented by two spaces.
inline bool IsErrorLine(const std::string& err, std::string_view tool, std::string_view code) {
  const std::regex line(std::string(tool) + ": " + std::string(code) + ": [^\n]+\n(  [^\n]+\n)*");
  return std::regex_match(err, line);
}

// The keys of a JSON object.
inline std::set<std::string> Keys(const nlohmann::json& object) {
  std::set<std::string> keys;
  for (const auto& item : object.items()) keys.insert(item.key());
  return keys;
}

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UNIT_TOOLS_COMMAND_LINE_H_
