#include "estimator/gemm_avx512.h"

#include "estimator/gemm_kernel_impl.h"
#include "estimator/simd_avx512.h"

namespace tfcompat::estimator::gemm_avx512 {
namespace {

struct Avx512 : simd_avx512::Vectors {
  static constexpr int kMr = 14;
};

}  // namespace

constinit const gemm_kernel::PackedKernel kPackedKernel = gemm_kernel::MakePackedKernel<Avx512>("avx512");

}  // namespace tfcompat::estimator::gemm_avx512
