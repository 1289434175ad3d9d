// SPDX-License-Identifier: Apache-2.0
#include "model/dense_layer.h"

#include "kernels/gemm.h"
#include "model/activation.h"

namespace tfcompat::model {
namespace {

using kernels::ConstStridedMatrix;
using kernels::Gemm;
using kernels::GemmActivation;
using kernels::GemmUsesPackedKernel;
using kernels::StridedMatrix;

// Views of the column-major activations, for Gemm().
ConstStridedMatrix View(const Matrix& m) { return {m.data(), 1, m.rows()}; }
StridedMatrix View(Matrix* m) { return {m->data(), 1, m->rows()}; }

// The activations Gemm() applies as it stores the product; the others are
// applied by ActivationForward afterwards.
GemmActivation Fused(Activation activation) {
  switch (activation) {
    case Activation::kRelu:
      return GemmActivation::kRelu;
    case Activation::kRelu6:
      return GemmActivation::kRelu6;
    default:
      return GemmActivation::kNone;
  }
}

}  // namespace

// Each product goes to Gemm() where its packed kernel runs, and otherwise
// (CPUs without AVX2, products with a single row or column) to Eigen
// directly, on the contiguous matrices: faster there than Eigen behind
// Gemm()'s views.

void DenseLayer::Forward(std::span<const float> params, const Matrix& x, Matrix* a) const {
  // a = f(x W + 1 b^T)   [B, in] x [in, out] -> [B, out]
  a->resize(x.rows(), out);
  if (GemmUsesPackedKernel(x.rows(), out, in)) {
    const GemmActivation fused = Fused(activation);
    Gemm(x.rows(), out, in, View(x), {params.data() + kernel_offset, out, 1}, View(a),
         {.bias = params.data() + bias_offset, .activation = fused});
    if (fused == GemmActivation::kNone) ActivationForward(activation, a);
    return;
  }
  a->noalias() = x * ViewMatrix(params, kernel_offset, in, out);
  a->rowwise() += ConstMapRowVector(params.data() + bias_offset, out);
  ActivationForward(activation, a);
}

void DenseLayer::Backward(std::span<const float> params, const Matrix& x, const Matrix& a, Matrix* grad,
                          std::span<float> grads, Matrix* dx) const {
  // dL/dz = dL/da * f'(z), elementwise.
  ActivationBackward(activation, a, grad);
  // z_bj = sum_i x_bi W_ij + b_j, so dL/dW_ij = sum_b x_bi dL/dz_bj:  dW = x^T dz  [in, out].
  if (GemmUsesPackedKernel(in, out, x.rows())) {
    Gemm(in, out, x.rows(), {x.data(), x.rows(), 1}, View(*grad), {grads.data() + kernel_offset, out, 1});
  } else {
    ViewMatrix(grads, kernel_offset, in, out).noalias() = x.transpose() * *grad;
  }
  // dL/db_j = sum_b dL/dz_bj: the column sums of dz.
  MapRowVector(grads.data() + bias_offset, out).noalias() = grad->colwise().sum();
  if (dx != nullptr) {
    // dL/dx_bi = sum_j dL/dz_bj W_ij:  dx = dz W^T  [B, in].
    dx->resize(x.rows(), in);
    if (GemmUsesPackedKernel(x.rows(), in, out)) {
      Gemm(x.rows(), in, out, View(*grad), {params.data() + kernel_offset, 1, out}, View(dx));
    } else {
      dx->noalias() = *grad * ViewMatrix(params, kernel_offset, in, out).transpose();
    }
  }
}

}  // namespace tfcompat::model
