// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/data/example_dataset.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "tfcompat/io/record_writer.h"
#include "util/example_bytes.h"
#include "util/temp_dir.h"

namespace tfcompat::data {
namespace {

ExampleSpec IdSpec() { return {{"id", FixedLenFeature{.shape = {}, .dtype = DataType::kInt64}}}; }

// Writes records with "id" first_id, first_id + 1, ... to `path`.
void WriteIds(const std::string& path, int64_t first_id, int64_t count,
              RecordCompression compression = RecordCompression::kNone) {
  auto writer = RecordWriter::Create(path, {.compression = compression}).value();
  for (int64_t id = first_id; id < first_id + count; ++id) {
    BOOST_REQUIRE(writer->WriteRecord(testing::Example({{"id", testing::Int64Feature({id})}})).ok());
  }
  BOOST_REQUIRE(writer->Close().ok());
}

// Every batch's size and the ids of all batches, in order.
struct Drained {
  std::vector<int64_t> batch_sizes;
  std::vector<int64_t> ids;
};

Drained Drain(ExampleDatasetOptions options, size_t max_batches = 1000) {
  auto dataset = ExampleDataset::Open(std::move(options), IdSpec()).value();
  Drained drained;
  ParsedFeatures batch;
  Status s;
  while (drained.batch_sizes.size() < max_batches && (s = dataset->Next(&batch)).ok()) {
    drained.batch_sizes.push_back(batch.batch_size);
    const std::span<const int64_t> ids = batch.dense.at("id").flat<int64_t>();
    drained.ids.insert(drained.ids.end(), ids.begin(), ids.end());
  }
  if (drained.batch_sizes.size() < max_batches) BOOST_TEST((s.code() == StatusCode::kOutOfRange));
  return drained;
}

std::vector<int64_t> Range(int64_t n) {
  std::vector<int64_t> ids(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) ids[static_cast<size_t>(i)] = i;
  return ids;
}

struct TwoFiles {
  testing::TempDir dir;
  std::vector<std::string> files = {dir.file("a.tfrecord"), dir.file("b.tfrecord")};
  TwoFiles() {
    WriteIds(files[0], 0, 10);
    WriteIds(files[1], 10, 10);
  }
};

BOOST_AUTO_TEST_SUITE(ExampleDatasetTest)

BOOST_AUTO_TEST_CASE(ReadsFilesInOrderWithASmallerLastBatch) {
  TwoFiles data;
  const Drained d = Drain({.files = data.files, .batch_size = 6});
  BOOST_TEST(d.ids == Range(20));
  BOOST_TEST(d.batch_sizes == std::vector<int64_t>({6, 6, 6, 2}));
}

BOOST_AUTO_TEST_CASE(RepeatsEpochsAndBatchesAcrossThem) {
  TwoFiles data;
  const Drained d = Drain({.files = data.files, .batch_size = 8, .num_epochs = 3});
  std::vector<int64_t> expected;
  for (int epoch = 0; epoch < 3; ++epoch) {
    const std::vector<int64_t> r = Range(20);
    expected.insert(expected.end(), r.begin(), r.end());
  }
  BOOST_TEST(d.ids == expected);
  BOOST_TEST(d.batch_sizes == std::vector<int64_t>({8, 8, 8, 8, 8, 8, 8, 4}));
}

BOOST_AUTO_TEST_CASE(ZeroEpochsRepeatsForever) {
  TwoFiles data;
  const Drained d = Drain({.files = data.files, .batch_size = 7, .num_epochs = 0}, 50);
  BOOST_TEST(d.ids.size() == 350u);
  BOOST_TEST(d.ids[349] == 349 % 20);
}

BOOST_AUTO_TEST_CASE(MatchesAGlobPatternSorted) {
  TwoFiles data;
  auto dataset = ExampleDataset::Open({.file_pattern = data.dir.file("*.tfrecord")}, IdSpec()).value();
  BOOST_TEST(dataset->files() == data.files);
  const Status none = ExampleDataset::Open({.file_pattern = data.dir.file("*.gz")}, IdSpec()).status();
  BOOST_TEST((none.code() == StatusCode::kNotFound));
  BOOST_TEST(none.message() == "No files matched pattern: " + data.dir.file("*.gz"));
}

BOOST_AUTO_TEST_CASE(ShufflesEachEpochAsAPermutationReproducibly) {
  TwoFiles data;
  const ExampleDatasetOptions options = {
      .files = data.files, .batch_size = 5, .shuffle_buffer_size = 8, .seed = 3, .num_epochs = 2};
  const Drained a = Drain(options), b = Drain(options);
  BOOST_TEST(a.ids == b.ids);
  BOOST_REQUIRE(a.ids.size() == 40u);
  std::vector<int64_t> first(a.ids.begin(), a.ids.begin() + 20), second(a.ids.begin() + 20, a.ids.end());
  BOOST_TEST(first != Range(20));
  BOOST_TEST(first != second);
  std::sort(first.begin(), first.end());
  std::sort(second.begin(), second.end());
  BOOST_TEST(first == Range(20));
  BOOST_TEST(second == Range(20));

  ExampleDatasetOptions other_seed = options;
  other_seed.seed = 4;
  BOOST_TEST(Drain(other_seed).ids != a.ids);
}

BOOST_AUTO_TEST_CASE(AShuffleBufferOnlyDrawsFromRecordsReadSoFar) {
  TwoFiles data;
  // With a buffer of 3, the k-th output (from 0) is one of the first k + 3
  // records; a buffer of 1 keeps file order.
  const Drained d = Drain({.files = data.files, .batch_size = 4, .shuffle_buffer_size = 3, .seed = 11});
  for (size_t k = 0; k < d.ids.size(); ++k) BOOST_TEST(d.ids[k] < static_cast<int64_t>(k) + 3);
  BOOST_TEST(Drain({.files = data.files, .shuffle_buffer_size = 1, .seed = 11}).ids == Range(20));
}

BOOST_AUTO_TEST_CASE(ReadsGzipFiles) {
  testing::TempDir dir;
  WriteIds(dir.file("a.tfrecord.gz"), 0, 25, RecordCompression::kGzip);
  const Drained d =
      Drain({.files = {dir.file("a.tfrecord.gz")}, .compression = RecordCompression::kGzip, .batch_size = 10});
  BOOST_TEST(d.ids == Range(25));
}

BOOST_AUTO_TEST_CASE(AParseErrorNamesTheFileAndRecord) {
  testing::TempDir dir;
  const std::string path = dir.file("a.tfrecord");
  {
    auto writer = RecordWriter::Create(path).value();
    BOOST_REQUIRE(writer->WriteRecord(testing::Example({{"id", testing::Int64Feature({1})}})).ok());
    BOOST_REQUIRE(writer->WriteRecord(testing::Example({{"id", testing::FloatFeature({1})}})).ok());
    BOOST_REQUIRE(writer->Close().ok());
  }
  auto dataset = ExampleDataset::Open({.files = {path}}, IdSpec()).value();
  ParsedFeatures batch;
  const Status s = dataset->Next(&batch);
  BOOST_TEST((s.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(s.message() == "Name: " + path +
                                ":record 1, Key: id, Index: 1.  Data types don't match. Data type: float but expected "
                                "type: int64");
}

BOOST_AUTO_TEST_CASE(ATruncatedFileIsDataLoss) {
  testing::TempDir dir;
  const std::string path = dir.file("a.tfrecord");
  WriteIds(path, 0, 3);
  const std::string bytes = testing::ReadAll(path);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() - 5);
  auto dataset = ExampleDataset::Open({.files = {path}, .batch_size = 10}, IdSpec()).value();
  ParsedFeatures batch;
  const Status s = dataset->Next(&batch);
  BOOST_TEST((s.code() == StatusCode::kDataLoss));
  BOOST_TEST(s.message().find(path + ": truncated record at offset ") == 0u);
}

BOOST_AUTO_TEST_CASE(RejectsBadOptions) {
  TwoFiles data;
  const auto code = [&](ExampleDatasetOptions options) {
    return ExampleDataset::Open(std::move(options), IdSpec()).status().code();
  };
  BOOST_TEST((code({.files = data.files, .batch_size = 0}) == StatusCode::kInvalidArgument));
  BOOST_TEST((code({.files = data.files, .shuffle_buffer_size = -1}) == StatusCode::kInvalidArgument));
  BOOST_TEST((code({.files = data.files, .num_epochs = -1}) == StatusCode::kInvalidArgument));
  BOOST_TEST((code({}) == StatusCode::kInvalidArgument));
  BOOST_TEST((code({.files = {data.dir.file("missing.tfrecord")}}) == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(AnEmptyFileEndsEvenWhenRepeatingForever) {
  testing::TempDir dir;
  WriteIds(dir.file("empty.tfrecord"), 0, 0);
  BOOST_TEST(Drain({.files = {dir.file("empty.tfrecord")}, .num_epochs = 0}).ids.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::data
