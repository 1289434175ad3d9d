// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/data/feature_batches.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "tfcompat/io/record_writer.h"
#include "util/example_bytes.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat::data {
namespace {

using testing::Contains;

// `n` rows (at most 26): "row" int64 = the row index, "name" string "a", "b",
// ..., "pair" float
// [n, 2] = {i, -i}, and the label feature "label" given.
ParsedFeatures Rows(int64_t n, Tensor label) {
  ParsedFeatures features;
  features.batch_size = n;
  std::vector<int64_t> row;
  std::vector<std::string> name;
  std::vector<float> pair;
  for (int64_t i = 0; i < n; ++i) {
    row.push_back(i);
    name.push_back(std::string(1, static_cast<char>('a' + i)));
    pair.insert(pair.end(), {static_cast<float>(i), static_cast<float>(-i)});
  }
  features.dense["row"] = Tensor::FromVector<int64_t>(DataType::kInt64, {n}, row);
  features.dense["name"] = Tensor::FromStrings({n}, name).value();
  features.dense["pair"] = Tensor::FromVector<float>(DataType::kFloat, {n, 2}, pair);
  features.dense["label"] = std::move(label);
  return features;
}

Tensor Strings(const std::vector<std::string>& values) {
  return Tensor::FromStrings({static_cast<int64_t>(values.size())}, values).value();
}

Tensor Int64s(const std::vector<int64_t>& values) {
  return Tensor::FromVector<int64_t>(DataType::kInt64, {static_cast<int64_t>(values.size())}, values);
}

Tensor Floats(const std::vector<float>& values) {
  return Tensor::FromVector<float>(DataType::kFloat, {static_cast<int64_t>(values.size())}, values);
}

const LabelOptions kSpecies = {.column = "label", .vocabulary = {"Adelie", "Chinstrap", "Gentoo"}};
const LabelOptions kSpeciesFeature = {.column = "species", .vocabulary = kSpecies.vocabulary};

std::vector<int64_t> RowsOf(const Batch& batch) {
  const std::span<const int64_t> rows = batch.typed_features.dense.at("row").flat<int64_t>();
  return {rows.begin(), rows.end()};
}

// The rows of every batch, in order, until the end of the stream.
std::vector<int64_t> DrainRows(BatchSource& batches, std::vector<int64_t>* sizes = nullptr) {
  std::vector<int64_t> rows;
  Batch batch;
  Status s;
  while ((s = batches.Next(&batch)).ok()) {
    const std::vector<int64_t> more = RowsOf(batch);
    rows.insert(rows.end(), more.begin(), more.end());
    if (sizes != nullptr) sizes->push_back(batch.size);
  }
  BOOST_TEST((s.code() == StatusCode::kOutOfRange));
  return rows;
}

Status CreateError(ParsedFeatures features, const LabelOptions& labels) {
  return FeatureBatches::Create(std::move(features), "train.csv", {.batch_size = 2, .shuffle = false}, labels).status();
}

BOOST_AUTO_TEST_SUITE(feature_batches)

BOOST_AUTO_TEST_CASE(in_memory_batches_slice_every_dense_feature_by_row_and_take_the_label_out) {
  auto batches = FeatureBatches::Create(Rows(3, Strings({"Gentoo", "Adelie", "Chinstrap"})), "train.csv",
                                        {.batch_size = 2, .shuffle = false, .num_epochs = 1}, kSpecies)
                     .value();
  Batch batch;
  BOOST_REQUIRE(batches->Next(&batch).ok());
  BOOST_TEST(batch.size == 2);
  BOOST_TEST(batch.typed_features.batch_size == 2);
  BOOST_TEST(!batch.typed_features.dense.contains("label"));
  BOOST_TEST(batch.labels == std::vector<float>({2.0f, 0.0f}), boost::test_tools::per_element());
  BOOST_TEST(RowsOf(batch) == std::vector<int64_t>({0, 1}), boost::test_tools::per_element());
  BOOST_TEST(batch.typed_features.dense.at("name").strings() == std::vector<std::string>({"a", "b"}),
             boost::test_tools::per_element());
  const Tensor& pair = batch.typed_features.dense.at("pair");
  BOOST_TEST(pair.shape() == TensorShape({2, 2}), boost::test_tools::per_element());
  BOOST_TEST(pair.flat<float>()[2] == 1.0f);
  BOOST_TEST(pair.flat<float>()[3] == -1.0f);
  BOOST_TEST(batch.features.empty());

  BOOST_REQUIRE(batches->Next(&batch).ok());  // the short last batch
  BOOST_TEST(batch.size == 1);
  BOOST_TEST(batch.labels == std::vector<float>({1.0f}), boost::test_tools::per_element());
  BOOST_TEST(batch.typed_features.dense.at("name").strings() == std::vector<std::string>({"c"}),
             boost::test_tools::per_element());
  BOOST_TEST((batches->Next(&batch).code() == StatusCode::kOutOfRange));
}

BOOST_AUTO_TEST_CASE(in_memory_batches_span_two_epochs_when_repeating) {
  auto batches =
      FeatureBatches::Create(Rows(3, Int64s({0, 1, 0})), "train.csv",
                             {.batch_size = 2, .shuffle = false, .num_epochs = 2}, {.column = "label", .n_classes = 2})
          .value();
  std::vector<int64_t> sizes;
  BOOST_TEST(DrainRows(*batches, &sizes) == std::vector<int64_t>({0, 1, 2, 0, 1, 2}), boost::test_tools::per_element());
  BOOST_TEST(sizes == std::vector<int64_t>({2, 2, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(in_memory_batches_shuffle_every_epoch_in_the_order_dataset_batches_use) {
  const int64_t n = 20;
  const BatchOptions options = {.batch_size = 7, .shuffle = true, .seed = 11, .num_epochs = 3};
  auto batches =
      FeatureBatches::Create(Rows(n, Floats(std::vector<float>(n, 0.5f))), "train.csv", options, {.column = "label"})
          .value();
  const std::vector<int64_t> rows = DrainRows(*batches);

  auto dataset = std::make_shared<Dataset>();
  dataset->feature_names = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"row"});
  for (int64_t i = 0; i < n; ++i) dataset->features.push_back(static_cast<float>(i));
  auto reference = DatasetBatches::Create(dataset, options).value();
  std::vector<int64_t> expected;
  Batch batch;
  while (reference->Next(&batch).ok()) {
    for (const float row : batch.features) expected.push_back(static_cast<int64_t>(row));
  }
  BOOST_TEST(rows == expected, boost::test_tools::per_element());
  BOOST_REQUIRE(rows.size() == static_cast<size_t>(3 * n));
  // Each epoch is a permutation, and the epochs differ.
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    std::vector<int64_t> sorted(rows.begin() + epoch * n, rows.begin() + (epoch + 1) * n);
    std::sort(sorted.begin(), sorted.end());
    for (int64_t i = 0; i < n; ++i) BOOST_TEST(sorted[static_cast<size_t>(i)] == i);
  }
  BOOST_TEST(!std::equal(rows.begin(), rows.begin() + n, rows.begin() + n));
}

BOOST_AUTO_TEST_CASE(in_memory_batches_repeat_forever_with_zero_epochs) {
  auto batches = FeatureBatches::Create(Rows(3, Floats({1, 2, 3})), "train.csv",
                                        {.batch_size = 2, .shuffle = false, .num_epochs = 0}, {})
                     .value();
  Batch batch;
  for (int i = 0; i < 100; ++i) BOOST_REQUIRE(batches->Next(&batch).ok());
  BOOST_TEST(batch.size == 2);
}

BOOST_AUTO_TEST_CASE(class_id_labels_become_floats_and_regression_labels_their_values) {
  auto ids = FeatureBatches::Create(Rows(3, Int64s({2, 0, 1})), "train.csv", {.batch_size = 3, .shuffle = false},
                                    {.column = "label", .n_classes = 3})
                 .value();
  Batch batch;
  BOOST_REQUIRE(ids->Next(&batch).ok());
  BOOST_TEST(batch.labels == std::vector<float>({2.0f, 0.0f, 1.0f}), boost::test_tools::per_element());

  auto floats = FeatureBatches::Create(Rows(2, Floats({1.5f, -3.25f})), "train.csv",
                                       {.batch_size = 2, .shuffle = false}, {.column = "label"})
                    .value();
  BOOST_REQUIRE(floats->Next(&batch).ok());
  BOOST_TEST(batch.labels == std::vector<float>({1.5f, -3.25f}), boost::test_tools::per_element());

  auto integers = FeatureBatches::Create(Rows(2, Int64s({7, -4})), "train.csv", {.batch_size = 2, .shuffle = false},
                                         {.column = "label"})
                      .value();
  BOOST_REQUIRE(integers->Next(&batch).ok());
  BOOST_TEST(batch.labels == std::vector<float>({7.0f, -4.0f}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(labels_of_shape_batch_by_one_are_read_like_a_vector) {
  ParsedFeatures features = Rows(2, Tensor());
  features.dense["label"] = Tensor::FromVector<int64_t>(DataType::kInt64, {2, 1}, {1, 0});
  auto batches = FeatureBatches::Create(std::move(features), "train.csv", {.batch_size = 2, .shuffle = false},
                                        {.column = "label", .n_classes = 2})
                     .value();
  Batch batch;
  BOOST_REQUIRE(batches->Next(&batch).ok());
  BOOST_TEST(batch.labels == std::vector<float>({1.0f, 0.0f}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(without_a_label_column_labels_are_empty_and_every_feature_stays) {
  auto batches =
      FeatureBatches::Create(Rows(2, Strings({"a", "b"})), "test.csv", {.batch_size = 2, .shuffle = false}, {}).value();
  Batch batch;
  BOOST_REQUIRE(batches->Next(&batch).ok());
  BOOST_TEST(batch.labels.empty());
  BOOST_TEST(batch.typed_features.dense.contains("label"));
}

BOOST_AUTO_TEST_CASE(a_name_outside_the_vocabulary_is_an_error_naming_the_record_and_the_value) {
  const Status s = CreateError(Rows(3, Strings({"Adelie", "Gentoo", "Adeley"})), kSpecies);
  BOOST_TEST((s.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(s.message() == "train.csv:record 2: Labels must >= 0: 'Adeley' is not in label_vocabulary");
}

BOOST_AUTO_TEST_CASE(class_ids_out_of_range_are_errors_in_tfs_words) {
  Status s = CreateError(Rows(3, Int64s({0, 3, 1})), {.column = "label", .n_classes = 3});
  BOOST_TEST(s.message() == "train.csv:record 1: Labels must <= n_classes - 1: label 3, n_classes 3");
  s = CreateError(Rows(3, Int64s({0, 1, -1})), {.column = "label", .n_classes = 3});
  BOOST_TEST(s.message() == "train.csv:record 2: Labels must >= 0: label -1");
}

BOOST_AUTO_TEST_CASE(a_label_feature_of_the_wrong_dtype_is_an_error_in_tfs_words) {
  Status s = CreateError(Rows(2, Floats({0, 1})), {.column = "label", .n_classes = 2});
  BOOST_TEST(s.message() == "train.csv: label label: Labels dtype should be integer. Instead got <dtype: 'float32'>.");
  s = CreateError(Rows(2, Int64s({0, 1})), kSpecies);
  BOOST_TEST(s.message() ==
             "train.csv: label label: Labels dtype should be string if there is a vocabulary. Instead got <dtype: "
             "'int64'>");
  s = CreateError(Rows(2, Strings({"1.5", "2"})), {.column = "label"});
  BOOST_TEST(s.message() == "train.csv: label label: Cast string to float is not supported");
}

BOOST_AUTO_TEST_CASE(a_missing_sparse_or_misshapen_label_feature_is_an_error_naming_it) {
  ParsedFeatures missing = Rows(2, Tensor());
  missing.dense.erase("label");
  BOOST_TEST(CreateError(missing, kSpecies).message() ==
             "train.csv: there is no feature 'label' to take the labels from");

  ParsedFeatures wide = Rows(2, Tensor());
  wide.dense["label"] = Tensor::FromVector<int64_t>(DataType::kInt64, {2, 2}, {0, 1, 1, 0});
  BOOST_TEST(Contains(CreateError(wide, {.column = "label", .n_classes = 2}),
                      "train.csv: label label: labels shape must be [D0, D1, ... DN, 1], got [2,2]"));
}

BOOST_AUTO_TEST_CASE(in_memory_features_must_be_dense_with_one_row_per_example) {
  ParsedFeatures sparse = Rows(2, Floats({1, 2}));
  sparse.sparse["tags"] = SparseFeature{};
  BOOST_TEST(Contains(CreateError(sparse, {}), "train.csv: feature 'tags' is sparse"));

  ParsedFeatures short_column = Rows(2, Floats({1, 2}));
  short_column.dense["row"] = Int64s({0});
  BOOST_TEST(CreateError(short_column, {}).message() == "train.csv: feature 'row' has shape [1], expected 2 rows");

  BOOST_TEST(CreateError(ParsedFeatures{}, {}).message() == "train.csv: no examples to batch");
}

BOOST_AUTO_TEST_CASE(bad_batch_or_label_options_are_rejected) {
  BOOST_TEST(Contains(FeatureBatches::Create(Rows(2, Floats({1, 2})), "train.csv", {.batch_size = 0}, {}).status(),
                      "batch_size"));
  BOOST_TEST(Contains(FeatureBatches::Create(Rows(2, Floats({1, 2})), "train.csv", {.num_epochs = -1}, {}).status(),
                      "num_epochs"));
  BOOST_TEST(
      CreateError(Rows(2, Strings({"a", "b"})), {.column = "label", .n_classes = 2, .vocabulary = {"a"}}).message() ==
      "label_vocabulary size must equal n_classes: 1 vs 2");
  BOOST_TEST(CreateError(Rows(2, Strings({"a", "b"})), {.column = "label", .vocabulary = {"a", "b", "a"}}).message() ==
             "label_vocabulary has 'a' twice");
  BOOST_TEST(CreateError(Rows(2, Int64s({0, 0})), {.column = "label", .n_classes = 1}).message() ==
             "n_classes must be > 1 for classification: 1");
}

BOOST_AUTO_TEST_CASE(label_dtype_is_string_with_a_vocabulary_int64_for_class_ids_float_for_regression) {
  BOOST_TEST((LabelDtype(kSpecies) == DataType::kString));
  BOOST_TEST((LabelDtype({.column = "label", .n_classes = 3}) == DataType::kInt64));
  BOOST_TEST((LabelDtype({.column = "label"}) == DataType::kFloat));
}

// TFRecord files of Examples with "row" (int64) and "species" (bytes).
struct SpeciesFiles {
  testing::TempDir dir;
  std::vector<std::string> files;

  // One file per list, a.tfrecord, b.tfrecord, ...; "row" counts across them.
  explicit SpeciesFiles(const std::vector<std::vector<std::string>>& species_per_file) {
    int64_t row = 0;
    for (size_t f = 0; f < species_per_file.size(); ++f) {
      files.push_back(dir.file(std::string(1, static_cast<char>('a' + f)) + ".tfrecord"));
      auto writer = RecordWriter::Create(files[f]).value();
      for (const std::string& species : species_per_file[f]) {
        BOOST_REQUIRE(writer
                          ->WriteRecord(testing::Example(
                              {{"row", testing::Int64Feature({row++})}, {"species", testing::BytesFeature({species})}}))
                          .ok());
      }
      BOOST_REQUIRE(writer->Close().ok());
    }
  }

  std::unique_ptr<ExampleBatches> Batches(const LabelOptions& labels, int64_t batch_size = 2) const {
    const ExampleSpec spec = {{"row", FixedLenFeature{.shape = {}, .dtype = DataType::kInt64}},
                              {"species", FixedLenFeature{.shape = {}, .dtype = DataType::kString}}};
    auto dataset = ExampleDataset::Open({.files = files, .batch_size = batch_size}, spec).value();
    return ExampleBatches::Create(std::move(dataset), labels).value();
  }
};

BOOST_AUTO_TEST_CASE(example_batches_stream_the_datasets_batches_with_their_labels) {
  const SpeciesFiles data({{"Gentoo", "Adelie", "Chinstrap"}, {"Adelie"}});
  auto batches = data.Batches(kSpeciesFeature);
  Batch batch;
  std::vector<float> labels;
  std::vector<int64_t> rows;
  Status s;
  while ((s = batches->Next(&batch)).ok()) {
    BOOST_TEST(!batch.typed_features.dense.contains("species"));
    BOOST_TEST(batch.size == batch.typed_features.batch_size);
    labels.insert(labels.end(), batch.labels.begin(), batch.labels.end());
    const std::vector<int64_t> more = RowsOf(batch);
    rows.insert(rows.end(), more.begin(), more.end());
  }
  BOOST_TEST((s.code() == StatusCode::kOutOfRange), s);
  BOOST_TEST(labels == std::vector<float>({2.0f, 0.0f, 1.0f, 0.0f}), boost::test_tools::per_element());
  BOOST_TEST(rows == std::vector<int64_t>({0, 1, 2, 3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(example_batches_name_the_file_and_record_of_a_bad_label) {
  const SpeciesFiles data({{"Gentoo", "Adelie"}, {"Adelie", "Emperor"}});
  auto batches = data.Batches(kSpeciesFeature);
  Batch batch;
  BOOST_REQUIRE(batches->Next(&batch).ok());
  const Status s = batches->Next(&batch);
  BOOST_TEST((s.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(s.message() == data.files[1] + ":record 1: Labels must >= 0: 'Emperor' is not in label_vocabulary");
}

BOOST_AUTO_TEST_CASE(example_batches_without_a_label_column_keep_every_feature) {
  const SpeciesFiles data({{"Gentoo"}});
  auto batches = data.Batches({});
  Batch batch;
  BOOST_REQUIRE(batches->Next(&batch).ok());
  BOOST_TEST(batch.labels.empty());
  BOOST_TEST(batch.typed_features.dense.at("species").strings() == std::vector<std::string>({"Gentoo"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(example_batches_reject_a_label_feature_of_the_wrong_dtype) {
  const SpeciesFiles data({{"Gentoo"}});
  auto batches = data.Batches({.column = "row"});  // an int64 feature is fine for a regressor
  Batch batch;
  BOOST_REQUIRE(batches->Next(&batch).ok());
  BOOST_TEST(batch.labels == std::vector<float>({0.0f}), boost::test_tools::per_element());

  const Status s = data.Batches({.column = "species"})->Next(&batch);
  BOOST_TEST(s.message() == data.files[0] + ":record 0: label species: Cast string to float is not supported");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::data
