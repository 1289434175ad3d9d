// SPDX-License-Identifier: Apache-2.0
// The subcommands of saved_model_tool: each has an options struct, a setup
// function that registers it with CLI11, and a run function that writes to
// the given streams and returns the exit code (cli.h: 0 ok, 1 usage, 2
// error). A new subcommand is a file of its own with these three, and one
// line in SetupCommands.
#ifndef TFCOMPAT_TOOLS_SAVED_MODEL_TOOL_COMMANDS_H_
#define TFCOMPAT_TOOLS_SAVED_MODEL_TOOL_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "cli.h"

namespace tfcompat::saved_model_tool {

// The name errors begin with: "saved_model_tool: NOT_FOUND: ...".
inline constexpr std::string_view kTool = "saved_model_tool";

// Names `app` and registers every subcommand, one of which is required;
// the one parsed sets *action.
void SetupCommands(CLI::App& app, cli::Action* action);

// show DIR [--tag_set T [--signature_def S]] [--all] [--json]: TF's
// saved_model_cli show, in its words and layout:
//   (no flag)            the tag sets
//   --tag_set T          the signature keys of the meta graph tagged T
//                        (comma-separated, in any order: "serve,gpu")
//   ... --signature_def  that signature's inputs, outputs and method name
//   --all                every meta graph with its signatures and ops
// --json prints what --all shows (restricted to T and S when given) as one
// JSON document.
struct ShowOptions {
  std::string dir;
  std::optional<std::string> tag_set = std::nullopt;
  std::optional<std::string> signature_def = std::nullopt;
  bool all = false;
  bool json = false;
};
int RunShow(const ShowOptions& options, std::ostream& out, std::ostream& err);
void SetupShow(CLI::App& app, cli::Action* action);

// run DIR --tag_set T --signature_def S (--inputs | --input_exprs |
// --input_examples)... [--json]: TF's saved_model_cli run on
// SavedModel::Run; the input syntax is in run.cc. Prints "Result for output
// key K:" and the tensor for each output, or with --json one object mapping
// each output key to {"dtype", "shape", "values"}.
struct RunOptions {
  std::string dir;
  std::string tag_set;
  std::string signature_def;
  std::string inputs;
  std::string input_exprs;
  std::string input_examples;
  bool json = false;
};
int RunRun(const RunOptions& options, std::ostream& out, std::ostream& err);
void SetupRun(CLI::App& app, cli::Action* action);

}  // namespace tfcompat::saved_model_tool

#endif  // TFCOMPAT_TOOLS_SAVED_MODEL_TOOL_COMMANDS_H_
