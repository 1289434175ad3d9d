// The AVX-512 packed kernel of Gemm(). Compiled with -mavx512f -mfma in a
// file of its own and called only after a run-time CPU check (gemm.cc).
#ifndef TFCOMPAT_SRC_ESTIMATOR_GEMM_AVX512_H_
#define TFCOMPAT_SRC_ESTIMATOR_GEMM_AVX512_H_

#include "estimator/gemm_kernel.h"

namespace tfcompat::estimator::gemm_avx512 {

// 14 x 32 tiles: 28 accumulators of the 32 vector registers, two for B, one
// for the broadcast of A. 28 independent chains cover the 4-cycle FMA
// latency on two FMA ports; per step, 28 FMAs against 16 loads. A step of a
// packed A micro-panel takes 16 floats (one vector).
extern const gemm_kernel::PackedKernel kPackedKernel;

}  // namespace tfcompat::estimator::gemm_avx512

#endif  // TFCOMPAT_SRC_ESTIMATOR_GEMM_AVX512_H_
