// SPDX-License-Identifier: Apache-2.0
// Limits a hostile file cannot get past: tensor size and rank caps checked
// before allocation, state-file paths confined to the model directory,
// projector files confined to the run directory.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "checkpoint/bundle_format.h"
#include "checkpoint/table.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/summary/summary_writer.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::TempDir;
using testing::WriteAll;

// Writes checkpoint `prefix` holding `tensors`.
void WriteCheckpoint(const std::string& prefix, const std::vector<std::pair<std::string, Tensor>>& tensors) {
  auto writer = BundleWriter::Create(prefix);
  BOOST_REQUIRE(writer.ok());
  for (const auto& [name, tensor] : tensors) BOOST_REQUIRE((*writer)->Add(name, tensor).ok());
  BOOST_REQUIRE((*writer)->Finish().ok());
}

BOOST_AUTO_TEST_SUITE(LimitsTest)

BOOST_AUTO_TEST_CASE(TensorBytesCapIsCheckedBeforeReading) {
  TempDir dir;
  const std::string prefix = dir.file("ckpt");
  WriteCheckpoint(prefix, {{"big", Tensor::FromVector<float>(DataType::kFloat, {8}, std::vector<float>(8, 1))},
                           {"small", Tensor::FromVector<float>(DataType::kFloat, {2}, {1, 2})}});
  BundleReader::Options options;
  options.max_tensor_bytes = 16;
  auto reader = BundleReader::Open(prefix, options);
  BOOST_REQUIRE(reader.ok());
  auto big = (*reader)->Lookup("big");
  BOOST_REQUIRE(!big.ok());
  BOOST_TEST((big.status().code() == StatusCode::kResourceExhausted));
  BOOST_TEST(Contains(big.status(), "key big: tensor of 32 bytes is above the reader's limit of 16 bytes"),
             big.status().ToString());
  BOOST_TEST((*reader)->Lookup("small").ok());
  BOOST_TEST((*BundleReader::Open(prefix))->Lookup("big").ok());  // the default cap is far above
}

BOOST_AUTO_TEST_CASE(PartitionedTensorCapCountsTheAssembledTensor) {
  TempDir dir;
  const std::string prefix = dir.file("ckpt");
  {
    auto writer = BundleWriter::Create(prefix);
    BOOST_REQUIRE(writer.ok());
    const Tensor half = Tensor::FromVector<float>(DataType::kFloat, {2}, {1, 2});
    BOOST_REQUIRE((*writer)->AddSlice("p", {4}, {{0, 2}}, half).ok());
    BOOST_REQUIRE((*writer)->AddSlice("p", {4}, {{2, 2}}, half).ok());
    BOOST_REQUIRE((*writer)->Finish().ok());
  }
  BundleReader::Options options;
  options.max_tensor_bytes = 12;  // each 8-byte slice fits, the 16-byte whole does not
  auto p = (*BundleReader::Open(prefix, options))->Lookup("p");
  BOOST_REQUIRE(!p.ok());
  BOOST_TEST((p.status().code() == StatusCode::kResourceExhausted), p.status().ToString());
  BOOST_TEST((*BundleReader::Open(prefix))->Lookup("p").ok());
}

