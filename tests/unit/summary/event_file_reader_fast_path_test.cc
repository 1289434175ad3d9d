// SPDX-License-Identifier: Apache-2.0
// EventFileReader's wire-format fast path: every event of the real files in
// tests/testdata/tf and of unusual encodings reads as protobuf parses it.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>

#include "io/record_format.h"
#include "tfcompat/io/record_reader.h"
#include "tfcompat/summary/event_file_reader.h"
#include "tfcompat/summary/summary_writer.h"
#include "tfcompat/tensorflow/event.pb.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::TempDir;
using testing::WriteAll;

std::vector<std::string> EventFilesUnder(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && IsEventFileName(entry.path().filename().string())) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The scalar a Summary.Value holds as protobuf reads it, if it is one: its
// simple_value, or the single float or double of a rank-0 tensor.
std::optional<double> ProtobufScalar(const tensorflow::Summary::Value& v) {
  if (v.has_simple_value()) return v.simple_value();
  if (!v.has_tensor() || v.tensor().tensor_shape().dim_size() != 0) return std::nullopt;
  const tensorflow::TensorProto& t = v.tensor();
  if (t.dtype() == tensorflow::DT_FLOAT && t.float_val_size() == 1) return t.float_val(0);
  if (t.dtype() == tensorflow::DT_DOUBLE && t.double_val_size() == 1) return t.double_val(0);
  if (t.dtype() == tensorflow::DT_FLOAT && t.tensor_content().size() == 4) {
    float f;
    std::memcpy(&f, t.tensor_content().data(), 4);
    return f;
  }
  if (t.dtype() == tensorflow::DT_DOUBLE && t.tensor_content().size() == 8) {
    double d;
    std::memcpy(&d, t.tensor_content().data(), 8);
    return d;
  }
  return std::nullopt;
}

// Reads `path` with EventFileReader and, record by record, with protobuf;
// checks they agree and returns the number of scalar values.
int64_t CheckAgainstProtobuf(const std::string& path) {
  auto reader = EventFileReader::Open(path);
  auto records = RecordReader::Open(path);
  BOOST_TEST_REQUIRE(reader.ok());
  BOOST_TEST_REQUIRE(records.ok());
  EventView view;
  std::string record;
  int64_t scalars = 0;
  int64_t index = 0;
  while ((*records)->ReadRecord(&record).ok()) {
    BOOST_TEST_INFO(path << " event " << index++);
    BOOST_TEST_REQUIRE((*reader)->ReadEvent(&view).ok());
    tensorflow::Event event;
    BOOST_TEST_REQUIRE(event.ParseFromString(record));
    BOOST_TEST(view.serialized == record);
    BOOST_TEST(view.step == event.step());
    BOOST_TEST(view.wall_time == event.wall_time());
    BOOST_TEST((view.kind == EventKind::kSummary) == event.has_summary());
    BOOST_TEST_REQUIRE(view.values.size() == static_cast<size_t>(event.summary().value_size()));
    for (int i = 0; i < event.summary().value_size(); ++i) {
      const tensorflow::Summary::Value& v = event.summary().value(i);
      BOOST_TEST(view.values[i].tag == v.tag());
      if (view.values[i].kind != ValueKind::kScalar) continue;
      ++scalars;
      const std::optional<double> expected = ProtobufScalar(v);
      BOOST_TEST_REQUIRE(expected.has_value());
      BOOST_TEST((view.values[i].scalar == *expected || (std::isnan(view.values[i].scalar) && std::isnan(*expected))));
      BOOST_TEST(view.values[i].scalar_is_double == (v.has_tensor() && v.tensor().dtype() == tensorflow::DT_DOUBLE));
    }
  }
  BOOST_TEST((*reader)->ReadEvent(&view).code() == StatusCode::kOutOfRange);
  return scalars;
}

// `events` serialized and framed into an event file at `path`.
void WriteEvents(const std::string& path, const std::vector<std::string>& events) {
  std::string file;
  for (const std::string& e : events) AppendRecord(e, &file);
  WriteAll(path, file);
}

tensorflow::Event ScalarTensorEvent(const std::string& tag, tensorflow::DataType dtype) {
  tensorflow::Event e;
  e.set_step(7);
  e.set_wall_time(1234.5);
  auto* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  v->mutable_metadata()->mutable_plugin_data()->set_plugin_name("scalars");
  v->mutable_tensor()->set_dtype(dtype);
  v->mutable_tensor()->mutable_tensor_shape();
  return e;
}

