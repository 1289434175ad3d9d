// SPDX-License-Identifier: Apache-2.0
// Built with -mavx512f; called only where Gemm() runs its AVX-512 kernel.
#include "fma_round.h"
#include "kernels/simd_avx512.h"

namespace tfcompat::bench {

float FmaChainsAvx512() { return FmaChains<kernels::simd_avx512::Vectors>(); }

}  // namespace tfcompat::bench
