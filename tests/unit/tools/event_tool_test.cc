// SPDX-License-Identifier: Apache-2.0
// event_tool's run functions, with output captured.
#include <algorithm>
#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "command_line.h"
#include "event_data.h"
#include "subcommands.h"
#include "tfcompat/summary/summary_writer.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat::event_tool {
namespace {

using cli::kExitError;
using cli::kExitOk;
using cli::kExitUsage;
using testing::CommandLine;
using testing::Contains;
using testing::IsErrorLine;
using testing::Keys;
using testing::ReadAll;
using testing::TempDir;

using KeySet = std::set<std::string>;

CommandLine Run(const std::vector<std::string>& args) { return testing::RunCommandLine(SetupCommands, args); }

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

// Run r/ with scalar "loss" = step at steps 0..3 and SessionLog START at 0,
// then restarted at step 2 in a second file: loss = 10 + step at 2..3.
void WriteRestartedRun(const TempDir& dir) {
  for (int64_t start : {0, 2}) {
    auto writer = SummaryWriter::Create(dir.file("r"));
    BOOST_TEST_REQUIRE(writer.ok());
    BOOST_TEST((*writer)->AddSessionStart(start).ok());
    const float base = start == 0 ? 0.0f : 10.0f;
    for (int64_t step = start; step < 4; ++step) BOOST_TEST((*writer)->AddScalar("loss", base + step, step).ok());
    BOOST_TEST((*writer)->Close().ok());
    // Names in creation order whatever the writers' clock and counter say.
    boost::filesystem::rename((*writer)->path(), dir.file("r/events.out.tfevents." + std::to_string(start)));
  }
}

// The value column of `scalars` CSV output.
std::vector<std::string> CsvValues(const std::string& csv) {
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);  // The header.
  std::vector<std::string> values;
  while (std::getline(lines, line)) values.push_back(line.substr(line.rfind(',') + 1));
  return values;
}

// The number of points of the first line of an SVG chart.
size_t PointsOfFirstLine(const std::string& svg) {
  const size_t begin = svg.find("points=\"") + 8;
  const std::string points = svg.substr(begin, svg.find('"', begin) - begin);
  return static_cast<size_t>(std::count(points.begin(), points.end(), ','));
}

BOOST_AUTO_TEST_SUITE(EventToolTest)

BOOST_AUTO_TEST_CASE(ListGroupsTagsByKind) {
  TempDir dir;
  WriteRuns(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunList({dir.path(), false}, out, err) == kExitOk);
  const std::string text = out.str();
  BOOST_TEST(Contains(text, "run a (1 file)"));
  BOOST_TEST(Contains(text, "run b (1 file)"));
  BOOST_TEST(Contains(text, "  scalar:\n    loss  count=4 steps=0..3"));
  BOOST_TEST(Contains(text, "  text:\n    notes  count=1 steps=0..0"));
}

BOOST_AUTO_TEST_CASE(ListOfMissingOrEmptyDirFails) {
  TempDir dir;
  std::ostringstream out, err;
  BOOST_TEST(RunList({dir.file("missing"), false}, out, err) == kExitError);
  BOOST_TEST(Contains(err.str(), "not a directory"));
  BOOST_TEST(RunList({dir.path(), false}, out, err) == kExitError);
  BOOST_TEST(Contains(err.str(), "no event files found"));
}

BOOST_AUTO_TEST_CASE(ScalarsPrintsCsvAndJson) {
  TempDir dir;
  WriteRuns(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunScalars({dir.path(), "b", "loss", false}, out, err) == kExitOk);
  BOOST_TEST(out.str().rfind("run,tag,step,wall_time,value\n", 0) == 0u);
  BOOST_TEST(CsvValues(out.str()) == (std::vector<std::string>{"1", "1.25", "1.5", "1.75"}),
             boost::test_tools::per_element());

  std::ostringstream json;
  BOOST_TEST(RunScalars({dir.path(), "a", "loss", true}, json, err) == kExitOk);
  const auto rows = nlohmann::json::parse(json.str());
  BOOST_REQUIRE_EQUAL(rows.size(), 4u);
  BOOST_TEST(rows[3]["step"].get<int64_t>() == 3);
  BOOST_TEST(rows[3]["value"].get<double>() == 0.75);
}

