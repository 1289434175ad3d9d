// SPDX-License-Identifier: Apache-2.0
#include "data/batch_shard.h"

#include <boost/test/unit_test.hpp>
#include <functional>
#include <string>
#include <vector>

#include "util/batches.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat::data {
namespace {

using testing::BatchOfEveryKind;
using testing::Contains;

using Int64s = std::vector<int64_t>;
using Strings = std::vector<std::string>;

std::vector<int64_t> ShardSizes(int64_t batch_size, int num_shards) {
  std::vector<int64_t> sizes;
  for (int shard = 0; shard < num_shards; ++shard) sizes.push_back(ShardRows(batch_size, num_shards, shard).size());
  return sizes;
}

template <typename T>
std::vector<T> Values(const Tensor& tensor) {
  const std::span<const T> values = tensor.flat<T>();
  return {values.begin(), values.end()};
}

// Rows of the batches one after the other, as one batch: what the shards of
// a batch must add up to.
Batch Concatenate(const std::vector<Batch>& parts) {
  Batch whole = parts.front();
  for (size_t p = 1; p < parts.size(); ++p) {
    const Batch& part = parts[p];
    const int64_t offset = whole.size;
    whole.size += part.size;
    whole.features.insert(whole.features.end(), part.features.begin(), part.features.end());
    whole.labels.insert(whole.labels.end(), part.labels.begin(), part.labels.end());
    whole.typed_features.batch_size += part.typed_features.batch_size;
    for (const auto& [key, tensor] : part.typed_features.dense) {
      Tensor& into = whole.typed_features.dense.at(key);
      TensorShape shape = into.shape();
      shape[0] += tensor.shape()[0];
      if (tensor.dtype() == DataType::kString) {
        Strings strings = into.strings();
        strings.insert(strings.end(), tensor.strings().begin(), tensor.strings().end());
        into = Tensor::FromStrings(shape, strings).value();
      } else {
        into =
            Tensor::FromBytes(tensor.dtype(), shape, std::string(into.bytes()) + std::string(tensor.bytes())).value();
      }
    }
    for (const auto& [key, sparse] : part.typed_features.sparse) {
      SparseFeature& into = whole.typed_features.sparse.at(key);
      Int64s indices = Values<int64_t>(into.indices);
      const Int64s more = Values<int64_t>(sparse.indices);
      for (size_t i = 0; i < more.size(); i += 2) indices.insert(indices.end(), {more[i] + offset, more[i + 1]});
      const int64_t entries = static_cast<int64_t>(indices.size() / 2);
      into.indices = Tensor::FromVector<int64_t>(DataType::kInt64, {entries, 2}, indices);
      if (sparse.values.dtype() == DataType::kString) {
        Strings strings = into.values.strings();
        strings.insert(strings.end(), sparse.values.strings().begin(), sparse.values.strings().end());
        into.values = Tensor::FromStrings({entries}, strings).value();
      } else {
        into.values = Tensor::FromBytes(sparse.values.dtype(), {entries},
                                        std::string(into.values.bytes()) + std::string(sparse.values.bytes()))
                          .value();
      }
      const Int64s bounds = Values<int64_t>(into.dense_shape), part_bounds = Values<int64_t>(sparse.dense_shape);
      into.dense_shape = Tensor::FromVector<int64_t>(DataType::kInt64, {2},
                                                     {bounds[0] + part_bounds[0], std::max(bounds[1], part_bounds[1])});
    }
  }
  return whole;
}

// Whether the batches hold the same (the names by value: see the test of
// sharing them for the pointer).
void CheckSameBatch(const Batch& actual, const Batch& expected) {
  BOOST_TEST(*actual.feature_names == *expected.feature_names, boost::test_tools::per_element());
  BOOST_TEST(actual.size == expected.size);
  BOOST_TEST(actual.features == expected.features, boost::test_tools::per_element());
  BOOST_TEST(actual.labels == expected.labels, boost::test_tools::per_element());
  BOOST_TEST(actual.typed_features.batch_size == expected.typed_features.batch_size);
  BOOST_TEST(actual.typed_features.dense.size() == expected.typed_features.dense.size());
  for (const auto& [key, tensor] : expected.typed_features.dense) {
    BOOST_TEST_INFO("dense " << key);
    BOOST_TEST((actual.typed_features.dense.at(key) == tensor));
  }
  BOOST_TEST(actual.typed_features.sparse.size() == expected.typed_features.sparse.size());
  for (const auto& [key, sparse] : expected.typed_features.sparse) {
    BOOST_TEST_INFO("sparse " << key);
    const SparseFeature& got = actual.typed_features.sparse.at(key);
    BOOST_TEST((got.indices == sparse.indices));
    BOOST_TEST((got.values == sparse.values));
    BOOST_TEST((got.dense_shape == sparse.dense_shape));
  }
}

BOOST_AUTO_TEST_SUITE(batch_shard)

BOOST_AUTO_TEST_CASE(shard_rows_give_the_earlier_shards_the_extra_rows) {
  BOOST_TEST(ShardSizes(10, 4) == Int64s({3, 3, 2, 2}), boost::test_tools::per_element());
  BOOST_TEST((ShardRows(10, 4, 0) == RowRange{0, 3}));
  BOOST_TEST((ShardRows(10, 4, 1) == RowRange{3, 6}));
  BOOST_TEST((ShardRows(10, 4, 2) == RowRange{6, 8}));
  BOOST_TEST((ShardRows(10, 4, 3) == RowRange{8, 10}));
  BOOST_TEST(ShardSizes(12, 4) == Int64s({3, 3, 3, 3}), boost::test_tools::per_element());
  BOOST_TEST(ShardSizes(7, 1) == Int64s({7}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(shard_rows_leave_the_last_shards_empty_when_there_are_fewer_rows_than_shards) {
  BOOST_TEST(ShardSizes(2, 5) == Int64s({1, 1, 0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST((ShardRows(2, 5, 4) == RowRange{2, 2}));
  BOOST_TEST(ShardSizes(0, 3) == Int64s({0, 0, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(shard_rows_tile_every_batch_contiguously_and_differ_by_at_most_one_row) {
  for (int64_t batch_size = 0; batch_size <= 50; ++batch_size) {
    for (int num_shards = 1; num_shards <= 12; ++num_shards) {
      BOOST_TEST_INFO("batch " << batch_size << " over " << num_shards);
      int64_t next = 0;
      for (int shard = 0; shard < num_shards; ++shard) {
        const RowRange rows = ShardRows(batch_size, num_shards, shard);
        BOOST_TEST(rows.begin == next);
        BOOST_TEST(rows.size() >= batch_size / num_shards);
        BOOST_TEST(rows.size() <= batch_size / num_shards + 1);
        BOOST_TEST((rows.size() > batch_size / num_shards) == (shard < batch_size % num_shards));
        next = rows.end;
      }
      BOOST_TEST(next == batch_size);
    }
  }
  const int64_t large = int64_t{1} << 40;
  BOOST_TEST((ShardRows(large + 3, 8, 7) == RowRange{large + 3 - large / 8, large + 3}));
}

BOOST_AUTO_TEST_CASE(slice_takes_the_rows_of_every_feature_and_shares_the_feature_names) {
  const Batch batch = BatchOfEveryKind(4);
  Batch slice;
  BOOST_REQUIRE(SliceBatch(batch, {1, 3}, &slice).ok());
  BOOST_TEST(slice.size == 2);
  BOOST_TEST(slice.feature_names == batch.feature_names);
  BOOST_TEST(slice.features == std::vector<float>({1, 101, 2, 102}), boost::test_tools::per_element());
  BOOST_TEST(slice.labels == std::vector<float>({1, 2}), boost::test_tools::per_element());
  const ParsedFeatures& typed = slice.typed_features;
  BOOST_TEST(typed.batch_size == 2);
  BOOST_TEST((typed.dense.at("id") == Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {1001, 1002})));
  BOOST_TEST((typed.dense.at("name") == Tensor::FromStrings({2}, {"name1", "name2"}).value()));
  BOOST_TEST((typed.dense.at("pair") == Tensor::FromVector<double>(DataType::kDouble, {2, 2}, {1.5, -1, 2.5, -2})));
  BOOST_TEST(
      (typed.dense.at("grid") == Tensor::FromVector<int32_t>(DataType::kInt32, {2, 2, 2}, {4, 5, 6, 7, 8, 9, 10, 11})));
}

BOOST_AUTO_TEST_CASE(slice_keeps_the_sparse_entries_in_range_renumbered_with_the_slices_longest_list) {
  // tags: row 1 [tag1.0], row 2 [tag2.0, tag2.1]; weights: row 0 [0], row 2 [0.5].
  const Batch batch = BatchOfEveryKind(4);
  Batch slice;
  BOOST_REQUIRE(SliceBatch(batch, {1, 3}, &slice).ok());
  const SparseFeature& tags = slice.typed_features.sparse.at("tags");
  BOOST_TEST(Values<int64_t>(tags.indices) == Int64s({0, 0, 1, 0, 1, 1}), boost::test_tools::per_element());
  BOOST_TEST(tags.values.strings() == Strings({"tag1.0", "tag2.0", "tag2.1"}), boost::test_tools::per_element());
  BOOST_TEST(Values<int64_t>(tags.dense_shape) == Int64s({2, 2}), boost::test_tools::per_element());
  const SparseFeature& weights = slice.typed_features.sparse.at("weights");
  BOOST_TEST(Values<int64_t>(weights.indices) == Int64s({1, 0}), boost::test_tools::per_element());
  BOOST_TEST((weights.values == Tensor::FromVector<float>(DataType::kFloat, {1}, {0.5f})));
  BOOST_TEST(Values<int64_t>(weights.dense_shape) == Int64s({2, 1}), boost::test_tools::per_element());

  BOOST_REQUIRE(SliceBatch(batch, {0, 2}, &slice).ok());  // the longest list shrinks to 1
  BOOST_TEST(Values<int64_t>(slice.typed_features.sparse.at("tags").indices) == Int64s({1, 0}),
             boost::test_tools::per_element());
  BOOST_TEST(Values<int64_t>(slice.typed_features.sparse.at("tags").dense_shape) == Int64s({2, 1}),
             boost::test_tools::per_element());

  BOOST_REQUIRE(SliceBatch(batch, {3, 4}, &slice).ok());  // no entries: [0, 2] indices, no columns
  const SparseFeature& none = slice.typed_features.sparse.at("tags");
  BOOST_TEST(none.indices.shape() == TensorShape({0, 2}), boost::test_tools::per_element());
  BOOST_TEST((none.values == Tensor::FromStrings({0}, {}).value()));
  BOOST_TEST(Values<int64_t>(none.dense_shape) == Int64s({1, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_slices_of_every_shard_concatenated_give_back_the_batch) {
  for (const int64_t batch_size : {1, 2, 5, 10, 17}) {
    const Batch batch = BatchOfEveryKind(batch_size);
    for (int num_shards = 1; num_shards <= 6; ++num_shards) {
      BOOST_TEST_INFO("batch " << batch_size << " over " << num_shards);
      std::vector<Batch> slices(static_cast<size_t>(num_shards));
      for (int shard = 0; shard < num_shards; ++shard) {
        BOOST_REQUIRE(SliceBatch(batch, ShardRows(batch_size, num_shards, shard), &slices[shard]).ok());
      }
      CheckSameBatch(Concatenate(slices), batch);
    }
  }
}

BOOST_AUTO_TEST_CASE(an_empty_shard_has_every_feature_with_no_rows) {
  const Batch batch = BatchOfEveryKind(2);
  Batch slice;
  BOOST_REQUIRE(SliceBatch(batch, ShardRows(2, 3, 2), &slice).ok());
  BOOST_TEST(slice.size == 0);
  BOOST_TEST(slice.feature_names == batch.feature_names);
  BOOST_TEST(slice.features.empty());
  BOOST_TEST(slice.labels.empty());
  BOOST_TEST(slice.typed_features.batch_size == 0);
  BOOST_TEST(slice.typed_features.dense.at("grid").shape() == TensorShape({0, 2, 2}), boost::test_tools::per_element());
  BOOST_TEST(slice.typed_features.dense.at("name").strings().empty());
  const SparseFeature& tags = slice.typed_features.sparse.at("tags");
  BOOST_TEST(tags.indices.shape() == TensorShape({0, 2}), boost::test_tools::per_element());
  BOOST_TEST(Values<int64_t>(tags.dense_shape) == Int64s({0, 0}), boost::test_tools::per_element());

  Batch none_of_none;  // an empty batch slices too
  BOOST_REQUIRE(SliceBatch(BatchOfEveryKind(0), {0, 0}, &none_of_none).ok());
  CheckSameBatch(none_of_none, slice);
}

BOOST_AUTO_TEST_CASE(a_batch_without_typed_features_keeps_their_batch_size_of_zero) {
  Batch batch = BatchOfEveryKind(3);  // as DatasetBatches gives: no typed features, no labels
  batch.typed_features = ParsedFeatures{};
  batch.labels.clear();
  Batch slice;
  BOOST_REQUIRE(SliceBatch(batch, {1, 3}, &slice).ok());
  BOOST_TEST(slice.size == 2);
  BOOST_TEST(slice.features == std::vector<float>({1, 101, 2, 102}), boost::test_tools::per_element());
  BOOST_TEST(slice.labels.empty());
  BOOST_TEST(slice.typed_features.batch_size == 0);
  BOOST_TEST(slice.typed_features.dense.empty());
}

BOOST_AUTO_TEST_CASE(slicing_again_reuses_the_slices_buffers_and_drops_features_the_batch_lacks) {
  const Batch batch = BatchOfEveryKind(8);
  Batch slice;
  BOOST_REQUIRE(SliceBatch(batch, {0, 4}, &slice).ok());
  // Pointers compared as void*: Boost.Test would print a char* as a string.
  const void* id_bytes = slice.typed_features.dense.at("id").bytes().data();
  const std::string* names = slice.typed_features.dense.at("name").strings().data();
  const void* weights_bytes = slice.typed_features.sparse.at("weights").indices.bytes().data();  // 2 entries both times
  const float* features = slice.features.data();
  slice.typed_features.dense["stale"] = Tensor::FromVector<int64_t>(DataType::kInt64, {1}, {7});

  BOOST_REQUIRE(SliceBatch(batch, {4, 8}, &slice).ok());
  BOOST_TEST(static_cast<const void*>(slice.typed_features.dense.at("id").bytes().data()) == id_bytes);
  BOOST_TEST(slice.typed_features.dense.at("name").strings().data() == names);
  BOOST_TEST(static_cast<const void*>(slice.typed_features.sparse.at("weights").indices.bytes().data()) ==
             weights_bytes);
  BOOST_TEST(slice.features.data() == features);
  BOOST_TEST(!slice.typed_features.dense.contains("stale"));
  BOOST_TEST(Values<int64_t>(slice.typed_features.dense.at("id")) == Int64s({1004, 1005, 1006, 1007}),
             boost::test_tools::per_element());
  BOOST_TEST(slice.typed_features.dense.at("name").strings() == Strings({"name4", "name5", "name6", "name7"}),
             boost::test_tools::per_element());
}

// The error SliceBatch gives for BatchOfEveryKind(4) broken by `damage`;
// the slice it was given must come back as it was.
Status SliceError(const std::function<void(Batch*)>& damage, RowRange rows = {0, 2}) {
  Batch batch = BatchOfEveryKind(4);
  damage(&batch);
  Batch slice = BatchOfEveryKind(1);
  const Status status = SliceBatch(batch, rows, &slice);
  CheckSameBatch(slice, BatchOfEveryKind(1));
  return status;
}

void NoDamage(Batch*) {}

void CheckInvalid(const Status& status, const std::string& part) {
  BOOST_TEST_INFO(status.ToString());
  BOOST_TEST((status.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(Contains(status, part));
}

BOOST_AUTO_TEST_CASE(rows_outside_the_batch_are_invalid) {
  CheckInvalid(SliceError(NoDamage, {-1, 2}), "rows [-1, 2) are not a range within the 4 examples");
  CheckInvalid(SliceError(NoDamage, {2, 5}), "rows [2, 5) are not a range within the 4 examples");
  CheckInvalid(SliceError(NoDamage, {3, 2}), "rows [3, 2)");
}

BOOST_AUTO_TEST_CASE(a_malformed_batch_is_invalid_naming_what_was_expected) {
  CheckInvalid(SliceError([](Batch* b) { b->size = -1; }), "batch size -1 is negative");
  CheckInvalid(SliceError([](Batch* b) { b->features.pop_back(); }),
               "features hold 7 floats, expected 4 examples × 2 feature names");
  CheckInvalid(SliceError([](Batch* b) { b->labels.pop_back(); }), "labels hold 3 values, expected 4, one per example");
  CheckInvalid(SliceError([](Batch* b) { b->typed_features.batch_size = 3; }),
               "typed features have batch_size 3, expected 4");
  CheckInvalid(
      SliceError([](Batch* b) { b->typed_features.dense["id"] = Tensor::Zeros(DataType::kInt64, {3}).value(); }),
      "feature 'id' has shape [3], expected a first dim of 4");
  CheckInvalid(
      SliceError([](Batch* b) { b->typed_features.dense["id"] = Tensor::Zeros(DataType::kInt64, {}).value(); }),
      "feature 'id' has shape [], expected a first dim of 4");
  CheckInvalid(SliceError([](Batch* b) { b->typed_features.dense["id"].mutable_bytes()->pop_back(); }),
               "feature 'id' has shape [4], which needs 32 bytes of int64, but holds 31");
  CheckInvalid(SliceError([](Batch* b) { b->typed_features.dense["name"].mutable_strings()->pop_back(); }),
               "feature 'name' has shape [4], which needs 4 strings, but holds 3");
}

BOOST_AUTO_TEST_CASE(a_malformed_sparse_feature_is_invalid_naming_it) {
  CheckInvalid(SliceError([](Batch* b) {
                 b->typed_features.sparse["tags"].indices = Tensor::Zeros(DataType::kInt32, {3, 2}).value();
               }),
               "sparse feature 'tags': indices are int32 [3,2], expected int64 [N,2]");
  CheckInvalid(SliceError([](Batch* b) {
                 b->typed_features.sparse["tags"].indices = Tensor::Zeros(DataType::kInt64, {3}).value();
               }),
               "sparse feature 'tags': indices are int64 [3], expected int64 [N,2]");
  CheckInvalid(SliceError([](Batch* b) {
                 b->typed_features.sparse["tags"].values = Tensor::FromStrings({2}, {"a", "b"}).value();
               }),
               "sparse feature 'tags': values have shape [2], expected [3], one per index");
  CheckInvalid(
      SliceError([](Batch* b) {
        b->typed_features.sparse["tags"].dense_shape = Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {5, 2});
      }),
      "sparse feature 'tags': dense_shape is [5,2], expected [4, n >= 0]");
  CheckInvalid(SliceError([](Batch* b) {
                 b->typed_features.sparse["tags"].dense_shape = Tensor::Zeros(DataType::kInt32, {2}).value();
               }),
               "sparse feature 'tags': dense_shape is int32 [2], expected int64 [2]");
  CheckInvalid(SliceError([](Batch* b) {
                 b->typed_features.sparse["tags"].indices.mutable_flat<int64_t>()[3] = 2;  // entry 1: [2, 2]
               }),
               "sparse feature 'tags': entry 1 has index [2,2], outside dense_shape [4,2]");
  CheckInvalid(
      SliceError([](Batch* b) { b->typed_features.sparse["weights"].indices.mutable_flat<int64_t>()[0] = -1; }),
      "sparse feature 'weights': entry 0 has index [-1,0], outside dense_shape [4,1]");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::data
