// SPDX-License-Identifier: Apache-2.0
// A fully connected layer on views of the parameter block (tf.layers.dense).
//
// Shapes: x [B, in], kernel W [in, out] (row-major, as in the checkpoint),
// bias b [out], output a = f(x W + b) [B, out].
#ifndef TFCOMPAT_SRC_MODEL_DENSE_LAYER_H_
#define TFCOMPAT_SRC_MODEL_DENSE_LAYER_H_

#include <cstddef>
#include <span>

#include "kernels/eigen_types.h"
#include "tfcompat/model/model.h"

namespace tfcompat::model {

struct DenseLayer {
  size_t kernel_offset;  // into the parameter (and gradient) block
  size_t bias_offset;
  Eigen::Index in;
  Eigen::Index out;
  Activation activation;

  // a = f(x W + b); a is resized to [B, out].
  void Forward(std::span<const float> params, const Matrix& x, Matrix* a) const;

  // Given a (from Forward) and grad = dL/da, accumulates nothing: overwrites
  // dL/dW and dL/db in `grads`, turns grad into dL/dz, and writes dL/dx into
  // dx when dx is not null.
  void Backward(std::span<const float> params, const Matrix& x, const Matrix& a, Matrix* grad, std::span<float> grads,
                Matrix* dx) const;
};

}  // namespace tfcompat::model

#endif  // TFCOMPAT_SRC_MODEL_DENSE_LAYER_H_
