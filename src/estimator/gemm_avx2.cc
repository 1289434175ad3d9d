#include "estimator/gemm_avx2.h"

#include "estimator/gemm_kernel_impl.h"
#include "estimator/simd_avx2.h"

namespace tfcompat::estimator::gemm_avx2 {
namespace {

struct Avx2 : simd_avx2::Vectors {
  static constexpr int kMr = 6;
};

}  // namespace

constinit const gemm_kernel::PackedKernel kPackedKernel = gemm_kernel::MakePackedKernel<Avx2>("avx2");

}  // namespace tfcompat::estimator::gemm_avx2
