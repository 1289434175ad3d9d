// SPDX-License-Identifier: Apache-2.0
// RunReader on small runs written event by event: the files it reads and
// TensorBoard's purge of orphaned data after a restart.
#include "tfcompat/summary/run_reader.h"

#include <boost/test/unit_test.hpp>
#include <map>

#include "tfcompat/tensorflow/event.pb.h"
#include "util/events.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::FileVersionEvent;
using testing::FramedEvents;
using testing::ReadAll;
using testing::StartEvent;
using testing::TempDir;
using testing::WriteAll;

tensorflow::Event Graph(int64_t step) {
  tensorflow::Event e;
  e.set_step(step);
  e.set_graph_def("graph");
  return e;
}

// One event at `step` with a scalar `value` in each of `tags`.
tensorflow::Event Scalars(int64_t step, const std::vector<std::string>& tags, float value) {
  tensorflow::Event e;
  e.set_step(step);
  for (const std::string& tag : tags) {
    auto* v = e.mutable_summary()->add_value();
    v->set_tag(tag);
    v->set_simple_value(value);
  }
  return e;
}

// Appends to `events` one event per step in [first, last] with `tags`, each
// valued `base + step`: the base tells a file's values from another's.
void AddSteps(std::vector<tensorflow::Event>* events, int64_t first, int64_t last, const std::vector<std::string>& tags,
              int base) {
  for (int64_t step = first; step <= last; ++step) {
    events->push_back(Scalars(step, tags, static_cast<float>(base + step)));
  }
}

std::unique_ptr<RunReader> Open(const TempDir& dir, const RunReaderOptions& options = {}) {
  auto reader = RunReader::Open(dir.path(), options);
  BOOST_TEST_REQUIRE(reader.ok(), reader.status().ToString());
  return std::move(*reader);
}

using Series = std::map<std::string, std::vector<int>>;

// Every value of the run, per tag, in reading order; graphs as tag "graph".
// Aborted (single pass) drops what was read, as the reader asks; `aborts`
// counts them.
Series ReadValues(RunReader& reader, int* aborts = nullptr) {
  Series series;
  EventView e;
  Status s;
  for (;;) {
    s = reader.ReadEvent(&e);
    if (s.code() == StatusCode::kAborted) {
      series.clear();
      if (aborts != nullptr) ++*aborts;
      continue;
    }
    if (!s.ok()) break;
    if (e.kind == EventKind::kGraphDef) series["graph"].push_back(static_cast<int>(e.step));
    for (const SummaryValueView& v : e.values) series[v.tag].push_back(static_cast<int>(v.scalar));
  }
  BOOST_TEST(s.code() == StatusCode::kOutOfRange, s.ToString());
  return series;
}

// The run as the two passes read it, checked to be what a single pass
// reads too.
Series ReadRun(const TempDir& dir) {
  const Series two_passes = ReadValues(*Open(dir));
  int aborts = 0;
  BOOST_TEST((ReadValues(*Open(dir, {.single_pass = true}), &aborts) == two_passes));
  BOOST_TEST(aborts <= 1);
  return two_passes;
}

std::vector<int> Values(std::initializer_list<std::pair<int, int>> ranges) {
  std::vector<int> out;
  for (auto [first, last] : ranges) {
    for (int v = first; v <= last; ++v) out.push_back(v);
  }
  return out;
}

BOOST_AUTO_TEST_SUITE(RunReaderTest)

BOOST_AUTO_TEST_CASE(RestartStartInANewFilePurgesLaterStepsOfEveryTag) {
  TempDir dir;
  std::vector<tensorflow::Event> first = {FileVersionEvent("brain.Event:2"), StartEvent(0), Graph(0)};
  AddSteps(&first, 0, 9, {"a", "b"}, 0);
  first.push_back(Graph(8));
  std::vector<tensorflow::Event> second = {FileVersionEvent("brain.Event:2"), StartEvent(5)};
  AddSteps(&second, 5, 7, {"a"}, 100);
  WriteAll(dir.file("events.out.tfevents.1000.host"), FramedEvents(first));
  WriteAll(dir.file("events.out.tfevents.2000.host"), FramedEvents(second));

  auto reader = Open(dir);
  const Series series = ReadValues(*reader);
  BOOST_TEST((series == ReadRun(dir)));
  BOOST_TEST(series.at("a") == Values({{0, 4}, {105, 107}}), boost::test_tools::per_element());
  // b has no value after the restart: its old steps >= 5 are gone all the same.
  BOOST_TEST(series.at("b") == Values({{0, 4}}), boost::test_tools::per_element());
  BOOST_TEST(series.at("graph") == std::vector<int>{0}, boost::test_tools::per_element());
  BOOST_TEST(reader->purged_values() == 5 + 5 + 1);
  BOOST_TEST(reader->files().size() == 2u);
}

