// SPDX-License-Identifier: Apache-2.0
// Known answers computed by TensorFlow 2.15 through
// tf.feature_column's get_sparse_tensors(...) on the same features: each
// case lists the id tensor's indices, values and dense shape.
#include "tfcompat/feature_column/categorical_column.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

namespace tfcompat::feature_column {
namespace {

using Column = CategoricalColumn;

void CheckIds(const Column& column, const FeatureMap& features, const std::vector<Index2>& indices,
              const std::vector<int64_t>& ids, Index2 dense_shape) {
  const SparseIds out = column.Transform(features).value();
  BOOST_TEST(out.indices == indices);
  BOOST_TEST(out.ids == ids);
  BOOST_TEST(out.dense_shape == dense_shape);
}

void CheckError(const StatusOr<SparseIds>& out, StatusCode code, const std::string& message) {
  BOOST_REQUIRE(!out.ok());
  BOOST_TEST((out.status().code() == code));
  BOOST_TEST(out.status().message() == message);
}

void CheckError(const StatusOr<Column>& column, const std::string& message) {
  BOOST_REQUIRE(!column.ok());
  BOOST_TEST((column.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(column.status().message() == message);
}

BOOST_AUTO_TEST_SUITE(CategoricalColumnTest)

BOOST_AUTO_TEST_CASE(HashBucketHashesIntegersAsDecimalStrings) {
  const Column column = Column::HashBucket("x", 10, KeyType::kInt64).value();
  BOOST_TEST(column.name() == "x");
  BOOST_TEST(column.num_buckets() == 10);
  FeatureMap features;
  features["x"] = Int64Tensor::Dense(2, 2, {5, -1, 123456789, 0});
  CheckIds(column, features, {{0, 0}, {1, 0}, {1, 1}}, {1, 6, 5}, {2, 2});
}

BOOST_AUTO_TEST_CASE(HashBucketDropsEmptyDenseStrings) {
  const Column column = Column::HashBucket("x", 100).value();
  FeatureMap features;
  features["x"] = StringTensor::Dense(2, 2, {"a", "", "", "b"});
  CheckIds(column, features, {{0, 0}, {1, 1}}, {39, 22}, {2, 2});
}

BOOST_AUTO_TEST_CASE(HashBucketKeepsEmptySparseStrings) {
  const Column column = Column::HashBucket("x", 16).value();
  FeatureMap features;
  features["x"] = StringTensor::Ragged({{"Biscoe", ""}, {}, {"Torgersen"}});
  CheckIds(column, features, {{0, 0}, {0, 1}, {2, 0}}, {14, 15, 6}, {3, 2});
}

BOOST_AUTO_TEST_CASE(VocabularyListHashesOutOfVocabularyValuesToOovBuckets) {
  const Column column = Column::VocabularyList("island", {"Biscoe", "Dream", "Torgersen"}, 4).value();
  BOOST_TEST(column.num_buckets() == 7);
  FeatureMap features;
  features["island"] = StringTensor::Dense(5, 1, {"Dream", "Atlantis", "Torgersen", "", "Mars"});
  CheckIds(column, features, {{0, 0}, {1, 0}, {2, 0}, {4, 0}}, {1, 6, 2, 4}, {5, 1});
}

BOOST_AUTO_TEST_CASE(VocabularyListGivesTheDefaultWithoutOovBuckets) {
  const Column column = Column::VocabularyList("island", {"Biscoe", "Dream"}, 0, 7).value();
  FeatureMap features;
  features["island"] = StringTensor::Dense(1, 2, {"Dream", "Mars"});
  CheckIds(column, features, {{0, 0}, {0, 1}}, {1, 7}, {1, 2});
}

BOOST_AUTO_TEST_CASE(IntegerVocabularyListHashesOovValuesAsDecimalStrings) {
  const Column column = Column::Int64VocabularyList("code", {3, -7, 12}, 2).value();
  FeatureMap features;
  features["code"] = Int64Tensor::Dense(1, 5, {12, 99, -7, -1, 1000});
  CheckIds(column, features, {{0, 0}, {0, 1}, {0, 2}, {0, 4}}, {2, 3, 1, 4}, {1, 5});
}

BOOST_AUTO_TEST_CASE(VocabularyListRejectsRepeatsAndConflictingArguments) {
  CheckError(Column::VocabularyList("island", {"a", "b", "a"}),
             "column 'island': duplicate key 'a' in vocabulary_list (positions 0 and 2)");
  CheckError(Column::VocabularyList("island", std::vector<std::string>{}),
             "column 'island': vocabulary_list must be non-empty");
  CheckError(Column::VocabularyList("island", {"a"}, 2, 0),
             "column 'island': Can't specify both num_oov_buckets and default_value");
  CheckError(Column::VocabularyList("island", {"a"}, -1), "column 'island': Invalid num_oov_buckets -1");
}

BOOST_AUTO_TEST_CASE(VocabularyColumnRejectsAFeatureOfTheOtherType) {
  const Column column = Column::VocabularyList("island", {"Biscoe"}).value();
  FeatureMap features;
  features["island"] = Int64Tensor::Dense(1, 1, {3});
  CheckError(column.Transform(features), StatusCode::kInvalidArgument,
             "column 'island': feature 'island' holds int64 values; the column takes string values");
  CheckError(column.Transform(FeatureMap()), StatusCode::kInvalidArgument,
             "column 'island': no feature 'island' in the batch");
}

BOOST_AUTO_TEST_CASE(IdentityMapsOutOfRangeIdsToTheDefault) {
  const Column column = Column::Identity("n", 4, 0).value();
  FeatureMap features;
  features["n"] = Int64Tensor::Dense(1, 4, {3, 4, -2, -1});
  CheckIds(column, features, {{0, 0}, {0, 1}, {0, 2}}, {3, 0, 0}, {1, 4});
}

BOOST_AUTO_TEST_CASE(IdentityWithoutDefaultRejectsTooLargeIdsAndKeepsNegativeOnes) {
  const Column column = Column::Identity("n", 4).value();
  FeatureMap features;
  features["n"] = Int64Tensor::Ragged({{1, -3}, {2, 4}});
  CheckError(column.Transform(features), StatusCode::kInvalidArgument,
             "column 'n': id 4 at index [1, 1] is not in [0, 4); set a default_value to map out-of-range ids");
  features["n"] = Int64Tensor::Ragged({{1, -3}});
  CheckIds(column, features, {{0, 0}, {0, 1}}, {1, -3}, {1, 2});
  CheckError(Column::Identity("n", 4, 4), "column 'n': default_value 4 not in range [0, 4)");
  CheckError(Column::Identity("n", 0), "column 'n': num_buckets 0 < 1");
}

BOOST_AUTO_TEST_CASE(BucketizedIncludesTheLeftBoundaryAndOffsetsEachDimension) {
  const Column column = Column::Bucketized("age", 2, {0.0f, 10.0f, 100.0f}).value();
  BOOST_TEST(column.name() == "age_bucketized");
  BOOST_TEST(column.num_buckets() == 8);
  FeatureMap features;
  features["age"] = FloatTensor::Dense(3, 2, {-5.0f, 10.0f, 150.0f, 9.999f, 0.1f, 100.0f});
  CheckIds(column, features, {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 0}, {2, 1}}, {0, 6, 3, 5, 1, 7}, {3, 2});
}

BOOST_AUTO_TEST_CASE(BucketizedComparesInFloat32AndPutsNanLast) {
  const Column column = Column::Bucketized("v", 1, {0.1f, 0.2f}).value();
  FeatureMap features;
  features["v"] = FloatTensor::Dense(3, 1, {0.1f, 0.2f, std::nanf("")});
  CheckIds(column, features, {{0, 0}, {1, 0}, {2, 0}}, {1, 2, 2}, {3, 1});
}

BOOST_AUTO_TEST_CASE(BucketizedRejectsBadBoundariesAndShapes) {
  CheckError(Column::Bucketized("v", 1, {1.0f, 1.0f}),
             "column 'v_bucketized': boundaries must be a sorted list: "
             "1.000000 then 1.000000");
  CheckError(Column::Bucketized("v", 1, {}), "column 'v_bucketized': boundaries must not be empty.");
  const Column column = Column::Bucketized("v", 2, {0.0f}).value();
  FeatureMap features;
  features["v"] = FloatTensor::Dense(1, 1, {0.5f});
  CheckError(column.Transform(features), StatusCode::kInvalidArgument,
             "column 'v_bucketized': feature 'v' has 1 values per example; the column takes 2");
}

BOOST_AUTO_TEST_CASE(CrossedHashesAVocabularyColumnWithARawFeature) {
  const Column island = Column::VocabularyList("island", {"Biscoe", "Dream", "Torgersen"}, 1).value();
  const Column cross = Column::Crossed({island, "sex"}, 1000).value();
  BOOST_TEST(cross.name() == "island_X_sex");
  FeatureMap features;
  features["island"] = StringTensor::Dense(2, 1, {"Dream", "Biscoe"});
  features["sex"] = StringTensor::Dense(2, 1, {"MALE", "FEMALE"});
  CheckIds(cross, features, {{0, 0}, {1, 0}}, {577, 902}, {2, 1});
}

BOOST_AUTO_TEST_CASE(CrossedEnumeratesEveryCombinationAndSkipsEmptyExamples) {
  const Column age = Column::Bucketized("age", 2, {0.0f, 10.0f, 100.0f}).value();
  const Column cross = Column::Crossed({"tags", age}, 50, 12345).value();
  FeatureMap features;
  features["tags"] = StringTensor::Sparse({{0, 0}, {0, 1}, {2, 0}}, {"a", "b", "c"}, {3, 2});
  features["age"] = FloatTensor::Dense(3, 2, {-5.0f, 10.0f, 150.0f, 9.999f, 0.1f, 100.0f});
  CheckIds(cross, features, {{0, 0}, {0, 1}, {0, 2}, {0, 3}, {2, 0}, {2, 1}}, {18, 49, 24, 6, 6, 30}, {3, 4});
}

// SparseCross takes sparse inputs before dense ones: the dense "s" is hashed
// after the sparse "i" although it comes first.
BOOST_AUTO_TEST_CASE(CrossedPutsDenseRawFeaturesAfterSparseOnes) {
  const Column cross = Column::Crossed({"s", "i"}, 97).value();
  FeatureMap features;
  features["s"] = StringTensor::Dense(1, 2, {"x", "y"});
  features["i"] = Int64Tensor::Sparse({{0, 0}}, {4}, {1, 1});
  CheckIds(cross, features, {{0, 0}, {0, 1}}, {34, 7}, {1, 2});
}

BOOST_AUTO_TEST_CASE(CrossedRejectsHashBucketKeysAndMismatchedBatches) {
  const Column hashed = Column::HashBucket("h", 10).value();
  CheckError(Column::Crossed({hashed, "b"}, 10),
             "column 'b_X_h': categorical_column_with_hash_bucket is not supported for crossing. Hashing before "
             "crossing will increase probability of collision. Instead, use the feature name as a string. Given: h");
  CheckError(Column::Crossed({"a"}, 10), "column 'a': keys must be a list with length > 1. Given: 1 key(s)");
  const Column cross = Column::Crossed({"a", "b"}, 10).value();
  FeatureMap features;
  features["a"] = StringTensor::Dense(2, 1, {"x", "y"});
  features["b"] = StringTensor::Dense(3, 1, {"x", "y", "z"});
  CheckError(cross.Transform(features), StatusCode::kInvalidArgument,
             "column 'a_X_b': expected batch size 2 got 3 for 'b'");
}

BOOST_AUTO_TEST_CASE(NestedCrossesExpandIntoTheirKeys) {
  const Column inner = Column::Crossed({"a", "b"}, 7).value();
  const Column outer = Column::Crossed({inner, "c"}, 1000).value();
  const Column flat = Column::Crossed({"a", "b", "c"}, 1000).value();
  BOOST_TEST(outer.name() == "a_X_b_X_c");
  FeatureMap features;
  features["a"] = StringTensor::Ragged({{"1", "2"}});
  features["b"] = StringTensor::Ragged({{"3"}});
  features["c"] = StringTensor::Ragged({{"4", "5"}});
  BOOST_TEST(outer.Transform(features)->ids == flat.Transform(features)->ids);
}

BOOST_AUTO_TEST_CASE(WeightedPairsIdsWithNonZeroWeights) {
  const Column column = Column::Weighted(Column::Identity("n", 10).value(), "w").value();
  BOOST_TEST(column.name() == "n_weighted_by_w");
  FeatureMap features;
  features["n"] = Int64Tensor::Dense(1, 3, {1, 2, -1});
  features["w"] = FloatTensor::Dense(1, 3, {0.5f, 2.0f, 0.0f});
  const SparseIds out = column.Transform(features).value();
  BOOST_TEST(out.indices == std::vector<Index2>({{0, 0}, {0, 1}}));
  BOOST_TEST(out.ids == std::vector<int64_t>({1, 2}));
  BOOST_TEST(out.weights == std::vector<float>({0.5f, 2.0f}));
  features["w"] = FloatTensor::Dense(1, 3, {0.5f, 0.0f, 0.0f});
  CheckError(column.Transform(features), StatusCode::kInvalidArgument,
             "column 'n_weighted_by_w': the weights of 'w' do not match the ids: entry 1 is an id at [0, 1] but a "
             "weight at none");
}

BOOST_AUTO_TEST_CASE(MalformedSparseTensorsAreErrors) {
  const Column column = Column::HashBucket("x", 10).value();
  FeatureMap features;
  features["x"] = StringTensor::Sparse({{0, 1}, {0, 0}}, {"a", "b"}, {1, 2});
  CheckError(column.Transform(features), StatusCode::kInvalidArgument,
             "column 'x': feature 'x': index [0, 0] is out of order (after [0, 1]); a SparseTensor's indices are "
             "row-major");
  features["x"] = StringTensor::Sparse({{1, 0}}, {"a"}, {1, 2});
  CheckError(column.Transform(features), StatusCode::kInvalidArgument,
             "column 'x': feature 'x': index [1, 0] is out of bounds of dense shape [1, 2]");
  features["x"] = StringTensor::Dense(2, 2, {"a"});
  CheckError(column.Transform(features), StatusCode::kInvalidArgument,
             "column 'x': feature 'x': a dense tensor of shape [2, 2] holds 1 values");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::feature_column
