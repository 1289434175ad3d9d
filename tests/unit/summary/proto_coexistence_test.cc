// SPDX-License-Identifier: Apache-2.0
// Our message classes (package tfcompat.tensorflow) beside a second set in
// package tensorflow, at TensorFlow's file paths (built from our .proto files
// by rewrite_protos.cmake), as in a program that links TensorFlow's C++
// library too: both link, both sets of descriptors build in the generated
// pool, and events pass between the two through the bytes.
#include <google/protobuf/descriptor.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tensorflow/core/framework/graph.pb.h"
#include "tensorflow/core/protobuf/tensor_bundle.pb.h"
#include "tensorflow/core/util/event.pb.h"
#include "tfcompat/io/record_reader.h"
#include "tfcompat/io/record_writer.h"
#include "tfcompat/summary/event_file_reader.h"
#include "tfcompat/summary/summary_writer.h"
#include "tfcompat/tensorboard/hparams.pb.h"
#include "tfcompat/tensorflow/event.pb.h"
#include "tfcompat/tensorflow/graph.pb.h"
#include "tfcompat/tensorflow/tensor_bundle.pb.h"
#include "util/temp_dir.h"
#include "util/test_print.h"

namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using tfcompat::testing::TempDir;

// One message of each set: TensorFlow's full name and file, and ours.
struct Pair {
  const Descriptor* theirs;
  const Descriptor* ours;
  const char* full_name;
  const char* their_file;
  const char* our_file;
};

std::vector<Pair> Pairs() {
  return {
      {::tensorflow::Event::descriptor(), tfcompat::tensorflow::Event::descriptor(), "tensorflow.Event",
       "tensorflow/core/util/event.proto", "tfcompat/tensorflow/event.proto"},
      {::tensorflow::Summary::descriptor(), tfcompat::tensorflow::Summary::descriptor(), "tensorflow.Summary",
       "tensorflow/core/framework/summary.proto", "tfcompat/tensorflow/summary.proto"},
      {::tensorflow::GraphDef::descriptor(), tfcompat::tensorflow::GraphDef::descriptor(), "tensorflow.GraphDef",
       "tensorflow/core/framework/graph.proto", "tfcompat/tensorflow/graph.proto"},
      {::tensorflow::BundleEntryProto::descriptor(), tfcompat::tensorflow::BundleEntryProto::descriptor(),
       "tensorflow.BundleEntryProto", "tensorflow/core/protobuf/tensor_bundle.proto",
       "tfcompat/tensorflow/tensor_bundle.proto"},
  };
}

// Event{step, summary {value {tag, simple_value}}} in either set.
template <typename Event>
Event ScalarEvent(double wall_time, int64_t step, const std::string& tag, float value) {
  Event event;
  event.set_wall_time(wall_time);
  event.set_step(step);
  auto* v = event.mutable_summary()->add_value();
  v->set_tag(tag);
  v->set_simple_value(value);
  return event;
}

BOOST_AUTO_TEST_CASE(BothSetsHoldTheirOwnFullNamesAndFiles) {
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  for (const Pair& p : Pairs()) {
    BOOST_TEST(p.theirs->full_name() == p.full_name);
    BOOST_TEST(p.theirs->file()->name() == p.their_file);
    BOOST_TEST(p.ours->full_name() == std::string("tfcompat.") + p.full_name);
    BOOST_TEST(p.ours->file()->name() == p.our_file);
    BOOST_TEST(pool->FindMessageTypeByName(p.full_name) == p.theirs);
    BOOST_TEST(pool->FindMessageTypeByName(p.ours->full_name()) == p.ours);
    BOOST_TEST(pool->FindFileByName(p.their_file) == p.theirs->file());
    BOOST_TEST(pool->FindFileByName(p.our_file) == p.ours->file());
  }
}

BOOST_AUTO_TEST_CASE(TensorBoardMessagesLiveUnderTfcompat) {
  const Descriptor* experiment = tfcompat::tensorboard::hparams::Experiment::descriptor();
  BOOST_TEST(experiment->full_name() == "tfcompat.tensorboard.hparams.Experiment");
  BOOST_TEST(experiment->file()->name() == "tfcompat/tensorboard/hparams.proto");
}

