// SPDX-License-Identifier: Apache-2.0
// The one place where the estimator meets Eigen's memory order.
//
// Every buffer outside Eigen is row-major: variables, as TensorFlow writes
// them ([in, out] for a dense kernel), batches of features and predictions
// ([batch, units]). Such buffers are seen only through the row-major
// MapMatrix/ConstMapMatrix views made here, and written only by
// CopyToRowMajor; no other code depends on a memory order.
//
// Activations ([batch, units], Matrix) are column-major, so that the batch is
// the long contiguous dimension of every product: Eigen's matrix kernel
// tiles the result's column-major rows by 48 (AVX-512), which a batch of 100
// fills and a layer of 10 units would not.
#ifndef TFCOMPAT_SRC_KERNELS_EIGEN_TYPES_H_
#define TFCOMPAT_SRC_KERNELS_EIGEN_TYPES_H_

#include <Eigen/Core>
#include <cstddef>
#include <span>
#include <vector>

namespace tfcompat {

// Activations: column-major.
using Matrix = Eigen::MatrixXf;
using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;
using MapMatrix = Eigen::Map<RowMajorMatrix>;
using ConstMapMatrix = Eigen::Map<const RowMajorMatrix>;
using MapRowVector = Eigen::Map<RowVector>;
using ConstMapRowVector = Eigen::Map<const RowVector>;
using MapArray = Eigen::Map<Eigen::ArrayXf>;
using ConstMapArray = Eigen::Map<const Eigen::ArrayXf>;

// `rows` x `cols` row-major view of span[offset, offset + rows * cols).
inline MapMatrix ViewMatrix(std::span<float> s, size_t offset, Eigen::Index rows, Eigen::Index cols) {
  return MapMatrix(s.data() + offset, rows, cols);
}
inline ConstMapMatrix ViewMatrix(std::span<const float> s, size_t offset, Eigen::Index rows, Eigen::Index cols) {
  return ConstMapMatrix(s.data() + offset, rows, cols);
}
inline MapMatrix ViewMatrix(float* data, Eigen::Index rows, Eigen::Index cols) { return MapMatrix(data, rows, cols); }
inline ConstMapMatrix ViewMatrix(const float* data, Eigen::Index rows, Eigen::Index cols) {
  return ConstMapMatrix(data, rows, cols);
}

// `out` = m, row-major.
inline void CopyToRowMajor(const Matrix& m, std::vector<float>* out) {
  out->resize(static_cast<size_t>(m.size()));
  MapMatrix(out->data(), m.rows(), m.cols()) = m;
}

inline MapArray ViewArray(std::span<float> s) { return MapArray(s.data(), static_cast<Eigen::Index>(s.size())); }
inline ConstMapArray ViewArray(std::span<const float> s) {
  return ConstMapArray(s.data(), static_cast<Eigen::Index>(s.size()));
}

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_KERNELS_EIGEN_TYPES_H_
