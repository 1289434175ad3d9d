// SPDX-License-Identifier: Apache-2.0
// Damaged and hostile checkpoints: every case must end in a clear error that
// names the file and the entry, never in a crash, a hang or an allocation
// sized by the damaged input.
#include <boost/test/unit_test.hpp>

#include "checkpoint/bundle_format.h"
#include "checkpoint/table.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

// A small good checkpoint: w (float [2,3]) and s (strings [2]).
std::string WriteGood(const TempDir& dir) {
  const std::string prefix = dir.file("ckpt");
  auto writer = BundleWriter::Create(prefix);
  BOOST_REQUIRE(writer.ok());
  BOOST_REQUIRE((*writer)->Add("s", *Tensor::FromStrings({2}, {"ab", "cde"})).ok());
  BOOST_REQUIRE((*writer)->Add("w", Tensor::FromVector<float>(DataType::kFloat, {2, 3}, {1, 2, 3, 4, 5, 6})).ok());
  BOOST_REQUIRE((*writer)->Finish().ok());
  return prefix;
}

// Writes an index holding one hand-made entry "t" (data file: `data`).
std::string WriteWithEntry(const TempDir& dir, const tensorflow::BundleEntryProto& entry, const std::string& data) {
  const std::string prefix = dir.file("crafted");
  table::TableBuilder builder;
  BOOST_REQUIRE(builder.Add("", bundle::MakeHeader(1).SerializeAsString()).ok());
  BOOST_REQUIRE(builder.Add("t", entry.SerializeAsString()).ok());
  WriteAll(IndexFileName(prefix), *builder.Finish());
  WriteAll(DataFileName(prefix, 0, 1), data);
  return prefix;
}

tensorflow::BundleEntryProto FloatEntry(std::vector<int64_t> shape, int64_t offset, int64_t size) {
  tensorflow::BundleEntryProto entry;
  entry.set_dtype(tensorflow::DT_FLOAT);
  for (int64_t dim : shape) entry.mutable_shape()->add_dim()->set_size(dim);
  entry.set_offset(offset);
  entry.set_size(size);
  return entry;
}

BOOST_AUTO_TEST_SUITE(BundleDamageTest)

BOOST_AUTO_TEST_CASE(TruncatedIndexIsAnErrorNamingTheFile) {
  TempDir dir;
  const std::string prefix = WriteGood(dir);
  const std::string index = ReadAll(IndexFileName(prefix));
  for (size_t keep : {size_t{0}, size_t{10}, index.size() - 1}) {
    WriteAll(IndexFileName(prefix), index.substr(0, keep));
    auto reader = BundleReader::Open(prefix);
    BOOST_REQUIRE(!reader.ok());
    BOOST_TEST(Contains(reader.status(), IndexFileName(prefix)), reader.status().ToString());
  }
}

BOOST_AUTO_TEST_CASE(CorruptedIndexBlockIsDataLossNamingTheFile) {
  TempDir dir;
  const std::string prefix = WriteGood(dir);
  std::string index = ReadAll(IndexFileName(prefix));
  index[5] ^= 0x10;
  WriteAll(IndexFileName(prefix), index);
  auto reader = BundleReader::Open(prefix);
  BOOST_REQUIRE(!reader.ok());
  BOOST_TEST((reader.status().code() == StatusCode::kDataLoss));
  BOOST_TEST(Contains(reader.status(), "block checksum mismatch"));
  BOOST_TEST(Contains(reader.status(), IndexFileName(prefix)));
}

BOOST_AUTO_TEST_CASE(WrongMagicIsNotAnSstable) {
  TempDir dir;
  const std::string prefix = WriteGood(dir);
  std::string index = ReadAll(IndexFileName(prefix));
  index.back() = 'x';
  WriteAll(IndexFileName(prefix), index);
  auto reader = BundleReader::Open(prefix);
  BOOST_TEST(Contains(reader.status(), "not an sstable (bad magic number)"));
}

