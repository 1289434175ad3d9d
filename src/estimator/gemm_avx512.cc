// Gemm()'s AVX-512 packed kernel (gemm_kernel.h), built with that ISA's
// flags.
#include "estimator/gemm_kernel.h"
#include "estimator/gemm_kernel_impl.h"
#include "estimator/simd_avx512.h"

namespace tfcompat::estimator::gemm_avx512 {

constinit const gemm_kernel::PackedKernel kPackedKernel =
    gemm_kernel::MakePackedKernel<gemm_kernel::Tiling<simd_avx512::Vectors, 14>>("avx512");

}  // namespace tfcompat::estimator::gemm_avx512
