// The AVX2 elementwise kernels: built with -mavx2 -mfma, called only
// after elementwise.cc's CPU check.
#include "estimator/elementwise_impl.h"
#include "estimator/elementwise_isa.h"
#include "estimator/simd_avx2.h"

namespace tfcompat::estimator::elementwise_avx2 {

constinit const ElementwiseKernels kKernels = elementwise_impl::MakeKernels<simd_avx2::Vectors>();

}  // namespace tfcompat::estimator::elementwise_avx2
