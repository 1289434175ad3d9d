// SPDX-License-Identifier: Apache-2.0
// The tensors a feature column reads and the ids it gives, as TensorFlow
// holds them: every raw feature of a batch is a rank-2 tensor
// [batch_size, width], dense or sparse (a SparseTensor: row-major indices,
// one value each, and a dense shape), and a categorical column's output is a
// rank-2 SparseTensor of int64 ids.
//
// A dense feature marks a missing value the way TensorFlow's
// _to_sparse_input_and_drop_ignore_values does: "" for strings and -1 for
// integers are dropped before a categorical column looks at them (their cell
// index stays, so indices may skip columns), and a dense weight of 0 is
// dropped. A sparse feature is taken as it is.
//
// Usage:
//   FeatureMap features;
//   features["island"] = StringTensor::Dense(2, 1, {"Biscoe", "Dream"});
//   features["tags"] = StringTensor::Ragged({{"a", "b"}, {}});
//   features["age"] = FloatTensor::Dense(2, 1, {31.5f, 47.0f});
#ifndef TFCOMPAT_FEATURE_COLUMN_FEATURE_TENSOR_H_
#define TFCOMPAT_FEATURE_COLUMN_FEATURE_TENSOR_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tfcompat/base/status.h"

namespace tfcompat::feature_column {

// [row, column] of one value of a rank-2 SparseTensor.
using Index2 = std::array<int64_t, 2>;

// "[row, column]", for error messages.
std::string IndexString(const Index2& index);

// One raw feature of a batch: values of type T (std::string, int64_t or
// float) in a dense or sparse rank-2 tensor. Built by the factories; checked
// (Validate) by whatever reads it, so a malformed tensor is an error, never
// an out-of-bounds read.
template <typename T>
struct FeatureTensor {
  // Dense [rows, cols]: `values` row-major, rows * cols of them.
  static FeatureTensor Dense(int64_t rows, int64_t cols, std::vector<T> values);
  // Sparse: indices in row-major order without repeats, one value each,
  // every index inside `dense_shape`.
  static FeatureTensor Sparse(std::vector<Index2> indices, std::vector<T> values, Index2 dense_shape);
  // One list of values per example, as tf.ragged.constant(rows).to_sparse():
  // indices [b, j], dense shape [rows.size(), longest list].
  static FeatureTensor Ragged(const std::vector<std::vector<T>>& rows);

  // OK when the tensor is well formed; otherwise INVALID_ARGUMENT naming
  // `what` (the feature key) and the first bad index.
  Status Validate(std::string_view what) const;
  int64_t batch_size() const { return shape[0]; }

  bool sparse = false;
  Index2 shape = {0, 0};
  std::vector<Index2> indices;  // sparse only
  std::vector<T> values;
};

using StringTensor = FeatureTensor<std::string>;
using Int64Tensor = FeatureTensor<int64_t>;
using FloatTensor = FeatureTensor<float>;

// A raw feature of any of the three types, and a batch of them by key (the
// `features` dict of TensorFlow's input_fn).
using Feature = std::variant<StringTensor, Int64Tensor, FloatTensor>;
using FeatureMap = std::map<std::string, Feature, std::less<>>;

// A categorical column's output for a batch, TensorFlow's SparseTensor of
// ids: ids[i] sits at indices[i] (row-major order) of a [batch_size, n]
// tensor of shape dense_shape. `weights` is empty, or for a weighted column
// holds the weight of each id. An id may be negative (a vocabulary column's
// default_value -1, a negative identity input): the layers that use the ids
// drop those, as TensorFlow's embedding and linear layers do.
struct SparseIds {
  std::vector<Index2> indices;
  std::vector<int64_t> ids;
  std::vector<float> weights;
  Index2 dense_shape = {0, 0};
};

}  // namespace tfcompat::feature_column

#endif  // TFCOMPAT_FEATURE_COLUMN_FEATURE_TENSOR_H_
