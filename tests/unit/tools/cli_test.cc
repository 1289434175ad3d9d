// SPDX-License-Identifier: Apache-2.0
// The command-line layer the tools share: number text, errors, --version.
#include "cli.h"

#include <boost/test/unit_test.hpp>
#include <limits>
#include <sstream>

#include "number_format.h"

namespace tfcompat::cli {
namespace {

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
    BOOST_TEST(RunMain(app, 2, argv, [&](std::ostream&, std::ostream&) { return ran = true, kExitOk; }) == kExitOk);
    BOOST_TEST(!ran);
  }
}

BOOST_AUTO_TEST_CASE(AnUnknownFlagIsAUsageError) {
  CLI::App app{"test tool", "tool"};
  const char* argv[] = {"tool", "--no_such_flag"};
  BOOST_TEST(RunMain(app, 2, argv, [](std::ostream&, std::ostream&) { return kExitOk; }) == kExitUsage);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::cli
