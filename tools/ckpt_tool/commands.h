// SPDX-License-Identifier: Apache-2.0
// The subcommands of ckpt_tool: each has an options struct, a setup
// function that registers it with CLI11, and a run function that writes to
// the given streams and returns the process exit code (cli.h: 0 ok, 1 usage
// or a check's "no", 2 error).
#ifndef TFCOMPAT_TOOLS_CKPT_TOOL_COMMANDS_H_
#define TFCOMPAT_TOOLS_CKPT_TOOL_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "cli.h"

namespace tfcompat::ckpt_tool {

using cli::Action;

// Names `app` "ckpt_tool" and registers every subcommand, one of which is
// required; the one parsed sets *action.
void SetupCommands(CLI::App& app, Action* action);

struct ListOptions {
  std::string path;
  bool json = false;
  std::string filter;
};
int RunList(const ListOptions& options, std::ostream& out, std::ostream& err);
void SetupList(CLI::App& app, Action* action);

struct PrintOptions {
  std::string path;
  std::vector<std::string> names;
  bool json = false;
};
int RunPrint(const PrintOptions& options, std::ostream& out, std::ostream& err);
void SetupPrint(CLI::App& app, Action* action);

struct DiffOptions {
  std::string a;
  std::string b;
  bool json = false;
  double atol = 0.0;
  double rtol = 0.0;
};
// 0 equal, kExitCheckFailed differ, 2 error, like diff(1).
int RunDiff(const DiffOptions& options, std::ostream& out, std::ostream& err);
void SetupDiff(CLI::App& app, Action* action);

struct ValidateOptions {
  std::string path;
};
// 0 valid, kExitCheckFailed invalid, 2 when PATH names no checkpoint.
int RunValidate(const ValidateOptions& options, std::ostream& out, std::ostream& err);
void SetupValidate(CLI::App& app, Action* action);

struct HistoryOptions {
  std::string dir;
  bool json = false;
};
int RunHistory(const HistoryOptions& options, std::ostream& out, std::ostream& err);
void SetupHistory(CLI::App& app, Action* action);

}  // namespace tfcompat::ckpt_tool

#endif  // TFCOMPAT_TOOLS_CKPT_TOOL_COMMANDS_H_
