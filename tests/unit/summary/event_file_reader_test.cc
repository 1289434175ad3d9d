// SPDX-License-Identifier: Apache-2.0
// EventFileReader on damaged files: each case is named after the damage.
#include "tfcompat/summary/event_file_reader.h"

#include <boost/test/unit_test.hpp>

#include "io/record_format.h"
#include "summary/summary_encoding.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

// Three scalar records "x" at steps 1..3.
std::string ThreeRecords(std::vector<size_t>* offsets) {
  std::string file;
  for (int step = 1; step <= 3; ++step) {
    offsets->push_back(file.size());
    AppendFramedScalarEvent(1000.0 + step, step, "x", static_cast<float>(step), &file);
  }
  return file;
}

std::unique_ptr<EventFileReader> Open(const std::string& path) {
  auto reader = EventFileReader::Open(path);
  BOOST_TEST_REQUIRE(reader.ok(), reader.status().ToString());
  return std::move(*reader);
}

BOOST_AUTO_TEST_SUITE(EventFileReaderTest)

BOOST_AUTO_TEST_CASE(ReadsEveryRecord) {
  TempDir dir;
  std::vector<size_t> offsets;
  WriteAll(dir.file("events.out.tfevents.1"), ThreeRecords(&offsets));
  auto reader = Open(dir.file("events.out.tfevents.1"));
  EventView e;
  for (int step = 1; step <= 3; ++step) {
    BOOST_TEST_REQUIRE(reader->ReadEvent(&e).ok());
    BOOST_TEST(e.step == step);
    BOOST_TEST(e.wall_time == 1000.0 + step);
    BOOST_TEST((e.kind == EventKind::kSummary));
    BOOST_TEST(e.values.at(0).scalar == step);
  }
  BOOST_TEST(reader->ReadEvent(&e).code() == StatusCode::kOutOfRange);
  BOOST_TEST(!reader->truncated_tail());
}

BOOST_AUTO_TEST_CASE(TruncatedTailIsResumedWhenTheRestArrives) {
  TempDir dir;
  std::vector<size_t> offsets;
  const std::string whole = ThreeRecords(&offsets);
  const std::string path = dir.file("events.out.tfevents.2");
  WriteAll(path, whole.substr(0, whole.size() - 5));
  auto reader = Open(path);
  EventView e;
  BOOST_TEST(reader->ReadEvent(&e).ok());
  BOOST_TEST(reader->ReadEvent(&e).ok());
  BOOST_TEST(reader->ReadEvent(&e).code() == StatusCode::kOutOfRange);
  BOOST_TEST(reader->truncated_tail());
  BOOST_TEST(reader->offset() == offsets[2]);
  WriteAll(path, whole);
  BOOST_TEST_REQUIRE(reader->ReadEvent(&e).ok());
  BOOST_TEST(e.step == 3);
}

BOOST_AUTO_TEST_CASE(PayloadCorruptionIsDataLossAndSkippable) {
  TempDir dir;
  std::vector<size_t> offsets;
  std::string file = ThreeRecords(&offsets);
  file[offsets[1] + kRecordHeaderSize + 3] ^= 0x40;
  const std::string path = dir.file("events.out.tfevents.3");
  WriteAll(path, file);
  auto reader = Open(path);
  EventView e;
  BOOST_TEST(reader->ReadEvent(&e).ok());
  const Status s = reader->ReadEvent(&e);
  BOOST_TEST(s.code() == StatusCode::kDataLoss);
  BOOST_TEST(Contains(s.message(), path));
  BOOST_TEST(Contains(s.message(), std::to_string(offsets[1])));
  BOOST_TEST_REQUIRE(reader->ReadEvent(&e).ok());  // Skipped past it.
  BOOST_TEST(e.step == 3);
}

BOOST_AUTO_TEST_CASE(LengthCorruptionIsDataLoss) {
  TempDir dir;
  std::vector<size_t> offsets;
  std::string file = ThreeRecords(&offsets);
  file[offsets[1]] ^= 0x01;
  const std::string path = dir.file("events.out.tfevents.4");
  WriteAll(path, file);
  auto reader = Open(path);
  EventView e;
  BOOST_TEST(reader->ReadEvent(&e).ok());
  BOOST_TEST(reader->ReadEvent(&e).code() == StatusCode::kDataLoss);
  BOOST_TEST(reader->ReadEvent(&e).code() == StatusCode::kDataLoss);
}

BOOST_AUTO_TEST_CASE(RecordThatIsNotAnEventIsDataLoss) {
  TempDir dir;
  std::string file;
  AppendRecord("\xff\xff\xff\xff", &file);
  const std::string path = dir.file("events.out.tfevents.5");
  WriteAll(path, file);
  auto reader = Open(path);
  EventView e;
  const Status s = reader->ReadEvent(&e);
  BOOST_TEST(s.code() == StatusCode::kDataLoss);
  BOOST_TEST(Contains(s.message(), "not a tensorflow.Event"));
}

BOOST_AUTO_TEST_CASE(MissingFileIsNotFound) {
  BOOST_TEST(EventFileReader::Open("/nonexistent/events.out.tfevents.x").status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
