// The AVX-512 elementwise kernels: built with -mavx512f, called only
// after elementwise.cc's CPU check.
#include "estimator/elementwise_impl.h"
#include "estimator/elementwise_isa.h"
#include "estimator/simd_avx512.h"

namespace tfcompat::estimator::elementwise_avx512 {

constinit const ElementwiseKernels kKernels = elementwise_impl::MakeKernels<simd_avx512::Vectors>();

}  // namespace tfcompat::estimator::elementwise_avx512