BOOST_AUTO_TEST_CASE(MissingHeaderEntryIsAnError) {
  TempDir dir;
  table::TableBuilder builder;
  BOOST_REQUIRE(builder.Add("t", "").ok());
  WriteAll(dir.file("x.index"), *builder.Finish());
  auto reader = BundleReader::Open(dir.file("x"));
  BOOST_TEST(Contains(reader.status(), "(failed to seek to header entry)"));
}

BOOST_AUTO_TEST_CASE(CorruptedDataNamesTensorAndShard) {
  TempDir dir;
  const std::string prefix = WriteGood(dir);
  std::string data = ReadAll(DataFileName(prefix, 0, 1));
  data[data.size() - 2] ^= 1;  // inside w
  WriteAll(DataFileName(prefix, 0, 1), data);
  auto reader = BundleReader::Open(prefix);
  BOOST_REQUIRE(reader.ok());  // the index is fine
  auto w = (*reader)->Lookup("w");
  BOOST_REQUIRE(!w.ok());
  BOOST_TEST((w.status().code() == StatusCode::kDataLoss));
  BOOST_TEST(Contains(w.status(), "key w"));
  BOOST_TEST(Contains(w.status(), "Checksum does not match"));
  BOOST_TEST((*reader)->Lookup("s").ok());
  BOOST_TEST(Contains((*reader)->VerifyAll(), "key w"));
}

BOOST_AUTO_TEST_CASE(CorruptedStringLengthsNameTheKey) {
  TempDir dir;
  const std::string prefix = WriteGood(dir);
  std::string data = ReadAll(DataFileName(prefix, 0, 1));
  data[0] = 0x7f;  // first length
  WriteAll(DataFileName(prefix, 0, 1), data);
  auto s = (*BundleReader::Open(prefix))->Lookup("s");
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST(Contains(s.status(), "key s"), s.status().ToString());
}

BOOST_AUTO_TEST_CASE(TruncatedDataNamesTheShard) {
  TempDir dir;
  const std::string prefix = WriteGood(dir);
  const std::string data = ReadAll(DataFileName(prefix, 0, 1));
  WriteAll(DataFileName(prefix, 0, 1), data.substr(0, data.size() - 3));
  auto w = (*BundleReader::Open(prefix))->Lookup("w");
  BOOST_REQUIRE(!w.ok());
  BOOST_TEST(Contains(w.status(), "runs past the end of " + DataFileName(prefix, 0, 1)), w.status().ToString());
}

BOOST_AUTO_TEST_CASE(EntryPastTheEndOfShardIsDataLoss) {
  TempDir dir;
  const std::string prefix = WriteWithEntry(dir, FloatEntry({2}, int64_t{1} << 60, 8), std::string(8, '\0'));
  auto t = (*BundleReader::Open(prefix))->Lookup("t");
  BOOST_REQUIRE(!t.ok());
  BOOST_TEST((t.status().code() == StatusCode::kDataLoss));
  BOOST_TEST(Contains(t.status(), "key t: entry at offset 1152921504606846976 runs past the end"));
}

BOOST_AUTO_TEST_CASE(SizeDisagreeingWithTheShapeIsAnError) {
  TempDir dir;
  const std::string prefix = WriteWithEntry(dir, FloatEntry({2}, 0, 4), std::string(8, '\0'));
  auto t = (*BundleReader::Open(prefix))->Lookup("t");
  BOOST_TEST(Contains(t.status(), "Invalid size in bundle entry: key t; stored size 4; expected size 8"));
}

