// SPDX-License-Identifier: Apache-2.0
// The command-line conventions every tool shares (estimator, ckpt_tool,
// event_tool):
//
//   exit code 0   success (ckpt_tool diff: the checkpoints are equal)
//             1   usage: an unknown flag, a missing argument, a value out of
//                 range (ckpt_tool diff: they differ; validate: invalid)
//             2   bad input or I/O: a missing or corrupt file, a failed write
//
//   errors        one line on stderr, "<tool>: <CODE>: <message>", CODE being
//                 TF's status code name (NOT_FOUND, DATA_LOSS, ...)
//   --help        on the tool and every subcommand, with no side effect
//   --version     "<tool> <tfcompat version>"
//
// Usage:
//   int main(int argc, char** argv) {
//     CLI::App app{"Inspect TensorBoard event files", "event_tool"};
//     tfcompat::cli::Action action;
//     SetupList(app, &action);
//     return tfcompat::cli::RunMain(app, argc, argv, action);
//   }
#ifndef TFCOMPAT_TOOLS_COMMON_CLI_H_
#define TFCOMPAT_TOOLS_COMMON_CLI_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <ostream>
#include <string_view>

#include "tfcompat/base/status.h"

namespace tfcompat::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitError = 2;

// What a subcommand's setup leaves behind: the work to do once the command
// line has parsed, writing results to `out` and diagnostics to `err`, and
// returning the exit code.
using Action = std::function<int(std::ostream& out, std::ostream& err)>;

// Adds --version, parses the command line and runs `action` on std::cout and
// std::cerr. --help and --version exit 0 having printed to stdout; a parse
// error prints CLI11's message and exits kExitUsage.
int RunMain(CLI::App& app, int argc, const char* const* argv, const Action& action);

// Prints "<tool>: <CODE>: <message>" to `err` and returns `exit_code`.
int ReportError(std::string_view tool, const Status& status, std::ostream& err, int exit_code = kExitError);

}  // namespace tfcompat::cli

#endif  // TFCOMPAT_TOOLS_COMMON_CLI_H_
