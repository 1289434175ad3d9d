#include "estimator/dense_layer.h"

#include "estimator/activation.h"

namespace tfcompat::estimator {

void DenseLayer::Forward(std::span<const float> params, const Matrix& x, Matrix* a) const {
  const ConstMapMatrix kernel = ViewMatrix(params, kernel_offset, in, out);
  const ConstMapRowVector bias(params.data() + bias_offset, out);
  // z = x W + 1 b^T   [B, in] x [in, out] -> [B, out]
  a->resize(x.rows(), out);
  a->noalias() = x * kernel;
  a->rowwise() += bias;
  ActivationForward(activation, a);
}

void DenseLayer::Backward(std::span<const float> params, const Matrix& x, const Matrix& a, Matrix* grad,
                          std::span<float> grads, Matrix* dx) const {
  // dL/dz = dL/da * f'(z), elementwise.
  ActivationBackward(activation, a, grad);
  // z_bj = sum_i x_bi W_ij + b_j, so dL/dW_ij = sum_b x_bi dL/dz_bj:  dW = x^T dz  [in, out].
  MapMatrix d_kernel = ViewMatrix(grads, kernel_offset, in, out);
  d_kernel.noalias() = x.transpose() * *grad;
  // dL/db_j = sum_b dL/dz_bj: the column sums of dz.
  MapRowVector(grads.data() + bias_offset, out).noalias() = grad->colwise().sum();
  if (dx != nullptr) {
    // dL/dx_bi = sum_j dL/dz_bj W_ij:  dx = dz W^T  [B, in].
    const ConstMapMatrix kernel = ViewMatrix(params, kernel_offset, in, out);
    dx->resize(x.rows(), in);
    dx->noalias() = *grad * kernel.transpose();
  }
}

}  // namespace tfcompat::estimator