BOOST_AUTO_TEST_CASE(RestartStartInTheSameFilePurgesTheStepsBeforeIt) {
  TempDir dir;
  std::vector<tensorflow::Event> events = {FileVersionEvent("brain.Event:2"), StartEvent(0)};
  AddSteps(&events, 0, 9, {"a"}, 0);
  events.push_back(StartEvent(5));
  AddSteps(&events, 5, 6, {"a"}, 100);
  events.push_back(StartEvent(2));
  AddSteps(&events, 2, 3, {"a"}, 200);
  WriteAll(dir.file("events.out.tfevents.1"), FramedEvents(events));

  const Series series = ReadRun(dir);
  BOOST_TEST(series.at("a") == Values({{0, 1}, {202, 203}}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(FirstStartOfTheRunPurgesNothing) {
  TempDir dir;
  std::vector<tensorflow::Event> first = {FileVersionEvent("brain.Event:2")};
  AddSteps(&first, 0, 9, {"a"}, 0);
  std::vector<tensorflow::Event> second = {FileVersionEvent("brain.Event:2"), StartEvent(5)};
  AddSteps(&second, 5, 6, {"a"}, 100);
  WriteAll(dir.file("events.out.tfevents.1"), FramedEvents(first));
  WriteAll(dir.file("events.out.tfevents.2"), FramedEvents(second));

  auto reader = Open(dir);
  BOOST_TEST(ReadValues(*reader).at("a") == Values({{0, 9}, {105, 106}}), boost::test_tools::per_element());
  BOOST_TEST(reader->purged_values() == 0);
  BOOST_TEST(ReadRun(dir).at("a") == Values({{0, 9}, {105, 106}}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(StepsGoingBackWithoutStartPurgeNothingInVersion2) {
  TempDir dir;
  std::vector<tensorflow::Event> events = {FileVersionEvent("brain.Event:2"), StartEvent(0)};
  AddSteps(&events, 0, 9, {"a"}, 0);
  AddSteps(&events, 5, 6, {"a"}, 100);
  WriteAll(dir.file("events.out.tfevents.1"), FramedEvents(events));

  BOOST_TEST(ReadRun(dir).at("a") == Values({{0, 9}, {105, 106}}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(OutOfOrderStepWithoutVersion2PurgesOnlyTheTagsOfItsEvent) {
  TempDir dir;
  std::vector<tensorflow::Event> first = {FileVersionEvent("brain.Event:1")};
  AddSteps(&first, 0, 9, {"a", "b", "c"}, 0);
  // No file_version at all: the last one read (1) still holds.
  std::vector<tensorflow::Event> second = {StartEvent(5)};
  AddSteps(&second, 5, 5, {"a", "c"}, 100);
  // In order again after step 5: b's old 6..9 stay.
  AddSteps(&second, 6, 7, {"a", "b"}, 100);
  WriteAll(dir.file("events.out.tfevents.1"), FramedEvents(first));
  WriteAll(dir.file("events.out.tfevents.2"), FramedEvents(second));

  auto reader = Open(dir);
  const Series series = ReadValues(*reader);
  BOOST_TEST((series == ReadRun(dir)));
  BOOST_TEST(series.at("a") == Values({{0, 4}, {105, 107}}), boost::test_tools::per_element());
  BOOST_TEST(series.at("b") == Values({{0, 9}, {106, 107}}), boost::test_tools::per_element());
  BOOST_TEST(series.at("c") == Values({{0, 4}, {105, 105}}), boost::test_tools::per_element());
  BOOST_TEST(reader->purged_values() == 5 + 5);
}

BOOST_AUTO_TEST_CASE(OutOfOrderStepIsJudgedAgainstTheLastSummaryEventOnly) {
  TempDir dir;
  // A file without file_version: step 2 is a session log, not a summary,
  // so step 5 follows step 9; the graph at step 0 makes step 3 in order.
  std::vector<tensorflow::Event> events;
  AddSteps(&events, 0, 9, {"a", "b"}, 0);
  events.push_back(StartEvent(2));
  AddSteps(&events, 5, 5, {"a"}, 100);
  events.push_back(Graph(0));
  AddSteps(&events, 3, 3, {"b"}, 200);
  WriteAll(dir.file("events.out.tfevents.1"), FramedEvents(events));

  const Series series = ReadRun(dir);
  BOOST_TEST(series.at("a") == Values({{0, 4}, {105, 105}}), boost::test_tools::per_element());
  BOOST_TEST(series.at("b") == Values({{0, 9}, {203, 203}}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(UnreadableFileVersionCountsAsVersion1) {
  TempDir dir;
  std::vector<tensorflow::Event> events = {FileVersionEvent("brain.Event:two")};
  AddSteps(&events, 0, 3, {"a"}, 0);
  AddSteps(&events, 1, 1, {"a"}, 100);
  WriteAll(dir.file("events.out.tfevents.1"), FramedEvents(events));

  BOOST_TEST(ReadRun(dir).at("a") == Values({{0, 0}, {101, 101}}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(WithoutPurgingEveryValueIsRead) {
  TempDir dir;
  std::vector<tensorflow::Event> first = {FileVersionEvent("brain.Event:2"), StartEvent(0)};
  AddSteps(&first, 0, 9, {"a"}, 0);
  std::vector<tensorflow::Event> second = {FileVersionEvent("brain.Event:2"), StartEvent(5)};
  AddSteps(&second, 5, 6, {"a"}, 100);
  WriteAll(dir.file("events.out.tfevents.1"), FramedEvents(first));
  WriteAll(dir.file("events.out.tfevents.2"), FramedEvents(second));

  auto reader = Open(dir, {.purge_orphaned_data = false});
  BOOST_TEST(ReadValues(*reader).at("a") == Values({{0, 9}, {105, 106}}), boost::test_tools::per_element());
  BOOST_TEST(reader->purged_values() == 0);
}

BOOST_AUTO_TEST_CASE(ReadsEventFilesInNameOrderSkippingProfileEmpty) {
  TempDir dir;
  std::vector<tensorflow::Event> late, early;
  AddSteps(&early, 0, 0, {"a"}, 0);
  AddSteps(&late, 1, 1, {"a"}, 0);
  WriteAll(dir.file("events.out.tfevents.20.host"), FramedEvents(late));
  WriteAll(dir.file("events.out.tfevents.10.host"), FramedEvents(early));
  // TensorBoard's profiler leaves these; a version-1 one would otherwise
  // change the rule for the files after it.
  WriteAll(dir.file("events.out.tfevents.15.host.profile-empty"), FramedEvents({FileVersionEvent("brain.Event:1")}));
  WriteAll(dir.file("notes.txt"), "x");

  auto reader = Open(dir);
  BOOST_TEST(reader->files() == (std::vector<std::string>{dir.file("events.out.tfevents.10.host"),
                                                          dir.file("events.out.tfevents.20.host")}),
             boost::test_tools::per_element());
  BOOST_TEST(ReadValues(*reader).at("a") == Values({{0, 1}}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(CorruptRecordIsReportedAndSkipped) {
  TempDir dir;
  std::vector<tensorflow::Event> events = {FileVersionEvent("brain.Event:2"), StartEvent(0)};
  AddSteps(&events, 0, 9, {"a"}, 0);
  std::string file = FramedEvents(events);
  const size_t bad = file.size();
  file += FramedEvents({StartEvent(5)});
  file[file.size() - 5] ^= 1;  // The START's payload: its CRC no longer matches.
  file += FramedEvents({Scalars(5, {"a"}, 105)});
  WriteAll(dir.file("events.out.tfevents.1"), file);

  auto reader = Open(dir);
  std::vector<int> values;
  EventView e;
  Status s;
  while ((s = reader->ReadEvent(&e)).code() != StatusCode::kOutOfRange) {
    if (!s.ok()) {
      BOOST_TEST(s.code() == StatusCode::kDataLoss);
      BOOST_TEST(Contains(s, "offset " + std::to_string(bad)));
      continue;
    }
    for (const SummaryValueView& v : e.values) values.push_back(static_cast<int>(v.scalar));
  }
  // The corrupt START counts for nothing.
  BOOST_TEST(values == Values({{0, 9}, {105, 105}}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(EventsWrittenAfterOpenAreNotRead) {
  TempDir dir;
  std::vector<tensorflow::Event> events = {FileVersionEvent("brain.Event:2"), StartEvent(0)};
  AddSteps(&events, 0, 3, {"a"}, 0);
  const std::string path = dir.file("events.out.tfevents.1");
  WriteAll(path, FramedEvents(events));
  auto reader = Open(dir);
  std::vector<tensorflow::Event> more = {StartEvent(1)};
  AddSteps(&more, 1, 1, {"a"}, 100);
  WriteAll(path, ReadAll(path) + FramedEvents(more));

  BOOST_TEST(ReadValues(*reader).at("a") == Values({{0, 3}}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(SinglePassStartsOverOnceWhenARestartCutsBackValuesAlreadyRead) {
  TempDir dir;
  std::vector<tensorflow::Event> first = {FileVersionEvent("brain.Event:2"), StartEvent(0)};
  AddSteps(&first, 0, 9, {"a"}, 0);
  std::vector<tensorflow::Event> second = {FileVersionEvent("brain.Event:2"), StartEvent(5)};
  AddSteps(&second, 5, 6, {"a"}, 100);
  second.push_back(StartEvent(3));
  AddSteps(&second, 3, 3, {"a"}, 200);
  WriteAll(dir.file("events.out.tfevents.1"), FramedEvents(first));
  WriteAll(dir.file("events.out.tfevents.2"), FramedEvents(second));

  auto reader = Open(dir, {.single_pass = true});
  EventView e;
  Status s;
  int read_before_abort = 0;
  while ((s = reader->ReadEvent(&e)).ok()) ++read_before_abort;
  BOOST_TEST(s.code() == StatusCode::kAborted, s.ToString());
  BOOST_TEST(Contains(s, "restart at step 5"));
  BOOST_TEST(read_before_abort == 2 + 10 + 1);  // Up to the second file's file_version.
  // Then from the start, with the plan: the second restart needs no other.
  BOOST_TEST(ReadValues(*reader).at("a") == Values({{0, 2}, {203, 203}}), boost::test_tools::per_element());
  BOOST_TEST(reader->purged_values() == 5 + 4);
}

BOOST_AUTO_TEST_CASE(SinglePassGoesOnThroughARestartBeyondEveryStepRead) {
  TempDir dir;
  // A clean stop at step 9 and a resume from its checkpoint: nothing to purge.
  std::vector<tensorflow::Event> first = {FileVersionEvent("brain.Event:2"), StartEvent(0), Graph(0)};
  AddSteps(&first, 0, 9, {"a"}, 0);
  std::vector<tensorflow::Event> second = {FileVersionEvent("brain.Event:2"), StartEvent(10)};
  AddSteps(&second, 10, 12, {"a"}, 0);
  WriteAll(dir.file("events.out.tfevents.1"), FramedEvents(first));
  WriteAll(dir.file("events.out.tfevents.2"), FramedEvents(second));

  int aborts = 0;
  const Series series = ReadValues(*Open(dir, {.single_pass = true}), &aborts);
  BOOST_TEST(aborts == 0);
  BOOST_TEST(series.at("a") == Values({{0, 12}}), boost::test_tools::per_element());
  BOOST_TEST((series == ReadValues(*Open(dir))));
}

BOOST_AUTO_TEST_CASE(MissingDirectoryIsNotFound) {
  TempDir dir;
  auto reader = RunReader::Open(dir.file("missing"));
  BOOST_TEST(reader.status().code() == StatusCode::kNotFound);
  BOOST_TEST(Contains(reader.status(), "missing: not a directory"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