BOOST_AUTO_TEST_CASE(ScalarsOfUnknownRunOrTagFail) {
  TempDir dir;
  WriteRuns(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunScalars({dir.path(), "zzz", "", false}, out, err) == kExitError);
  BOOST_TEST(RunScalars({dir.path(), "", "nope", false}, out, err) == kExitError);
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

BOOST_AUTO_TEST_CASE(UsageErrorsExitOneWithAnErrorLine) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{},
                                             {"nope"},
                                             {"scalars"},
                                             {"plot", "logs"},
                                             {"scalars", "logs", "--format", "xml"},
                                             {"scalars", "logs", "--json", "--format", "csv"}}) {
    const CommandLine run = Run(args);
    BOOST_TEST(run.code == kExitUsage);
    BOOST_TEST(IsErrorLine(run.err, "event_tool", "INVALID_ARGUMENT"), run.err);
  }
  BOOST_TEST(Run({"--version"}).code == kExitOk);
}

BOOST_AUTO_TEST_CASE(FormatJsonIsAnAliasOfJson) {
  TempDir dir;
  WriteRuns(dir);
  const CommandLine json = Run({"scalars", dir.path(), "--json"});
  const CommandLine format = Run({"scalars", dir.path(), "--format", "json"});
  BOOST_TEST(json.code == kExitOk);
  BOOST_TEST(json.out == format.out);
  BOOST_TEST(Run({"scalars", dir.path(), "--format", "csv"}).out.rfind("run,tag,step,wall_time,value\n", 0) == 0u);
  const CommandLine export_json = Run({"export", dir.path(), "--json"});
  BOOST_TEST(export_json.code == kExitOk);
  BOOST_TEST(nlohmann::json::parse(export_json.out).contains("scalars"));
  BOOST_TEST(export_json.out == Run({"export", dir.path(), "--format", "json"}).out);
  BOOST_TEST(Run({"export", dir.path(), "--json", "--format", "csv"}).code == kExitUsage);
}

BOOST_AUTO_TEST_CASE(JsonOfEveryTableCommandHasTheDocumentedKeys) {
  TempDir dir;
  WriteRuns(dir);
  const CommandLine list = Run({"list", dir.path(), "--json"});
  BOOST_REQUIRE_EQUAL(list.code, kExitOk);
  const auto doc = nlohmann::json::parse(list.out);
  BOOST_TEST(Keys(doc) == (KeySet{"logdir", "runs"}));
  BOOST_REQUIRE_EQUAL(doc["runs"].size(), 2u);
  BOOST_TEST(Keys(doc["runs"][0]) == (KeySet{"run", "files", "graphs", "session_logs", "purged_values", "tags"}));
  BOOST_TEST(doc["runs"][0]["run"].get<std::string>() == "a");
  const auto& tag = doc["runs"][0]["tags"][0];
  BOOST_TEST(Keys(tag) == (KeySet{"tag", "kind", "count", "min_step", "max_step", "min_wall_time", "max_wall_time"}));
  BOOST_TEST(tag["tag"].get<std::string>() == "loss");
  BOOST_TEST(tag["kind"].get<std::string>() == "scalar");
  BOOST_TEST(tag["count"].get<int64_t>() == 4);

  const CommandLine scalars = Run({"scalars", dir.path(), "--json"});
  const auto rows = nlohmann::json::parse(scalars.out);
  BOOST_REQUIRE_EQUAL(rows.size(), 8u);
  BOOST_TEST(Keys(rows[0]) == (KeySet{"run", "tag", "step", "wall_time", "value"}));

  const CommandLine dump = Run({"dump", doc["runs"][0]["files"][0].get<std::string>(), "--json"});
  std::istringstream lines(dump.out);
  std::string line;
  std::set<std::string> kinds;
  while (std::getline(lines, line)) {
    const auto event = nlohmann::json::parse(line);
    kinds.insert(event["kind"].get<std::string>());
    if (event["kind"] == "summary") {
      BOOST_TEST(Keys(event) == (KeySet{"wall_time", "step", "kind", "values"}));
      BOOST_TEST(Keys(event["values"][0]).count("tag") == 1u);
    }
  }
  BOOST_TEST(kinds == (KeySet{"file_version", "summary"}));
}

