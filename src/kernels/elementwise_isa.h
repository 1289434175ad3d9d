// SPDX-License-Identifier: Apache-2.0
// The ISA-specific elementwise kernels behind elementwise.h: each set defined
// in the file named for its ISA and built with its flags, callable only where
// the CPU has that ISA (elementwise.cc checks). Every function has the
// contract of the elementwise.h function of the same name.
#ifndef TFCOMPAT_SRC_KERNELS_ELEMENTWISE_ISA_H_
#define TFCOMPAT_SRC_KERNELS_ELEMENTWISE_ISA_H_

#include <cstddef>
#include <cstdint>

namespace tfcompat::kernels {

struct ElementwiseKernels {
  void (*adagrad)(size_t n, const float* grad, float* accum, float* var, float lr);
  void (*softmax)(int64_t rows, int64_t cols, const float* z, float* p, float* logsumexp);
};

namespace elementwise_avx2 {
extern const ElementwiseKernels kKernels;
}  // namespace elementwise_avx2

namespace elementwise_avx512 {
extern const ElementwiseKernels kKernels;
}  // namespace elementwise_avx512

}  // namespace tfcompat::kernels

#endif  // TFCOMPAT_SRC_KERNELS_ELEMENTWISE_ISA_H_
