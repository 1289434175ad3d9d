// The one place where the estimator meets Eigen's memory order.
//
// Variables are stored row-major, as TensorFlow writes them ([in, out] for a
// dense kernel). Every matrix of the estimator is therefore a row-major
// Eigen matrix, and a variable is seen through MapMatrix/ConstMapMatrix; no
// other file converts between layouts. Activations are [batch, units]: one
// example per row.
#ifndef TFCOMPAT_SRC_ESTIMATOR_EIGEN_TYPES_H_
#define TFCOMPAT_SRC_ESTIMATOR_EIGEN_TYPES_H_

#include <Eigen/Core>
#include <cstddef>
#include <span>

namespace tfcompat::estimator {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;
using MapMatrix = Eigen::Map<Matrix>;
using ConstMapMatrix = Eigen::Map<const Matrix>;
using MapRowVector = Eigen::Map<RowVector>;
using ConstMapRowVector = Eigen::Map<const RowVector>;
using MapArray = Eigen::Map<Eigen::ArrayXf>;
using ConstMapArray = Eigen::Map<const Eigen::ArrayXf>;

// `rows` x `cols` row-major view of span[offset, offset + rows * cols).
inline MapMatrix ViewMatrix(std::span<float> s, size_t offset, Eigen::Index rows, Eigen::Index cols) {
  return MapMatrix(s.data() + offset, rows, cols);
}
inline ConstMapMatrix ViewMatrix(std::span<const float> s, size_t offset, Eigen::Index rows,
                                 Eigen::Index cols) {
  return ConstMapMatrix(s.data() + offset, rows, cols);
}
inline MapArray ViewArray(std::span<float> s) { return MapArray(s.data(), static_cast<Eigen::Index>(s.size())); }
inline ConstMapArray ViewArray(std::span<const float> s) {
  return ConstMapArray(s.data(), static_cast<Eigen::Index>(s.size()));
}

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_EIGEN_TYPES_H_
