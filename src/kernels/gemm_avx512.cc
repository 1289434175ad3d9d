// SPDX-License-Identifier: Apache-2.0
// Gemm()'s AVX-512 packed kernel (gemm_kernel.h), built with that ISA's
// flags.
#include "kernels/gemm_kernel.h"
#include "kernels/gemm_kernel_impl.h"
#include "kernels/simd_avx512.h"

namespace tfcompat::kernels::gemm_avx512 {

constinit const gemm_kernel::PackedKernel kPackedKernel =
    gemm_kernel::MakePackedKernel<gemm_kernel::Tiling<simd_avx512::Vectors, 14>>("avx512");

}  // namespace tfcompat::kernels::gemm_avx512