BOOST_AUTO_TEST_CASE(BothSetsSerializeAnEventToTheSameBytes) {
  const auto theirs = ScalarEvent<::tensorflow::Event>(1700000000.25, 7, "loss", 0.25f);
  const auto ours = ScalarEvent<tfcompat::tensorflow::Event>(1700000000.25, 7, "loss", 0.25f);
  BOOST_TEST(theirs.SerializeAsString() == ours.SerializeAsString());
}

BOOST_AUTO_TEST_CASE(EventFileReaderReadsAnEventOfTensorFlowsClasses) {
  TempDir dir;
  const std::string path = dir.file("events.out.tfevents.1700000000.host.1.0");
  {
    auto writer = tfcompat::RecordWriter::Create(path);
    BOOST_TEST_REQUIRE(writer.ok(), writer.status().ToString());
    ::tensorflow::Event version;
    version.set_wall_time(1700000000.0);
    version.set_file_version("brain.Event:2");
    BOOST_TEST_REQUIRE((*writer)->WriteRecord(version.SerializeAsString()).ok());
    const auto scalar = ScalarEvent<::tensorflow::Event>(1700000001.5, 42, "accuracy", 0.75f);
    BOOST_TEST_REQUIRE((*writer)->WriteRecord(scalar.SerializeAsString()).ok());
    BOOST_TEST_REQUIRE((*writer)->Close().ok());
  }

  auto reader = tfcompat::EventFileReader::Open(path);
  BOOST_TEST_REQUIRE(reader.ok(), reader.status().ToString());
  tfcompat::EventView event;
  BOOST_TEST_REQUIRE((*reader)->ReadEvent(&event).ok());
  BOOST_TEST(event.kind == tfcompat::EventKind::kFileVersion);
  BOOST_TEST(event.file_version == "brain.Event:2");
  BOOST_TEST_REQUIRE((*reader)->ReadEvent(&event).ok());
  BOOST_TEST(event.kind == tfcompat::EventKind::kSummary);
  BOOST_TEST(event.step == 42);
  BOOST_TEST(event.wall_time == 1700000001.5);
  BOOST_TEST_REQUIRE(event.values.size() == 1u);
  BOOST_TEST(event.values[0].tag == "accuracy");
  BOOST_TEST(event.values[0].kind == tfcompat::ValueKind::kScalar);
  BOOST_TEST(event.values[0].scalar == 0.75);
  BOOST_TEST((*reader)->ReadEvent(&event).code() == tfcompat::StatusCode::kOutOfRange);
}

BOOST_AUTO_TEST_CASE(TensorFlowsClassesParseWhatSummaryWriterWrites) {
  TempDir dir;
  std::string path;
  {
    auto writer = tfcompat::SummaryWriter::Create(dir.path());
    BOOST_TEST_REQUIRE(writer.ok(), writer.status().ToString());
    path = (*writer)->path();
    BOOST_TEST_REQUIRE((*writer)->AddScalar("loss", 0.25f, 7).ok());
    BOOST_TEST_REQUIRE((*writer)->Close().ok());
  }

  auto reader = tfcompat::RecordReader::Open(path);
  BOOST_TEST_REQUIRE(reader.ok(), reader.status().ToString());
  std::vector<::tensorflow::Event> events;
  std::string record;
  while ((*reader)->ReadRecord(&record).ok()) {
    ::tensorflow::Event event;
    BOOST_TEST_REQUIRE(event.ParseFromString(record));
    events.push_back(std::move(event));
  }
  BOOST_TEST_REQUIRE(events.size() == 2u);
  BOOST_TEST(events[0].file_version() == "brain.Event:2");
  BOOST_TEST(events[1].step() == 7);
  BOOST_TEST_REQUIRE(events[1].summary().value_size() == 1);
  BOOST_TEST(events[1].summary().value(0).tag() == "loss");
  BOOST_TEST(events[1].summary().value(0).simple_value() == 0.25f);
  BOOST_TEST(events[1].summary().value(0).value_case() == ::tensorflow::Summary::Value::kSimpleValue);
}

}  // namespace
