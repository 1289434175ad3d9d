// SPDX-License-Identifier: Apache-2.0
// The AVX-512 elementwise kernels: built with -mavx512f, called only
// after elementwise.cc's CPU check.
#include "kernels/elementwise_impl.h"
#include "kernels/elementwise_isa.h"
#include "kernels/simd_avx512.h"

namespace tfcompat::kernels::elementwise_avx512 {

constinit const ElementwiseKernels kKernels = elementwise_impl::MakeKernels<simd_avx512::Vectors>();

}  // namespace tfcompat::kernels::elementwise_avx512