BOOST_AUTO_TEST_CASE(ElementCountOverflowIsRefusedBeforeAllocating) {
  TempDir dir;
  const int64_t big = int64_t{1} << 40;
  const std::string prefix = WriteWithEntry(dir, FloatEntry({big, big}, 0, 8), std::string(8, '\0'));
  auto reader = BundleReader::Open(prefix);
  BOOST_REQUIRE(reader.ok());
  auto t = (*reader)->Lookup("t");
  BOOST_REQUIRE(!t.ok());
  BOOST_TEST((t.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(Contains(t.status(), "overflows"));
  // A huge string tensor is refused before anything is allocated for it.
  tensorflow::BundleEntryProto strings = FloatEntry({big}, 0, 8);
  strings.set_dtype(tensorflow::DT_STRING);
  TempDir dir2;
  auto s = (*BundleReader::Open(WriteWithEntry(dir2, strings, std::string(8, '\0'))))->Lookup("t");
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST(Contains(s.status(), "cannot fit in 8 bytes"), s.status().ToString());
}

BOOST_AUTO_TEST_CASE(NegativeDimensionIsRefused) {
  TempDir dir;
  auto reader = BundleReader::Open(WriteWithEntry(dir, FloatEntry({-3}, 0, 8), std::string(8, '\0')));
  BOOST_REQUIRE(!reader.ok());
  BOOST_TEST(Contains(reader.status(), "key t"));
}

BOOST_AUTO_TEST_CASE(UnparseableEntryIsAnError) {
  TempDir dir;
  table::TableBuilder builder;
  BOOST_REQUIRE(builder.Add("", bundle::MakeHeader(1).SerializeAsString()).ok());
  BOOST_REQUIRE(builder.Add("t", "\xff\xff\xff").ok());
  WriteAll(dir.file("x.index"), *builder.Finish());
  BOOST_TEST(Contains(BundleReader::Open(dir.file("x")).status(), "Entry for key t not parseable."));
}

BOOST_AUTO_TEST_CASE(NewerVersionIsRefused) {
  TempDir dir;
  tensorflow::BundleHeaderProto header = bundle::MakeHeader(1);
  header.mutable_version()->set_min_consumer(7);
  table::TableBuilder builder;
  BOOST_REQUIRE(builder.Add("", header.SerializeAsString()).ok());
  WriteAll(dir.file("x.index"), *builder.Finish());
  BOOST_TEST(Contains(BundleReader::Open(dir.file("x")).status(),
                      "Checkpoint min consumer version 7 above current version 1"));
}

BOOST_AUTO_TEST_CASE(MissingShardFailsOnlyItsTensors) {
  TempDir dir;
  const std::string prefix = dir.file("sharded");
  {
    auto writer = BundleWriter::Create(prefix, {.max_shard_bytes = 4});
    BOOST_REQUIRE((*writer)->Add("a", Tensor::FromVector<float>(DataType::kFloat, {1}, {1})).ok());
    BOOST_REQUIRE((*writer)->Add("b", Tensor::FromVector<float>(DataType::kFloat, {1}, {2})).ok());
    BOOST_REQUIRE((*writer)->Finish().ok());
  }
  boost::filesystem::remove(DataFileName(prefix, 1, 2));
  auto reader = BundleReader::Open(prefix);
  BOOST_REQUIRE(reader.ok());
  BOOST_TEST((*reader)->Lookup("a").ok());
  auto b = (*reader)->Lookup("b");
  BOOST_REQUIRE(!b.ok());
  BOOST_TEST((b.status().code() == StatusCode::kNotFound));
  BOOST_TEST(Contains(b.status(), DataFileName(prefix, 1, 2)));
  BOOST_TEST(Contains((*reader)->VerifyAll(), DataFileName(prefix, 1, 2)));
}

BOOST_AUTO_TEST_CASE(StateFileNamingAMissingCheckpointIsAnError) {
  TempDir dir;
  WriteAll(dir.file("checkpoint"), "model_checkpoint_path: \"model.ckpt-9\"\n");
  auto latest = LatestCheckpoint(dir.path());
  BOOST_REQUIRE(!latest.ok());
  BOOST_TEST(Contains(latest.status(), dir.file("checkpoint") + " names checkpoint " + dir.file("model.ckpt-9")));
  WriteAll(dir.file("checkpoint"), "model_checkpoint_path: \"unterminated\n");
  BOOST_TEST(Contains(LatestCheckpoint(dir.path()).status(), dir.file("checkpoint")));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
