// SPDX-License-Identifier: Apache-2.0
// Built with -mavx2 -mfma; called only where Gemm() runs its AVX2 kernel.
#include "fma_round.h"
#include "kernels/simd_avx2.h"

namespace tfcompat::bench {

float FmaChainsAvx2() { return FmaChains<kernels::simd_avx2::Vectors>(); }

}  // namespace tfcompat::bench