std::vector<EventView> ReadAllEvents(const std::string& path) {
  auto reader = EventFileReader::Open(path);
  BOOST_TEST_REQUIRE(reader.ok());
  std::vector<EventView> events;
  EventView e;
  Status s;
  while ((s = (*reader)->ReadEvent(&e)).ok()) events.push_back(e);
  BOOST_TEST(s.code() == StatusCode::kOutOfRange, s.ToString());
  return events;
}

BOOST_AUTO_TEST_SUITE(EventFileReaderFastPathTest)

BOOST_AUTO_TEST_CASE(EveryRealFileReadsAsProtobufParsesIt) {
  const std::vector<std::string> files = EventFilesUnder(std::string(TFCOMPAT_TESTDATA) + "/tf");
  BOOST_TEST_REQUIRE(files.size() >= 10u);
  int64_t scalars = 0;
  for (const std::string& file : files) scalars += CheckAgainstProtobuf(file);
  BOOST_TEST(scalars > 1000);
}

BOOST_AUTO_TEST_CASE(EveryKindOurWriterWritesReadsAsProtobufParsesIt) {
  TempDir dir;
  {
    auto writer = SummaryWriter::Create(dir.path());
    BOOST_TEST_REQUIRE(writer.ok());
    for (int step = 0; step < 5; ++step) {
      const float x = static_cast<float>(step) / 3;
      BOOST_TEST((*writer)->AddScalar("loss", x, step).ok());
      BOOST_TEST((*writer)->AddScalarTensor("tf2/loss", x, step).ok());
      BOOST_TEST((*writer)->AddScalar("nan", std::numeric_limits<float>::quiet_NaN(), step).ok());
      BOOST_TEST((*writer)->AddScalar("inf", -std::numeric_limits<float>::infinity(), step).ok());
      const double values[] = {x, 2.0 * x, 3.0};
      BOOST_TEST((*writer)->AddHistogram("weights", values, step).ok());
      BOOST_TEST((*writer)->AddText("notes", "step " + std::to_string(step), step).ok());
    }
    BOOST_TEST((*writer)->AddHParamsSessionStart({{"lr", 0.1}, {"opt", std::string("adam")}}).ok());
    BOOST_TEST((*writer)->Close().ok());
  }
  BOOST_TEST(CheckAgainstProtobuf(EventFilesUnder(dir.path()).at(0)) == 20);
}

