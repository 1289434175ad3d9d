// SPDX-License-Identifier: Apache-2.0
// The command-line conventions every tool shares (estimator, ckpt_tool,
// event_tool; the benchmarks parse their flags with it too):
//
//   exit code 0   success (ckpt_tool diff: the checkpoints are equal)
//             1   usage: an unknown flag, a missing argument or subcommand,
//                 a value out of range; or a check's "no" (ckpt_tool diff:
//                 they differ; validate: the checkpoint is invalid)
//             2   bad input or I/O: a missing or corrupt file, a failed write
//
//   errors        on stderr, "<tool>: <CODE>: <message>", CODE being TF's
//                 status code name (NOT_FOUND, DATA_LOSS, ...); usage errors
//                 are INVALID_ARGUMENT:
//                   estimator: INVALID_ARGUMENT: --steps must be a positive
//                   integer, got 0 (see 'estimator train --help')
//                 One line, but for a message listing several problems,
//                 which goes on in lines indented by two spaces.
//   --help        on the tool and every subcommand: usage on stdout, exit 0,
//                 no side effect
//   --version     "<tool> <tfcompat version>" on stdout, exit 0
//   --json        on every command that prints a table (output.h)
//   --quiet       no INFO lines or progress bar on stderr (errors still print)
//
// Usage:
//   int main(int argc, char** argv) {
//     CLI::App app{"Inspect TensorBoard event files", "event_tool"};
//     app.require_subcommand(1);
//     tfcompat::cli::Action action;
//     SetupList(app, &action);  // its callback sets `action`
//     return tfcompat::cli::RunMain(app, argc, argv, action);
//   }
#ifndef TFCOMPAT_TOOLS_COMMON_CLI_H_
#define TFCOMPAT_TOOLS_COMMON_CLI_H_

#include <CLI/CLI.hpp>
#include <concepts>
#include <cstdint>
#include <functional>
#include <iostream>
#include <limits>
#include <optional>
#include <ostream>
#include <string_view>

#include "tfcompat/base/status.h"

namespace tfcompat::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
// A check's negative answer, as diff(1) and test(1) give it: the same 1 as
// a usage error, which those commands tell apart by the message on stderr.
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitError = 2;

// What a subcommand's setup leaves behind: the work to do once the command
// line has parsed, writing results to `out` and diagnostics to `err`, and
// returning the exit code.
using Action = std::function<int(std::ostream& out, std::ostream& err)>;

// For a program without subcommands (the benchmarks): adds --version and
// parses the command line as RunMain does. Returns the exit code to leave
// with when it asked for --help or --version or was wrong (having printed
// what RunMain prints), or nullopt to go on.
std::optional<int> Parse(CLI::App& app, int argc, const char* const* argv, std::ostream& out = std::cout,
                         std::ostream& err = std::cerr);

// Adds --version, parses the command line and runs `action` on `out` and
// `err`. --help and --version print to `out` and return kExitOk; a parse
// error prints "<tool>: INVALID_ARGUMENT: <message> (see '<command> --help')"
// to `err` and returns kExitUsage, as does a command line that leaves
// `action` empty.
int RunMain(CLI::App& app, int argc, const char* const* argv, const Action& action, std::ostream& out = std::cout,
            std::ostream& err = std::cerr);

// Prints "<tool>: <CODE>: <message>" to `err` (the message's later lines,
// if any, indented) and returns `exit_code`.
int ReportError(std::string_view tool, const Status& status, std::ostream& err, int exit_code = kExitError);

// The flags every tool spells the same way.
CLI::Option* AddJsonFlag(CLI::App* command, bool* json);
CLI::Option* AddQuietFlag(CLI::App* command, bool* quiet);

// CLI11 checks for numeric flags, failing the way a person would say it:
//   --steps must be a positive integer, got 0
//   --learning_rate must be a positive number, got -1
//   --n_classes must be a non-negative integer no larger than 2147483647, got 9999999999
// Integer checks also reject what is no integer ("abc", "1.5"); number
// checks reject NaN and the infinities.
enum class Range { kAny, kNonNegative, kPositive };
CLI::Validator IntegerCheck(Range range, int64_t max);
CLI::Validator NumberCheck(Range range, double max);

// T: a signed integer or a floating-point type.
template <typename T>
requires std::signed_integral<T> || std::floating_point<T> CLI::Validator Positive() {
  if constexpr (std::signed_integral<T>) {
    return IntegerCheck(Range::kPositive, static_cast<int64_t>(std::numeric_limits<T>::max()));
  } else {
    return NumberCheck(Range::kPositive, static_cast<double>(std::numeric_limits<T>::max()));
  }
}
template <typename T>
requires std::signed_integral<T> || std::floating_point<T> CLI::Validator NonNegative() {
  if constexpr (std::signed_integral<T>) {
    return IntegerCheck(Range::kNonNegative, static_cast<int64_t>(std::numeric_limits<T>::max()));
  } else {
    return NumberCheck(Range::kNonNegative, static_cast<double>(std::numeric_limits<T>::max()));
  }
}
// Any int64 value (for a seed, say): only the text is checked.
CLI::Validator AnyInteger();

}  // namespace tfcompat::cli

#endif  // TFCOMPAT_TOOLS_COMMON_CLI_H_
