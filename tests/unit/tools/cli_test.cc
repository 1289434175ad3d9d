// SPDX-License-Identifier: Apache-2.0
// The command-line layer the tools share: number text, errors, --version,
// flag checks, JSON and table output.
#include "cli.h"

#include <boost/test/unit_test.hpp>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "number_format.h"
#include "output.h"
#include "util/text.h"

namespace tfcompat::cli {
namespace {

using testing::Contains;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

BOOST_AUTO_TEST_SUITE(Cli)

BOOST_AUTO_TEST_CASE(NumbersPrintAsTheShortestTextThatReadsBack) {
  BOOST_TEST(FormatNumber(0.1) == "0.1");
  BOOST_TEST(FormatNumber(0.1f) == "0.1");
  BOOST_TEST(FormatNumber(static_cast<double>(0.1f)) == "0.10000000149011612");
  BOOST_TEST(FormatNumber(3.0) == "3");
  BOOST_TEST(FormatNumber(-2.5e-300) == "-2.5e-300");
  BOOST_TEST(FormatNumber(1e21) == "1e+21");
}

BOOST_AUTO_TEST_CASE(NonFiniteNumbersAreProtobufJsonWords) {
  BOOST_TEST(FormatNumber(kNaN) == "NaN");
  BOOST_TEST(FormatNumber(kInf) == "Infinity");
  BOOST_TEST(FormatNumber(-kInf) == "-Infinity");
  BOOST_TEST(FormatNumber(std::numeric_limits<float>::infinity()) == "Infinity");
  BOOST_TEST(NumberJson(kNaN).dump() == "\"NaN\"");
  BOOST_TEST(NumberJson(-kInf).dump() == "\"-Infinity\"");
  BOOST_TEST(NumberJson(std::numeric_limits<float>::quiet_NaN()).dump() == "\"NaN\"");
}

BOOST_AUTO_TEST_CASE(JsonNumbersKeepFloat32sShort) {
  BOOST_TEST(NumberJson(0.1f).dump() == "0.1");
  BOOST_TEST(NumberJson(0.1).dump() == "0.1");
  BOOST_TEST(NumberJson(1.0f / 3.0f).dump() == "0.33333334");
  BOOST_TEST(NumberJson(-0.0).dump() == "-0.0");
}

BOOST_AUTO_TEST_CASE(ErrorsNameToolCodeAndMessage) {
  std::ostringstream err;
  BOOST_TEST(ReportError("event_tool", NotFoundError("logs: no such directory"), err) == kExitError);
  BOOST_TEST(err.str() == "event_tool: NOT_FOUND: logs: no such directory\n");
}

BOOST_AUTO_TEST_CASE(VersionAndHelpExitZeroWithoutRunningTheAction) {
  for (const char* flag : {"--version", "--help"}) {
    CLI::App app{"test tool", "tool"};
    bool ran = false;
    const char* argv[] = {"tool", flag};
    std::ostringstream out, err;
    BOOST_TEST(RunMain(
                   app, 2, argv, [&](std::ostream&, std::ostream&) { return ran = true, kExitOk; }, out, err) ==
               kExitOk);
    BOOST_TEST(!ran);
    BOOST_TEST(!out.str().empty());
    BOOST_TEST(err.str().empty());
  }
}

BOOST_AUTO_TEST_CASE(AnUnknownFlagIsAUsageError) {
  CLI::App app{"test tool", "tool"};
  const char* argv[] = {"tool", "--no_such_flag"};
  std::ostringstream out, err;
  BOOST_TEST(RunMain(
                 app, 2, argv, [](std::ostream&, std::ostream&) { return kExitOk; }, out, err) == kExitUsage);
}

// Parses `args` with an int64 --steps checked by `check`: the exit code
// and stderr.
std::pair<int, std::string> ParseSteps(const CLI::Validator& check, const std::string& value) {
  CLI::App app{"test tool", "tool"};
  int64_t steps = 0;
  app.add_option("--steps", steps)->check(check);
  const char* argv[] = {"tool", "--steps", value.c_str()};
  std::ostringstream out, err;
  const int code = RunMain(
      app, 3, argv, [](std::ostream&, std::ostream&) { return kExitOk; }, out, err);
  return {code, err.str()};
}

BOOST_AUTO_TEST_CASE(UsageErrorsAreOneErrorLineNamingTheHelp) {
  CLI::App app{"test tool", "tool"};
  app.add_subcommand("run", "runs");
  const char* argv[] = {"tool", "run", "--no_such_flag"};
  std::ostringstream out, err;
  BOOST_TEST(RunMain(
                 app, 3, argv, [](std::ostream&, std::ostream&) { return kExitOk; }, out, err) == kExitUsage);
  BOOST_TEST(err.str() ==
             "tool: INVALID_ARGUMENT: The following argument was not expected: --no_such_flag (see 'tool run "
             "--help')\n");
  BOOST_TEST(out.str().empty());
}

BOOST_AUTO_TEST_CASE(AMissingSubcommandIsAUsageError) {
  CLI::App app{"test tool", "tool"};
  app.add_subcommand("run", "runs");
  app.require_subcommand(1);
  const char* argv[] = {"tool"};
  std::ostringstream out, err;
  BOOST_TEST(RunMain(
                 app, 1, argv, [](std::ostream&, std::ostream&) { return kExitOk; }, out, err) == kExitUsage);
  BOOST_TEST(err.str() == "tool: INVALID_ARGUMENT: A subcommand is required (see 'tool --help')\n");
}

BOOST_AUTO_TEST_CASE(ACommandLineThatSetsNoActionIsAUsageError) {
  CLI::App app{"test tool", "tool"};
  app.add_subcommand("run", "runs");  // optional, and sets no action
  const char* argv[] = {"tool"};
  std::ostringstream out, err;
  BOOST_TEST(RunMain(app, 1, argv, Action(), out, err) == kExitUsage);
  BOOST_TEST(err.str() == "tool: INVALID_ARGUMENT: no command given (see 'tool --help')\n");
}

BOOST_AUTO_TEST_CASE(LaterLinesOfAnErrorAreIndented) {
  std::ostringstream err;
  BOOST_TEST(ReportError("estimator", InvalidArgumentError("2 problems:\n  a\nb"), err) == kExitError);
  BOOST_TEST(err.str() == "estimator: INVALID_ARGUMENT: 2 problems:\n  a\n  b\n");
}

BOOST_AUTO_TEST_CASE(IntegerChecksSayWhatWasExpected) {
  const auto positive = Positive<int64_t>();
  BOOST_TEST(ParseSteps(positive, "5").first == kExitOk);
  BOOST_TEST(ParseSteps(positive, "+5").first == kExitOk);
  const auto [code, err] = ParseSteps(positive, "0");
  BOOST_TEST(code == kExitUsage);
  BOOST_TEST(err == "tool: INVALID_ARGUMENT: --steps must be a positive integer, got 0 (see 'tool --help')\n");
  for (const char* bad : {"-1", "1.5", "abc", "", "5x"}) {
    BOOST_TEST(
        Contains(ParseSteps(positive, bad).second, "--steps must be a positive integer, got " + std::string(bad)), bad);
  }
  BOOST_TEST(Contains(ParseSteps(positive, "99999999999999999999").second,
                      "--steps must be a positive integer no larger than 9223372036854775807, got "
                      "99999999999999999999"));
  BOOST_TEST(ParseSteps(NonNegative<int64_t>(), "0").first == kExitOk);
  BOOST_TEST(Contains(ParseSteps(NonNegative<int64_t>(), "-1").second, "must be a non-negative integer, got -1"));
  BOOST_TEST(Contains(ParseSteps(NonNegative<int>(), "2147483648").second,
                      "must be a non-negative integer no larger than 2147483647, got 2147483648"));
  BOOST_TEST(ParseSteps(AnyInteger(), "-7").first == kExitOk);
  BOOST_TEST(Contains(ParseSteps(AnyInteger(), "seven").second, "--steps must be an integer, got seven"));
  BOOST_TEST(Contains(ParseSteps(AnyInteger(), "-99999999999999999999").second,
                      "must be an integer no smaller than -9223372036854775808"));
}

BOOST_AUTO_TEST_CASE(NumberChecksRejectNonFiniteValues) {
  CLI::App app{"test tool", "tool"};
  double rate = 0;
  app.add_option("--rate", rate)->check(Positive<float>());
  const auto parse = [&app](const char* value) {
    const char* argv[] = {"tool", "--rate", value};
    std::ostringstream out, err;
    const int code = RunMain(
        app, 3, argv, [](std::ostream&, std::ostream&) { return kExitOk; }, out, err);
    return std::pair<int, std::string>(code, err.str());
  };
  BOOST_TEST(parse("0.05").first == kExitOk);
  BOOST_TEST(parse("1e-3").first == kExitOk);
  for (const char* bad : {"0", "-1", "nan", "inf", "x"}) {
    BOOST_TEST(Contains(parse(bad).second, "--rate must be a positive number, got " + std::string(bad)), bad);
  }
  BOOST_TEST(Contains(parse("1e39").second, "--rate must be a positive number no larger than 3.40282e+38, got 1e39"));
}

BOOST_AUTO_TEST_CASE(TablesAlignColumnsTwoSpacesApart) {
  std::ostringstream out;
  PrintTable(out, {"metric", "value"}, {{"accuracy", "0.96666664"}, {"auc_precision_recall", "1"}});
  BOOST_TEST(out.str() ==
             "metric                value\n"
             "accuracy              0.96666664\n"
             "auc_precision_recall  1\n");
}

BOOST_AUTO_TEST_CASE(JsonOfInvalidUtf8PrintsReplacementCharacters) {
  std::ostringstream document, line;
  PrintJson(document, {{"name", std::string("a\xff")}, {"value", NumberJson(kNaN)}});
  BOOST_TEST(document.str() == "{\n  \"name\": \"a\xef\xbf\xbd\",\n  \"value\": \"NaN\"\n}\n");
  PrintJsonLine(line, {{"b", 1}, {"a", NumberJson(0.1f)}});
  BOOST_TEST(line.str() == "{\"a\":0.1,\"b\":1}\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::cli