BOOST_AUTO_TEST_CASE(UnusualScalarEncodingsReadAsProtobufParsesThem) {
  TempDir dir;
  std::vector<std::string> events;
  // A double tensor in double_val, and in tensor_content.
  tensorflow::Event e = ScalarTensorEvent("double", tensorflow::DT_DOUBLE);
  e.mutable_summary()->mutable_value(0)->mutable_tensor()->add_double_val(0.1);
  events.push_back(e.SerializeAsString());
  const double d = 0.25;
  e.mutable_summary()->mutable_value(0)->mutable_tensor()->clear_double_val();
  e.mutable_summary()->mutable_value(0)->mutable_tensor()->set_tensor_content(&d, sizeof(d));
  events.push_back(e.SerializeAsString());
  // Two floats: not a scalar.
  e = ScalarTensorEvent("two", tensorflow::DT_FLOAT);
  e.mutable_summary()->mutable_value(0)->mutable_tensor()->add_float_val(1);
  e.mutable_summary()->mutable_value(0)->mutable_tensor()->add_float_val(2);
  events.push_back(e.SerializeAsString());
  // A non-ASCII tag; a later value of a tag without metadata keeps its plugin.
  e = ScalarTensorEvent("λ", tensorflow::DT_FLOAT);
  e.mutable_summary()->mutable_value(0)->mutable_tensor()->add_float_val(3);
  events.push_back(e.SerializeAsString());
  e.mutable_summary()->mutable_value(0)->set_tag("ascii");
  events.push_back(e.SerializeAsString());
  e.mutable_summary()->mutable_value(0)->clear_metadata();
  events.push_back(e.SerializeAsString());
  // Two summary fields merge; a second value field replaces the first (a
  // oneof); an unknown field is skipped.
  tensorflow::Event a, b;
  a.set_step(9);
  a.mutable_summary()->add_value()->set_tag("first");
  a.mutable_summary()->mutable_value(0)->set_simple_value(1);
  b.mutable_summary()->add_value()->set_tag("second");
  b.mutable_summary()->mutable_value(0)->set_simple_value(2);
  events.push_back(a.SerializeAsString() + b.SerializeAsString());
  tensorflow::Summary::Value replaced;
  replaced.set_tag("replaced");
  replaced.set_simple_value(5);
  tensorflow::Summary::Value image;
  image.mutable_image()->set_height(1);
  const std::string value = replaced.SerializeAsString() + image.SerializeAsString();
  const std::string summary = "\x0a" + std::string(1, static_cast<char>(value.size())) + value;
  events.push_back("\x2a" + std::string(1, static_cast<char>(summary.size())) + summary);
  events.push_back(a.SerializeAsString() + std::string("\x52\x00", 2));  // Field 10 (source_metadata), empty.

  const std::string path = dir.file("events.out.tfevents.1");
  WriteEvents(path, events);
  CheckAgainstProtobuf(path);
  const std::vector<EventView> read = ReadAllEvents(path);
  BOOST_TEST_REQUIRE(read.size() == events.size());
  BOOST_TEST((read[0].values[0].kind == ValueKind::kScalar && read[0].values[0].scalar == 0.1));
  BOOST_TEST(read[0].values[0].scalar_is_double);
  BOOST_TEST(read[1].values[0].scalar == 0.25);
  BOOST_TEST((read[2].values[0].kind == ValueKind::kTensor));
  BOOST_TEST((read[3].values[0].tag == "λ" && read[3].values[0].scalar == 3));
  BOOST_TEST((read[5].values[0].kind == ValueKind::kScalar && read[5].values[0].plugin_name == "scalars"));
  BOOST_TEST(read[5].values[0].scalar == 3);
  BOOST_TEST_REQUIRE(read[6].values.size() == 2u);
  BOOST_TEST((read[6].values[1].tag == "second" && read[6].values[1].scalar == 2));
  BOOST_TEST((read[7].values[0].tag == "replaced" && read[7].values[0].kind == ValueKind::kImage));
  BOOST_TEST((read[8].values[0].tag == "first" && read[8].step == 9));
}

BOOST_AUTO_TEST_CASE(TagThatIsNotUtf8IsDataLossWhereverItsBadByteIs) {
  TempDir dir;
  // A byte protobuf rejects at the start, middle or end of tags of 4 to 12
  // bytes: every stretch the ASCII check reads at once.
  const std::vector<std::string> tags = {"\377abc",     "abc\377",        "ab\377cd",
                                         "abcdefg\377", "abcdefghij\377", "abcdefghi\377jk"};
  for (size_t i = 0; i < tags.size(); ++i) {
    const std::string& tag = tags[i];
    BOOST_TEST_INFO("tag " << i);
    tensorflow::Event e;
    e.set_step(1);
    e.mutable_summary()->add_value()->set_tag(std::string(tag.size(), 't'));
    e.mutable_summary()->mutable_value(0)->set_simple_value(1);
    std::string bytes = e.SerializeAsString();
    bytes.replace(bytes.find(std::string(tag.size(), 't')), tag.size(), tag);
    const std::string path = dir.file("events.out.tfevents." + std::to_string(i));
    WriteEvents(path, {bytes});
    auto reader = EventFileReader::Open(path);
    BOOST_TEST_REQUIRE(reader.ok());
    EventView view;
    const Status s = (*reader)->ReadEvent(&view);
    BOOST_TEST(s.code() == StatusCode::kDataLoss);
    BOOST_TEST(testing::Contains(s, "is not a tensorflow.Event"));
  }
}

BOOST_AUTO_TEST_CASE(MalformedScalarRecordIsDataLossAsBefore) {
  TempDir dir;
  tensorflow::Event e = ScalarTensorEvent("x", tensorflow::DT_FLOAT);
  e.mutable_summary()->mutable_value(0)->mutable_tensor()->add_float_val(1);
  std::string bytes = e.SerializeAsString();
  bytes.resize(bytes.size() - 2);  // Cuts the float inside its length-delimited fields.
  const std::string path = dir.file("events.out.tfevents.1");
  WriteEvents(path, {bytes});
  auto reader = EventFileReader::Open(path);
  BOOST_TEST_REQUIRE(reader.ok());
  EventView view;
  const Status s = (*reader)->ReadEvent(&view);
  BOOST_TEST(s.code() == StatusCode::kDataLoss);
  BOOST_TEST(testing::Contains(s, "is not a tensorflow.Event"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
