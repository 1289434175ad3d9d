// SPDX-License-Identifier: Apache-2.0
// Gemm()'s AVX2 + FMA packed kernel (gemm_kernel.h), built with that ISA's
// flags.
#include "kernels/gemm_kernel.h"
#include "kernels/gemm_kernel_impl.h"
#include "kernels/simd_avx2.h"

namespace tfcompat::kernels::gemm_avx2 {

constinit const gemm_kernel::PackedKernel kPackedKernel =
    gemm_kernel::MakePackedKernel<gemm_kernel::Tiling<simd_avx2::Vectors, 6>>("avx2");

}  // namespace tfcompat::kernels::gemm_avx2
