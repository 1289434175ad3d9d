// The AVX2 + FMA packed kernel of Gemm(), for x86-64 CPUs without AVX-512.
// Compiled with -mavx2 -mfma in a file of its own and called only after a
// run-time CPU check (gemm.cc).
#ifndef TFCOMPAT_SRC_ESTIMATOR_GEMM_AVX2_H_
#define TFCOMPAT_SRC_ESTIMATOR_GEMM_AVX2_H_

#include "estimator/gemm_kernel.h"

namespace tfcompat::estimator::gemm_avx2 {

// 6 x 16 tiles: 12 accumulators of the 16 vector registers, two for B, one
// for the broadcast of A. 12 independent chains cover the 4-5 cycle FMA
// latency on two FMA ports; per step, 12 FMAs against 8 loads. A step of a
// packed A micro-panel takes 8 floats (one vector; the last 2 are 0).
extern const gemm_kernel::PackedKernel kPackedKernel;

}  // namespace tfcompat::estimator::gemm_avx2

#endif  // TFCOMPAT_SRC_ESTIMATOR_GEMM_AVX2_H_
