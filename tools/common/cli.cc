// SPDX-License-Identifier: Apache-2.0
#include "cli.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "tfcompat/base/version.h"

namespace tfcompat::cli {
namespace {

// "ckpt_tool diff": the tool and the subcommand being parsed, if any.
std::string CommandName(const CLI::App& app) {
  std::string name = app.get_name();
  for (const CLI::App* sub : app.get_subcommands()) name += " " + sub->get_name();
  return name;
}

// CLI11 reports a failed check as "<flag>: <message>"; the checks below
// word their message to follow the flag ("--steps must be ..."), so the
// colon goes.
std::string UsageMessage(const CLI::Error& e) {
  std::string message = e.what();
  const size_t at = message.find(": must be ");
  if (at != std::string::npos) message.erase(at, 1);
  return message;
}

std::string_view Article(Range range) { return range == Range::kAny ? "an" : "a"; }

std::string_view RangeWord(Range range) {
  switch (range) {
    case Range::kPositive:
      return "positive ";
    case Range::kNonNegative:
      return "non-negative ";
    case Range::kAny:
      break;
  }
  return "";
}

std::string Expected(Range range, std::string_view kind) {
  std::string text = "must be ";
  text += Article(range);
  text += " ";
  text += RangeWord(range);
  text += kind;
  return text;
}

// What --help shows beside the flag's type: INT:POSITIVE.
std::string Description(Range range) {
  switch (range) {
    case Range::kPositive:
      return "POSITIVE";
    case Range::kNonNegative:
      return "NONNEGATIVE";
    case Range::kAny:
      break;
  }
  return "";
}

}  // namespace

std::optional<int> Parse(CLI::App& app, int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  app.set_version_flag("--version", app.get_name() + " " + TFCOMPAT_VERSION_STRING);
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    return failed->get_name() + ": INVALID_ARGUMENT: " + UsageMessage(e) + " (see '" + CommandName(*failed) +
           " --help')\n";
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI::Success (--help) and CLI::CallForVersion carry exit code 0.
    return app.exit(e, out, err) == 0 ? kExitOk : kExitUsage;
  }
  return std::nullopt;
}

int RunMain(CLI::App& app, int argc, const char* const* argv, const Action& action, std::ostream& out,
            std::ostream& err) {
  if (const std::optional<int> exit_code = Parse(app, argc, argv, out, err)) return *exit_code;
  if (!action) {
    return ReportError(app.get_name(), InvalidArgumentError("no command given (see '" + app.get_name() + " --help')"),
                       err, kExitUsage);
  }
  return action(out, err);
}

int ReportError(std::string_view tool, const Status& status, std::ostream& err, int exit_code) {
  const std::string text = status.ToString();
  err << tool << ": ";
  // A message of several lines (a list of problems) goes on in indented
  // lines, so that only the first line starts with the tool's name.
  size_t begin = 0;
  while (true) {
    const size_t end = text.find('\n', begin);
    const std::string_view line = std::string_view(text).substr(begin, end - begin);
    if (begin > 0 && !line.empty() && line.front() != ' ') err << "  ";
    err << line << "\n";
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  return exit_code;
}

CLI::Option* AddJsonFlag(CLI::App* command, bool* json) {
  return command->add_flag("--json", *json, "Print JSON instead of text (docs/tools.md lists the keys)");
}

CLI::Option* AddQuietFlag(CLI::App* command, bool* quiet) {
  return command->add_flag("-q,--quiet", *quiet, "No INFO lines or progress bar on stderr (errors still print)");
}

CLI::Validator IntegerCheck(Range range, int64_t max) {
  const int64_t min = range == Range::kPositive      ? 1
                      : range == Range::kNonNegative ? 0
                                                     : std::numeric_limits<int64_t>::min();
  auto check = [range, min, max](const std::string& text) -> std::string {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+') ++begin;
    int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    const std::string expected = Expected(range, "integer");
    if (begin == end || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
      return expected + ", got " + text;
    }
    const bool overflow = ec == std::errc::result_out_of_range;
    const bool negative = *begin == '-';
    if (!overflow && value >= min && value <= max) return "";
    if (!negative && (overflow || value > max)) {
      return expected + " no larger than " + std::to_string(max) + ", got " + text;
    }
    if (overflow && range == Range::kAny) {
      return expected + " no smaller than " + std::to_string(min) + ", got " + text;
    }
    return expected + ", got " + text;
  };
  return CLI::Validator(check, Description(range));
}

CLI::Validator NumberCheck(Range range, double max) {
  auto check = [range, max](const std::string& text) -> std::string {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+') ++begin;
    double value = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    const std::string expected = Expected(range, "number");
    const bool in_range = range == Range::kPositive ? value > 0 : range == Range::kNonNegative ? value >= 0 : true;
    if (begin == end || ptr != end || ec != std::errc() || !std::isfinite(value) || !in_range) {
      return expected + ", got " + text;
    }
    if (std::fabs(value) > max) {
      char bound[32];
      std::snprintf(bound, sizeof(bound), "%g", max);
      return expected + (value > 0 ? " no larger than " : " no smaller than -") + bound + ", got " + text;
    }
    return "";
  };
  return CLI::Validator(check, Description(range));
}

CLI::Validator AnyInteger() { return IntegerCheck(Range::kAny, std::numeric_limits<int64_t>::max()); }

}  // namespace tfcompat::cli