BOOST_AUTO_TEST_CASE(RankCapFailsOpen) {
  TempDir dir;
  const std::string prefix = dir.file("ckpt");
  WriteCheckpoint(prefix, {{"r5", Tensor::FromVector<float>(DataType::kFloat, {1, 1, 1, 1, 1}, {3})}});
  BundleReader::Options options;
  options.max_rank = 4;
  auto reader = BundleReader::Open(prefix, options);
  BOOST_REQUIRE(!reader.ok());
  BOOST_TEST((reader.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(Contains(reader.status(), IndexFileName(prefix) + ": key r5 has rank 5, above the reader's limit of 4"),
             reader.status().ToString());
  BOOST_TEST(BundleReader::Open(prefix).ok());
}

BOOST_AUTO_TEST_CASE(HugeRankInCraftedIndexIsRefused) {
  TempDir dir;
  tensorflow::BundleEntryProto entry;
  entry.set_dtype(tensorflow::DT_FLOAT);
  for (int d = 0; d < 300; ++d) entry.mutable_shape()->add_dim()->set_size(1);
  entry.set_size(4);
  table::TableBuilder builder;
  BOOST_REQUIRE(builder.Add("", bundle::MakeHeader(1).SerializeAsString()).ok());
  BOOST_REQUIRE(builder.Add("t", entry.SerializeAsString()).ok());
  WriteAll(dir.file("x.index"), *builder.Finish());
  BOOST_TEST(
      Contains(BundleReader::Open(dir.file("x")).status(), "key t has rank 300, above the reader's limit of 254"));
}

BOOST_AUTO_TEST_CASE(StateFilePathsStayInsideTheModelDirectory) {
  TempDir dir;
  const std::string model_dir = dir.file("model");
  WriteCheckpoint(dir.file("outside"), {{"x", Tensor::FromVector<float>(DataType::kFloat, {1}, {1})}});
  WriteCheckpoint(model_dir + "/model.ckpt-1", {{"x", Tensor::FromVector<float>(DataType::kFloat, {1}, {1})}});
  for (const std::string& path : {dir.file("outside"), std::string("../outside"), std::string("sub/../../outside")}) {
    WriteAll(model_dir + "/checkpoint", "model_checkpoint_path: \"" + path + "\"\n");
    auto latest = LatestCheckpoint(model_dir);
    BOOST_REQUIRE(!latest.ok());
    BOOST_TEST((latest.status().code() == StatusCode::kInvalidArgument));
    BOOST_TEST(Contains(latest.status(), "which is outside the model directory " + model_dir),
               latest.status().ToString());
    // Explicitly allowed, it is followed.
    auto allowed = ReadCheckpointState(model_dir, {.allow_paths_outside_dir = true});
    BOOST_TEST(allowed.ok(), allowed.status().ToString());
    // A CheckpointManager adopting such a state file refuses to start
    // rather than delete files outside its directory later.
    BOOST_TEST(!CheckpointManager::Create(model_dir).ok());
  }
  // An outside path in the list (not the latest) is refused just the same.
  WriteAll(model_dir + "/checkpoint",
           "model_checkpoint_path: \"model.ckpt-1\"\nall_model_checkpoint_paths: \"" + dir.file("outside") + "\"\n");
  BOOST_TEST(Contains(ReadCheckpointState(model_dir).status(), "outside the model directory"));
  // TF writes absolute paths inside the directory; those are followed.
  WriteAll(model_dir + "/checkpoint", "model_checkpoint_path: \"" + model_dir + "/model.ckpt-1\"\n");
  auto latest = LatestCheckpoint(model_dir);
  BOOST_REQUIRE_MESSAGE(latest.ok(), latest.status().ToString());
  BOOST_TEST(*latest == model_dir + "/model.ckpt-1");
  WriteAll(model_dir + "/checkpoint", "model_checkpoint_path: \"" + model_dir + "/./model.ckpt-1\"\n");
  BOOST_TEST(LatestCheckpoint(model_dir).ok());
  // ".." is refused even where it would land inside: TF never writes it.
  WriteAll(model_dir + "/checkpoint", "model_checkpoint_path: \"sub/../model.ckpt-1\"\n");
  BOOST_TEST(Contains(LatestCheckpoint(model_dir).status(), "outside the model directory"));
  // A sibling directory sharing the prefix "model" is outside.
  WriteAll(model_dir + "/checkpoint", "model_checkpoint_path: \"" + model_dir + "2/model.ckpt-1\"\n");
  BOOST_TEST(Contains(LatestCheckpoint(model_dir).status(), "outside the model directory"));
}

BOOST_AUTO_TEST_CASE(ProjectorFilesStayInsideTheRunDirectory) {
  TempDir dir;
  const std::string logdir = dir.file("run");
  {
    auto writer = SummaryWriter::Create(logdir);
    BOOST_REQUIRE(writer.ok());
    const std::vector<float> values = {1, 2};
    for (const char* tag : {"../escape", "..", "/abs/path", "a/../../b"}) {
      BOOST_REQUIRE((*writer)->AddEmbedding(tag, 1, 2, values, 1).ok());
    }
    BOOST_REQUIRE((*writer)->Close().ok());
  }
  // Nothing but the run directory was created next to it.
  size_t siblings = 0;
  for (const auto& entry : boost::filesystem::directory_iterator(dir.path())) {
    ++siblings;
    BOOST_TEST(entry.path().string() == logdir);
  }
  BOOST_TEST(siblings == 1u);
  BOOST_TEST(!boost::filesystem::exists("/abs/path"));
  for (const auto& entry : boost::filesystem::recursive_directory_iterator(logdir)) {
    const std::string path = boost::filesystem::canonical(entry.path()).string();
    BOOST_TEST(path.compare(0, logdir.size() + 1, logdir + "/") == 0, path);
  }
}

// Temp files, and data files whose index never appeared (a save killed
// between its renames); a data file with its index is a checkpoint.
BOOST_AUTO_TEST_CASE(FirstSaveRemovesWhatAKilledSaveLeft) {
  TempDir dir;
  const std::vector<std::string> stale = {"model.ckpt-5.index.tempstate123", "model.ckpt-5.data-0.tempstate9",
                                          "checkpoint.tmp42", "model.ckpt-4.data-00000-of-00001"};
  const std::vector<std::string> kept = {"notes.tempstate1", "model.ckpt-5.index", "model.ckpt-5.data-00000-of-00001",
                                         "checkpoint.txt",   "checkpoint.tmpx",    "other.ckpt-4.data-00000-of-00001"};
  for (const std::string& name : stale) WriteAll(dir.file(name), "partial");
  for (const std::string& name : kept) WriteAll(dir.file(name), "keep");
  auto manager = CheckpointManager::Create(dir.path());
  BOOST_REQUIRE(manager.ok());
  BOOST_REQUIRE((*manager)->Save(6, {{"x", Tensor::FromVector<float>(DataType::kFloat, {1}, {1})}}).ok());
  for (const std::string& name : stale) BOOST_TEST(!boost::filesystem::exists(dir.file(name)), name);
  for (const std::string& name : kept) BOOST_TEST(boost::filesystem::exists(dir.file(name)), name);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
