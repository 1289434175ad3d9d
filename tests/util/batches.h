// SPDX-License-Identifier: Apache-2.0
// A data::Batch with one feature of every kind a batch holds, for tests of
// what slices, copies or hashes batches whole.
#ifndef TFCOMPAT_TESTS_UTIL_BATCHES_H_
#define TFCOMPAT_TESTS_UTIL_BATCHES_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tfcompat/data/dataset.h"

namespace tfcompat::testing {

// `rows` examples; row i holds:
//   feature_names {"x", "y"}, features {i, 100 + i}, labels i % 3;
//   dense "id" int64 [B] 1000 + i, "name" string [B] "name<i>",
//         "pair" double [B, 2] {i + 0.5, -i}, "grid" int32 [B, 2, 2] 4i .. 4i + 3;
//   sparse "tags" string: i % 3 values "tag<i>.<k>" at [i, k];
//          "weights" float: one value i / 4 at [i, 0] for even i;
// each sparse dense_shape {B, its longest list}.
inline data::Batch BatchOfEveryKind(int64_t rows) {
  data::Batch batch;
  batch.feature_names = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"x", "y"});
  batch.size = rows;
  std::vector<int64_t> id, tag_index, weight_index;
  std::vector<std::string> name, tags;
  std::vector<double> pair;
  std::vector<int32_t> grid;
  std::vector<float> weights;
  int64_t longest_tags = 0;
  for (int64_t i = 0; i < rows; ++i) {
    const auto f = static_cast<float>(i);
    batch.features.insert(batch.features.end(), {f, 100.0f + f});
    batch.labels.push_back(static_cast<float>(i % 3));
    id.push_back(1000 + i);
    name.push_back("name" + std::to_string(i));
    pair.insert(pair.end(), {static_cast<double>(i) + 0.5, -static_cast<double>(i)});
    for (int32_t k = 0; k < 4; ++k) grid.push_back(static_cast<int32_t>(4 * i) + k);
    for (int64_t k = 0; k < i % 3; ++k) {
      tag_index.insert(tag_index.end(), {i, k});
      tags.push_back("tag" + std::to_string(i) + "." + std::to_string(k));
    }
    longest_tags = std::max(longest_tags, i % 3);
    if (i % 2 == 0) {
      weight_index.insert(weight_index.end(), {i, 0});
      weights.push_back(f / 4.0f);
    }
  }
  data::ParsedFeatures& typed = batch.typed_features;
  typed.batch_size = rows;
  typed.dense["id"] = Tensor::FromVector<int64_t>(DataType::kInt64, {rows}, id);
  typed.dense["name"] = Tensor::FromStrings({rows}, name).value();
  typed.dense["pair"] = Tensor::FromVector<double>(DataType::kDouble, {rows, 2}, pair);
  typed.dense["grid"] = Tensor::FromVector<int32_t>(DataType::kInt32, {rows, 2, 2}, grid);
  const auto num_tags = static_cast<int64_t>(tags.size()), num_weights = static_cast<int64_t>(weights.size());
  typed.sparse["tags"] = {.indices = Tensor::FromVector<int64_t>(DataType::kInt64, {num_tags, 2}, tag_index),
                          .values = Tensor::FromStrings({num_tags}, tags).value(),
                          .dense_shape = Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {rows, longest_tags})};
  typed.sparse["weights"] = {
      .indices = Tensor::FromVector<int64_t>(DataType::kInt64, {num_weights, 2}, weight_index),
      .values = Tensor::FromVector<float>(DataType::kFloat, {num_weights}, weights),
      .dense_shape = Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {rows, num_weights == 0 ? 0 : 1})};
  return batch;
}

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_BATCHES_H_
