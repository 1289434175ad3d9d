// SPDX-License-Identifier: Apache-2.0
// The features of a batch of examples by key, typed, as TensorFlow's input
// functions return them: a dense tensor [B, shape...] or a SparseTensor per
// key. tf.io.parse_example (example.h) and typed CSV columns
// (csv_columns.h) produce them; models with feature columns read them.
//
// Usage:
//   ParsedFeatures batch;  // two examples: tags ["a"] and []
//   batch.batch_size = 2;
//   batch.dense["age"] = Tensor::FromVector<float>(DataType::kFloat, {2, 1}, {31.5f, 47.0f});
//   TFCOMPAT_ASSIGN_OR_RETURN(Tensor tags, Tensor::FromStrings({1}, {"a"}));
//   batch.sparse["tags"] = SparseFeature{.indices = Tensor::FromVector<int64_t>(DataType::kInt64, {1, 2}, {0, 0}),
//                                        .values = std::move(tags),
//                                        .dense_shape = Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {2, 1})};
#ifndef TFCOMPAT_DATA_FEATURES_H_
#define TFCOMPAT_DATA_FEATURES_H_

#include <cstdint>
#include <map>
#include <string>

#include "tfcompat/checkpoint/tensor.h"

namespace tfcompat::data {

// tf.SparseTensor as parse_example returns it for a VarLenFeature: the
// values of example b at indices [b, 0], [b, 1], ... in order.
struct SparseFeature {
  Tensor indices;      // int64 [N, 2]
  Tensor values;       // dtype [N]
  Tensor dense_shape;  // int64 [2]: {B, the longest list (0 if none)}
};

// The features of one batch of B examples.
struct ParsedFeatures {
  int64_t batch_size = 0;
  std::map<std::string, Tensor> dense;          // fixed-length features: [B, shape...]
  std::map<std::string, SparseFeature> sparse;  // variable-length features
};

}  // namespace tfcompat::data

#endif  // TFCOMPAT_DATA_FEATURES_H_
