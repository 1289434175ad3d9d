// SPDX-License-Identifier: Apache-2.0
// The AVX2 elementwise kernels: built with -mavx2 -mfma, called only
// after elementwise.cc's CPU check.
#include "kernels/elementwise_impl.h"
#include "kernels/elementwise_isa.h"
#include "kernels/simd_avx2.h"

namespace tfcompat::kernels::elementwise_avx2 {

constinit const ElementwiseKernels kKernels = elementwise_impl::MakeKernels<simd_avx2::Vectors>();

}  // namespace tfcompat::kernels::elementwise_avx2