BOOST_AUTO_TEST_CASE(NonFiniteScalarsAreNaNAndInfinityInCsvTextAndJson) {
  TempDir dir;
  auto writer = SummaryWriter::Create(dir.path());
  BOOST_TEST_REQUIRE(writer.ok());
  BOOST_TEST((*writer)->AddScalar("x", NAN, 0).ok());
  BOOST_TEST((*writer)->AddScalar("x", INFINITY, 1).ok());
  BOOST_TEST((*writer)->AddScalar("x", -INFINITY, 2).ok());
  BOOST_TEST((*writer)->Close().ok());
  BOOST_TEST(CsvValues(Run({"scalars", dir.path()}).out) == (std::vector<std::string>{"NaN", "Infinity", "-Infinity"}),
             boost::test_tools::per_element());
  std::vector<std::string> json_values;
  for (const auto& row : nlohmann::json::parse(Run({"scalars", dir.path(), "--json"}).out)) {
    json_values.push_back(row["value"].dump());
  }
  BOOST_TEST(json_values == (std::vector<std::string>{R"("NaN")", R"("Infinity")", R"("-Infinity")"}),
             boost::test_tools::per_element());
  const CommandLine dump = Run({"dump", (*writer)->path()});
  BOOST_TEST(Contains(dump.out, "[x scalar NaN]"), dump.out);
  BOOST_TEST(Contains(dump.out, "[x scalar -Infinity]"), dump.out);
  BOOST_TEST(Contains(Run({"dump", (*writer)->path(), "--json"}).out, R"("value":"Infinity")"));
}

