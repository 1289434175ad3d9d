// Gemm()'s AVX2 + FMA packed kernel (gemm_kernel.h), built with that ISA's
// flags.
#include "estimator/gemm_kernel.h"
#include "estimator/gemm_kernel_impl.h"
#include "estimator/simd_avx2.h"

namespace tfcompat::estimator::gemm_avx2 {

constinit const gemm_kernel::PackedKernel kPackedKernel =
    gemm_kernel::MakePackedKernel<gemm_kernel::Tiling<simd_avx2::Vectors, 6>>("avx2");

}  // namespace tfcompat::estimator::gemm_avx2
