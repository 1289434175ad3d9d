// SPDX-License-Identifier: Apache-2.0
// event_tool's run functions, with output captured.
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "event_data.h"
#include "subcommands.h"
#include "tfcompat/summary/summary_writer.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat::event_tool {
namespace {

using testing::Contains;
using testing::ReadAll;
using testing::TempDir;

// Runs a/ and b/ with scalar "loss" = step / 4 (a) and 1 + step / 4 (b),
// steps 0..3, and a text tag in a.
void WriteRuns(const TempDir& dir) {
  for (const char* run : {"a", "b"}) {
    auto writer = SummaryWriter::Create(dir.file(run));
    BOOST_TEST_REQUIRE(writer.ok());
    const float base = run[0] == 'a' ? 0.0f : 1.0f;
    for (int step = 0; step < 4; ++step) BOOST_TEST((*writer)->AddScalar("loss", base + step / 4.0f, step).ok());
    if (run[0] == 'a') BOOST_TEST((*writer)->AddText("notes", "x", 0).ok());
    BOOST_TEST((*writer)->Close().ok());
  }
}

BOOST_AUTO_TEST_SUITE(EventToolTest)

BOOST_AUTO_TEST_CASE(ListGroupsTagsByKind) {
  TempDir dir;
  WriteRuns(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunList({dir.path()}, out, err) == kExitOk);
  const std::string text = out.str();
  BOOST_TEST(Contains(text, "run a (1 file)"));
  BOOST_TEST(Contains(text, "run b (1 file)"));
  BOOST_TEST(Contains(text, "  scalar:\n    loss  count=4 steps=0..3"));
  BOOST_TEST(Contains(text, "  text:\n    notes  count=1 steps=0..0"));
}

BOOST_AUTO_TEST_CASE(ListOfMissingOrEmptyDirFails) {
  TempDir dir;
  std::ostringstream out, err;
  BOOST_TEST(RunList({dir.file("missing")}, out, err) == kExitError);
  BOOST_TEST(Contains(err.str(), "not a directory"));
  BOOST_TEST(RunList({dir.path()}, out, err) == kExitError);
  BOOST_TEST(Contains(err.str(), "no event files found"));
}

BOOST_AUTO_TEST_CASE(ScalarsPrintsCsvAndJson) {
  TempDir dir;
  WriteRuns(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunScalars({dir.path(), "b", "loss", "csv"}, out, err) == kExitOk);
  std::istringstream lines(out.str());
  std::string line;
  std::getline(lines, line);
  BOOST_TEST(line == "run,tag,step,wall_time,value");
  std::vector<std::string> values;
  while (std::getline(lines, line)) values.push_back(line.substr(line.rfind(',') + 1));
  BOOST_TEST(values == (std::vector<std::string>{"1", "1.25", "1.5", "1.75"}), boost::test_tools::per_element());

  std::ostringstream json;
  BOOST_TEST(RunScalars({dir.path(), "a", "loss", "json"}, json, err) == kExitOk);
  BOOST_TEST(Contains(json.str(), "\"step\":3,\"tag\":\"loss\",\"value\":0.75"));
}

BOOST_AUTO_TEST_CASE(ScalarsOfUnknownRunOrTagFail) {
  TempDir dir;
  WriteRuns(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunScalars({dir.path(), "zzz", "", "csv"}, out, err) == kExitError);
  BOOST_TEST(RunScalars({dir.path(), "", "nope", "csv"}, out, err) == kExitError);
  BOOST_TEST(Contains(err.str(), "no scalar tag 'nope'"));
}

BOOST_AUTO_TEST_CASE(DumpPrintsOneEventPerLine) {
  TempDir dir;
  auto writer = SummaryWriter::Create(dir.path());
  BOOST_TEST_REQUIRE(writer.ok());
  BOOST_TEST((*writer)->AddScalar("loss", 0.5f, 7).ok());
  BOOST_TEST((*writer)->Close().ok());
  std::ostringstream out, err;
  BOOST_TEST(RunDump({(*writer)->path(), false}, out, err) == kExitOk);
  BOOST_TEST(Contains(out.str(), "step=0 file_version brain.Event:2\n"));
  BOOST_TEST(Contains(out.str(), "step=7 summary [loss scalar 0.5]\n"));
  std::ostringstream json;
  BOOST_TEST(RunDump({(*writer)->path(), true}, json, err) == kExitOk);
  BOOST_TEST(
      Contains(json.str(),
               "{\"kind\":\"summary\",\"step\":7,\"values\":[{\"kind\":\"scalar\",\"tag\":\"loss\",\"value\":0.5}]"));
}

BOOST_AUTO_TEST_CASE(DumpOfCorruptFileFails) {
  TempDir dir;
  testing::WriteAll(dir.file("events.out.tfevents.bad"), std::string(20, 'x'));
  std::ostringstream out, err;
  BOOST_TEST(RunDump({dir.file("events.out.tfevents.bad"), false}, out, err) == kExitError);
  BOOST_TEST(Contains(err.str(), "offset 0"));
  BOOST_TEST(RunDump({dir.file("missing"), false}, out, err) == kExitError);
}

BOOST_AUTO_TEST_CASE(PlotDrawsOneLinePerRun) {
  TempDir dir;
  WriteRuns(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunPlot({dir.path(), "loss", dir.file("loss.svg")}, out, err) == kExitOk);
  const std::string svg = ReadAll(dir.file("loss.svg"));
  BOOST_TEST(svg.rfind("<svg", 0) == 0);
  size_t lines = 0;
  for (size_t pos = 0; (pos = svg.find("<polyline", pos)) != std::string::npos; ++pos) ++lines;
  BOOST_TEST(lines == 2u);
  BOOST_TEST(RunPlot({dir.path(), "nope", dir.file("x.svg")}, out, err) == kExitError);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::event_tool