BOOST_AUTO_TEST_CASE(ScalarsLeaveOutWhatARestartOrphanedUnlessTold) {
  TempDir dir;
  WriteRestartedRun(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunScalars({dir.path(), "r", "loss", false}, out, err) == kExitOk);
  BOOST_TEST(CsvValues(out.str()) == (std::vector<std::string>{"0", "1", "12", "13"}),
             boost::test_tools::per_element());
  std::ostringstream raw;
  BOOST_TEST(RunScalars({dir.path(), "r", "loss", false, /*purge_orphaned_data=*/false}, raw, err) == kExitOk);
  BOOST_TEST(CsvValues(raw.str()) == (std::vector<std::string>{"0", "1", "2", "3", "12", "13"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ListCountsThePurgedValues) {
  TempDir dir;
  WriteRestartedRun(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunList({dir.path(), false}, out, err) == kExitOk);
  BOOST_TEST(Contains(out.str(), "run r (2 files, 2 session log events, 2 orphaned values purged)\n"));
  BOOST_TEST(Contains(out.str(), "    loss  count=4 steps=0..3"));
  std::ostringstream raw;
  BOOST_TEST(RunList({dir.path(), false, /*purge_orphaned_data=*/false}, raw, err) == kExitOk);
  BOOST_TEST(Contains(raw.str(), "run r (2 files, 2 session log events)\n"));
  BOOST_TEST(Contains(raw.str(), "    loss  count=6 steps=0..3"));
}

BOOST_AUTO_TEST_CASE(PlotDrawsThePointsTensorBoardKeeps) {
  TempDir dir;
  WriteRestartedRun(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunPlot({dir.path(), "loss", dir.file("loss.svg")}, out, err) == kExitOk);
  BOOST_TEST(PointsOfFirstLine(ReadAll(dir.file("loss.svg"))) == 4u);
  BOOST_TEST(RunPlot({dir.path(), "loss", dir.file("raw.svg"), /*purge_orphaned_data=*/false}, out, err) == kExitOk);
  BOOST_TEST(PointsOfFirstLine(ReadAll(dir.file("raw.svg"))) == 6u);
}

BOOST_AUTO_TEST_CASE(PurgeOrphanedDataFlagTakesTrueOrFalseAsTensorBoardsDoes) {
  TempDir dir;
  WriteRestartedRun(dir);
  const auto values = [&dir](const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"scalars", dir.path(), "--tag", "loss"};
    args.insert(args.end(), flags.begin(), flags.end());
    const CommandLine run = Run(args);
    BOOST_TEST(run.code == kExitOk, run.err);
    return CsvValues(run.out).size();
  };
  BOOST_TEST(values({}) == 4u);
  BOOST_TEST(values({"--purge_orphaned_data=false"}) == 6u);
  BOOST_TEST(values({"--purge_orphaned_data", "False"}) == 6u);
  BOOST_TEST(values({"--purge_orphaned_data=true"}) == 4u);
  for (const char* bad : {"--purge_orphaned_data=maybe", "--purge_orphaned_data"}) {
    const CommandLine run = Run({"scalars", dir.path(), bad});
    BOOST_TEST(run.code == kExitUsage, bad);
    BOOST_TEST(IsErrorLine(run.err, "event_tool", "INVALID_ARGUMENT"), run.err);
  }
  // list and plot take it too.
  BOOST_TEST(Contains(Run({"list", dir.path(), "--purge_orphaned_data=false"}).out, "    loss  count=6 steps=0..3"));
  BOOST_TEST(
      Run({"plot", dir.path(), "--tag", "loss", "-o", dir.file("raw.svg"), "--purge_orphaned_data=false"}).code ==
      kExitOk);
  BOOST_TEST(PointsOfFirstLine(ReadAll(dir.file("raw.svg"))) == 6u);
}

BOOST_AUTO_TEST_SUITE_END()

// The lines of `text` with field `wall_time` (the 4th, or 5th after "kind")
// replaced by "T": the writer stamps the real time.
std::vector<std::string> LinesWithoutTime(const std::string& text, int wall_time_field = 3) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  lines.push_back(line);
  while (std::getline(in, line)) {
    size_t begin = 0;
    for (int i = 0; i < wall_time_field; ++i) begin = line.find(',', begin) + 1;
    const size_t end = line.find(',', begin);
    BOOST_TEST(std::isdigit(static_cast<unsigned char>(line[begin])));
    lines.push_back(line.substr(0, begin) + "T" + (end == std::string::npos ? "" : line.substr(end)));
  }
  return lines;
}

ExportOptions Export(const TempDir& dir, const std::string& kinds, const std::string& format = "csv") {
  ExportOptions options;
  options.logdir = dir.path();
  options.format = format;
  options.kinds.clear();
  for (size_t begin = 0; begin <= kinds.size();) {
    const size_t comma = std::min(kinds.find(',', begin), kinds.size());
    options.kinds.push_back(kinds.substr(begin, comma - begin));
    begin = comma + 1;
  }
  return options;
}

BOOST_AUTO_TEST_SUITE(EventToolExportTest)

BOOST_AUTO_TEST_CASE(ExportWritesEveryRunAndTagAsLongCsv) {
  TempDir dir;
  WriteRuns(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunExport(Export(dir, "scalars"), out, err) == kExitOk, err.str());
  const std::vector<std::string> expected = {"run,tag,step,wall_time,value",
                                             "a,loss,0,T,0",
                                             "a,loss,1,T,0.25",
                                             "a,loss,2,T,0.5",
                                             "a,loss,3,T,0.75",
                                             "b,loss,0,T,1",
                                             "b,loss,1,T,1.25",
                                             "b,loss,2,T,1.5",
                                             "b,loss,3,T,1.75"};
  BOOST_TEST(LinesWithoutTime(out.str()) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ExportWritesEachStepsDigitsWhetherStepsCountUpJumpOrGoBack) {
  TempDir dir;
  // Read in this order; exported by step.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<int64_t> steps = {9,  10, 11, 99, 100, 101, 998,  999,  1000, 1002,  1003,     -3,  -2,
                                      -1, 0,  1,  2,  7,   8,   9999, 8999, 9000, 99999, kMax - 1, kMax};
  {
    auto writer = SummaryWriter::Create(dir.file("r"));
    BOOST_TEST_REQUIRE(writer.ok());
    for (int64_t step : steps) BOOST_TEST((*writer)->AddScalar("loss", 0.5f, step).ok());
    BOOST_TEST((*writer)->Close().ok());
  }
  std::ostringstream out, err;
  BOOST_TEST(RunExport(Export(dir, "scalars"), out, err) == kExitOk, err.str());
  std::vector<int64_t> sorted = steps;
  std::stable_sort(sorted.begin(), sorted.end());
  std::vector<std::string> expected = {"run,tag,step,wall_time,value"};
  for (int64_t step : sorted) expected.push_back("r,loss," + std::to_string(step) + ",T,0.5");
  BOOST_TEST(LinesWithoutTime(out.str()) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ExportOfSeveralKindsHasAKindColumnAndTheUnionOfColumns) {
  TempDir dir;
  WriteRuns(dir);
  std::ostringstream out, err;
  BOOST_TEST(RunExport(Export(dir, "text,scalars"), out, err) == kExitOk, err.str());
  const std::vector<std::string> lines = LinesWithoutTime(out.str(), 4);
  BOOST_TEST_REQUIRE(lines.size() == 10u);
  BOOST_TEST(lines[0] == "kind,run,tag,step,wall_time,value");
  BOOST_TEST(lines[1] == "scalars,a,loss,0,T,0");
  BOOST_TEST(lines[9] == "text,a,notes,0,T,x");
}

BOOST_AUTO_TEST_CASE(ExportQuotesCsvFieldsAndWritesNonFiniteNumbersAsWords) {
  TempDir dir;
  {
    auto writer = SummaryWriter::Create(dir.file("run \"1\", a"));
    BOOST_TEST_REQUIRE(writer.ok());
    BOOST_TEST((*writer)->AddScalar("x,y", std::numeric_limits<float>::quiet_NaN(), 1).ok());
    BOOST_TEST((*writer)->AddScalar("x,y", std::numeric_limits<float>::infinity(), 2).ok());
    BOOST_TEST((*writer)->AddScalar("x,y", -std::numeric_limits<float>::infinity(), 3).ok());
    BOOST_TEST((*writer)->AddText("multi\nline", "a \"quote\", comma\nand line", 4).ok());
    BOOST_TEST((*writer)->Close().ok());
  }
  std::ostringstream out, err;
  BOOST_TEST(RunExport(Export(dir, "scalars"), out, err) == kExitOk, err.str());
  std::istringstream lines(out.str());
  std::string line;
  std::getline(lines, line);
  for (const char* expected : {"1,T,NaN", "2,T,Infinity", "3,T,-Infinity"}) {
    std::getline(lines, line);
    const std::string prefix = "\"run \"\"1\"\", a\",\"x,y\"," + std::string(expected, 2);
    BOOST_TEST(line.starts_with(prefix), line);
    BOOST_TEST(line.ends_with(std::string(expected + 3)), line);
  }
  std::ostringstream text;
  BOOST_TEST(RunExport(Export(dir, "text"), text, err) == kExitOk, err.str());
  BOOST_TEST(Contains(text.str(), ",\"a \"\"quote\"\", comma\nand line\"\n"));

  std::ostringstream json;
  BOOST_TEST(RunExport(Export(dir, "scalars,text", "json"), json, err) == kExitOk, err.str());
  const nlohmann::json parsed = nlohmann::json::parse(json.str());
  BOOST_TEST(parsed["scalars"].size() == 3u);
  BOOST_TEST(parsed["scalars"][0]["run"] == "run \"1\", a");
  BOOST_TEST(parsed["scalars"][0]["value"] == "NaN");
  BOOST_TEST(parsed["scalars"][2]["value"] == "-Infinity");
  BOOST_TEST(parsed["text"][0]["tag"] == "multi\nline");
  BOOST_TEST(parsed["text"][0]["value"] == "a \"quote\", comma\nand line");
}

BOOST_AUTO_TEST_CASE(ExportGivesHistogramsTbparsesLimitsAndCounts) {
  TempDir dir;
  {
    auto writer = SummaryWriter::Create(dir.path());
    BOOST_TEST_REQUIRE(writer.ok());
    const double values[] = {0, 1, 1, 3};
    BOOST_TEST((*writer)->AddHistogram("tf2", values, 5, 3).ok());
    HistogramData legacy;
    legacy.min = 0;
    legacy.max = 3;
    legacy.num = 4;
    legacy.sum = 5;
    legacy.sum_squares = 11;
    legacy.bucket_limits = {1, 2, 3};
    legacy.bucket_counts = {1, 2, 1};
    BOOST_TEST((*writer)->AddHistogram("legacy", legacy, 6).ok());
    BOOST_TEST((*writer)->Close().ok());
  }
  std::ostringstream out, err;
  BOOST_TEST(RunExport(Export(dir, "histograms", "json"), out, err) == kExitOk, err.str());
  const nlohmann::json rows = nlohmann::json::parse(out.str())["histograms"];
  BOOST_TEST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[0]["tag"] == "legacy");
  BOOST_TEST(rows[0]["limits"] == nlohmann::json({1, 2, 3}));
  BOOST_TEST(rows[0]["counts"] == nlohmann::json({1, 2, 1}));
  BOOST_TEST(rows[0]["sum_squares"] == 11);
  // [k, 3] buckets (left, right, count) as tbparse's tensor_to_histogram
  // gives them: limits = left of the first, then the rights; counts = 0,
  // then the counts; min, max and num from them, sum unknown.
  BOOST_TEST(rows[1]["tag"] == "tf2");
  BOOST_TEST(rows[1]["step"] == 5);
  BOOST_TEST(rows[1]["limits"] == nlohmann::json({0, 1, 2, 3}));
  BOOST_TEST(rows[1]["counts"] == nlohmann::json({0, 1, 2, 1}));
  BOOST_TEST((rows[1]["min"] == 0 && rows[1]["max"] == 3 && rows[1]["num"] == 4));
  BOOST_TEST(rows[1]["sum"] == "NaN");
  std::ostringstream csv;
  BOOST_TEST(RunExport(Export(dir, "histograms"), csv, err) == kExitOk, err.str());
  BOOST_TEST(Contains(csv.str(), "run,tag,step,wall_time,min,max,num,sum,sum_squares,limits,counts\n"));
  BOOST_TEST(Contains(csv.str(), ",0,3,4,NaN,NaN,\"[0,1,2,3]\",\"[0,1,2,1]\"\n"));
}

BOOST_AUTO_TEST_CASE(ExportGivesEachRunsHParamsByName) {
  TempDir dir;
  for (const char* run : {"r1", "r2"}) {
    auto writer = SummaryWriter::Create(dir.file(run));
    BOOST_TEST_REQUIRE(writer.ok());
    BOOST_TEST(
        (*writer)
            ->AddHParamsSessionStart(
                {{"lr", run[1] == '1' ? 0.1 : 0.01}, {"optimizer", std::string("adam")}, {"dropout", run[1] == '1'}})
            .ok());
    BOOST_TEST((*writer)->Close().ok());
  }
  std::ostringstream out, err;
  BOOST_TEST(RunExport(Export(dir, "hparams"), out, err) == kExitOk, err.str());
  BOOST_TEST(out.str() ==
             "run,tag,value\nr1,dropout,true\nr1,lr,0.1\nr1,optimizer,adam\n"
             "r2,dropout,false\nr2,lr,0.01\nr2,optimizer,adam\n");
}

BOOST_AUTO_TEST_CASE(ExportGivesEachSessionTheMetricsOfTheHParamsDashboard) {
  TempDir dir;
  {
    auto writer = SummaryWriter::Create(dir.path());
    BOOST_TEST_REQUIRE(writer.ok());
    HParamsExperiment experiment;
    experiment.metrics = {{"acc", "eval", "", ""}, {"loss", "", "", ""}};
    BOOST_TEST((*writer)->AddHParamsExperiment(experiment).ok());
    BOOST_TEST((*writer)->Close().ok());
  }
  for (const char* run : {"s1", "s2"}) {
    auto writer = SummaryWriter::Create(dir.file(run));
    BOOST_TEST_REQUIRE(writer.ok());
    BOOST_TEST((*writer)->AddHParamsSessionStart({{"lr", 0.1}}).ok());
    // The last value read, not the last step's.
    for (int step : {0, 2, 1}) BOOST_TEST((*writer)->AddScalar("loss", static_cast<float>(step) / 4, step).ok());
    BOOST_TEST((*writer)->Close().ok());
  }
  {
    auto writer = SummaryWriter::Create(dir.file("s1/eval"));
    BOOST_TEST_REQUIRE(writer.ok());
    BOOST_TEST((*writer)->AddScalar("acc", 0.5f, 3).ok());
    BOOST_TEST((*writer)->Close().ok());
  }
  std::ostringstream out, err;
  BOOST_TEST(RunExport(Export(dir, "hparams_metrics"), out, err) == kExitOk, err.str());
  const std::vector<std::string> expected = {"run,group,tag,step,wall_time,value", "s1,eval,acc,3,T,0.5",
                                             "s1,,loss,1,T,0.25", "s2,,loss,1,T,0.25"};
  BOOST_TEST(LinesWithoutTime(out.str(), 4) == expected, boost::test_tools::per_element());
  // With the scalars too: the same metric values.
  std::ostringstream all;
  BOOST_TEST(RunExport(Export(dir, "scalars,hparams_metrics", "json"), all, err) == kExitOk, err.str());
  const nlohmann::json parsed = nlohmann::json::parse(all.str());
  BOOST_TEST(parsed["scalars"].size() == 7u);
  BOOST_TEST(parsed["hparams_metrics"].size() == 3u);
}

BOOST_AUTO_TEST_CASE(ExportLeavesOutWhatARestartOrphanedUnlessTold) {
  TempDir dir;
  WriteRestartedRun(dir);
  ExportOptions options = Export(dir, "scalars");
  std::ostringstream out, err;
  BOOST_TEST(RunExport(options, out, err) == kExitOk, err.str());
  BOOST_TEST(CsvValues(out.str()) == (std::vector<std::string>{"0", "1", "12", "13"}),
             boost::test_tools::per_element());
  options.purge_orphaned_data = false;
  std::ostringstream raw;
  BOOST_TEST(RunExport(options, raw, err) == kExitOk, err.str());
  // By step, ties in the order read.
  BOOST_TEST(CsvValues(raw.str()) == (std::vector<std::string>{"0", "1", "2", "12", "3", "13"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ExportToFileReplacesItAtomically) {
  TempDir dir;
  WriteRuns(dir);
  TempDir out_dir;
  const std::string path = out_dir.file("all.csv");
  testing::WriteAll(path, "old");
  ExportOptions options = Export(dir, "scalars");
  options.output = path;
  std::ostringstream out, err;
  BOOST_TEST(RunExport(options, out, err) == kExitOk, err.str());
  BOOST_TEST(out.str().empty());
  BOOST_TEST(ReadAll(path).starts_with("run,tag,step,wall_time,value\na,loss,0,"));
  // A failed export leaves the old file and no temporary behind.
  testing::WriteAll(dir.file("a/events.out.tfevents.0"), std::string(20, 'x'));
  BOOST_TEST(RunExport(options, out, err) == kExitError);
  BOOST_TEST(Contains(err.str(), "event_tool: DATA_LOSS: "));
  BOOST_TEST(ReadAll(path).starts_with("run,tag,step,wall_time,value\na,loss,0,"));
  BOOST_TEST(std::distance(std::filesystem::directory_iterator(out_dir.path()), {}) == 1);
}

BOOST_AUTO_TEST_CASE(ExportOfMissingOrEmptyLogdirFails) {
  TempDir dir;
  std::ostringstream out, err;
  ExportOptions options = Export(dir, "scalars");
  BOOST_TEST(RunExport(options, out, err) == kExitError);
  BOOST_TEST(Contains(err.str(), "event_tool: NOT_FOUND: no event files found"));
  options.logdir = dir.file("missing");
  BOOST_TEST(RunExport(options, out, err) == kExitError);
  options.kinds = {"images"};
  BOOST_TEST(RunExport(options, out, err) == kExitUsage);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::event_tool
