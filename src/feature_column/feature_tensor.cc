// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/feature_column/feature_tensor.h"

#include <algorithm>
#include <string>
#include <utility>

namespace tfcompat::feature_column {

std::string IndexString(const Index2& index) {
  // Appended piecewise: GCC 12 warns (-Wrestrict, a false positive) on
  // "[" + std::to_string(...).
  std::string text = "[";
  text += std::to_string(index[0]);
  text += ", ";
  text += std::to_string(index[1]);
  text += "]";
  return text;
}

template <typename T>
FeatureTensor<T> FeatureTensor<T>::Dense(int64_t rows, int64_t cols, std::vector<T> values) {
  FeatureTensor tensor;
  tensor.shape = {rows, cols};
  tensor.values = std::move(values);
  return tensor;
}

template <typename T>
FeatureTensor<T> FeatureTensor<T>::Sparse(std::vector<Index2> indices, std::vector<T> values, Index2 dense_shape) {
  FeatureTensor tensor;
  tensor.sparse = true;
  tensor.shape = dense_shape;
  tensor.indices = std::move(indices);
  tensor.values = std::move(values);
  return tensor;
}

template <typename T>
FeatureTensor<T> FeatureTensor<T>::Ragged(const std::vector<std::vector<T>>& rows) {
  FeatureTensor tensor;
  tensor.sparse = true;
  int64_t longest = 0;
  for (size_t b = 0; b < rows.size(); ++b) {
    longest = std::max<int64_t>(longest, static_cast<int64_t>(rows[b].size()));
    for (size_t j = 0; j < rows[b].size(); ++j) {
      tensor.indices.push_back({static_cast<int64_t>(b), static_cast<int64_t>(j)});
      tensor.values.push_back(rows[b][j]);
    }
  }
  tensor.shape = {static_cast<int64_t>(rows.size()), longest};
  return tensor;
}

template <typename T>
Status FeatureTensor<T>::Validate(std::string_view what) const {
  const std::string prefix = "feature '" + std::string(what) + "': ";
  if (shape[0] < 0 || shape[1] < 0) {
    return InvalidArgumentError(prefix + "negative dense shape " + IndexString(shape));
  }
  if (!sparse) {
    // rows * cols without overflow: compared by division.
    const auto size = static_cast<int64_t>(values.size());
    if ((shape[1] == 0 && size != 0) || (shape[1] != 0 && (size % shape[1] != 0 || size / shape[1] != shape[0]))) {
      return InvalidArgumentError(prefix + "a dense tensor of shape " + IndexString(shape) + " holds " +
                                  std::to_string(values.size()) + " values");
    }
    return OkStatus();
  }
  if (indices.size() != values.size()) {
    return InvalidArgumentError(prefix + std::to_string(indices.size()) + " indices but " +
                                std::to_string(values.size()) + " values");
  }
  for (size_t i = 0; i < indices.size(); ++i) {
    const Index2& index = indices[i];
    if (index[0] < 0 || index[0] >= shape[0] || index[1] < 0 || index[1] >= shape[1]) {
      return InvalidArgumentError(prefix + "index " + IndexString(index) + " is out of bounds of dense shape " +
                                  IndexString(shape));
    }
    if (i > 0 && !(indices[i - 1] < index)) {
      return InvalidArgumentError(prefix + "index " + IndexString(index) + " is out of order (after " +
                                  IndexString(indices[i - 1]) + "); a SparseTensor's indices are row-major");
    }
  }
  return OkStatus();
}

template struct FeatureTensor<std::string>;
template struct FeatureTensor<int64_t>;
template struct FeatureTensor<float>;

}  // namespace tfcompat::feature_column
