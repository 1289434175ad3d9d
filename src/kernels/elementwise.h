// SPDX-License-Identifier: Apache-2.0
// Elementwise kernels of the training step, each with AVX2 and AVX-512
// variants (elementwise_avx2.cc, elementwise_avx512.cc: their own ISA flags,
// one template source, elementwise_impl.h) chosen at run time, and an Eigen
// one for other CPUs. The library is built for baseline x86-64 (SSE2) unless
// TFCOMPAT_NATIVE_ARCH is on, and its Eigen code then uses 4-lane vectors;
// where that showed (the MLP's optimizer update, the Iris head's softmax:
// Eigen's exp() for SSE2 took 9 times as long as for AVX-512), these run at
// the CPU's own width.
#ifndef TFCOMPAT_SRC_KERNELS_ELEMENTWISE_H_
#define TFCOMPAT_SRC_KERNELS_ELEMENTWISE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tfcompat::kernels {

// TF's ApplyAdagrad over elements [0, n):
//   accum += grad^2
//   var   -= lr * grad * rsqrt(accum)
// rsqrt within a few ulp (as Eigen's, which TF uses: an estimate refined by
// a Newton step), exact for 0, inf and NaN.
void AdagradUpdate(size_t n, const float* grad, float* accum, float* var, float lr);

// Softmax of each row of z [rows, cols] (column-major, cols >= 1), into p
// (the same layout; it may be z); logsumexp[rows] receives each row's
// log(sum_j exp(z_bj)). With m_b = max_j z_bj and s_b = sum_j exp(z_bj - m_b):
//   p_bj = exp(z_bj - m_b) / s_b,   logsumexp_b = log(s_b) + m_b.
// exp and log within a few ulp of the exact values, except that an
// exponential below FLT_MIN (a probability below 1e-38) may be 0; a NaN or
// inf in a row makes all of that row NaN.
void Softmax(int64_t rows, int64_t cols, const float* z, float* p, float* logsumexp);

namespace elementwise_internal {

using AdagradFunction = void (*)(size_t n, const float* grad, float* accum, float* var, float lr);
using SoftmaxFunction = void (*)(int64_t rows, int64_t cols, const float* z, float* p, float* logsumexp);

struct Implementation {
  std::string_view name;
  AdagradFunction adagrad;
  SoftmaxFunction softmax;
};

// Each implementation this CPU runs: "eigen"; "avx2" and "avx512" where the
// CPU has them; "dispatch" (what AdagradUpdate() and Softmax() run). Tests
// run one suite against each.
std::vector<Implementation> AvailableImplementations();

// Makes the kernels run implementation `name` ("avx512", "avx2" or "eigen")
// rather than the widest the CPU has. Returns false, changing nothing, for one
// this CPU does not run. For benchmarks; not while another thread may be
// running a kernel.
bool SelectImplementation(std::string_view name);

}  // namespace elementwise_internal
}  // namespace tfcompat::kernels

#endif  // TFCOMPAT_SRC_KERNELS_ELEMENTWISE_H_
