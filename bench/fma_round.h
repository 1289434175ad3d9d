// SPDX-License-Identifier: Apache-2.0
// The FMA chains of fma_peak.h, written once over a vector type. Included
// only by fma_peak.cc, fma_peak_avx2.cc and fma_peak_avx512.cc, each with its
// own ISA flags and its own V (the library's simd_avx2.h and simd_avx512.h,
// and an SSE one) providing:
//   Vec, kLanes             a vector of kLanes floats
//   Broadcast(x)            a vector of x
//   StoreUnaligned(p, v)    p[0, kLanes) = v
//   MulAdd(a, b, c)         a b + c
// Nothing here calls a function that is not a template on V: the timing is
// done by fma_peak.cc, built for the baseline ISA.
#ifndef TFCOMPAT_BENCH_FMA_ROUND_H_
#define TFCOMPAT_BENCH_FMA_ROUND_H_

#include <cstdint>

namespace tfcompat::bench {

inline constexpr int kFmaChains = 16;
inline constexpr int64_t kFmaSteps = 1 << 17;

// kFmaSteps steps of kFmaChains independent chains of vector FMAs; returns a
// sum of the chains, for the caller to keep them alive. Not inlined: its loop
// is compiled the same, with the chains in registers, wherever it is called
// from.
template <class V>
[[gnu::noinline]] float FmaChains() {
  const typename V::Vec mul = V::Broadcast(0.999999f), add = V::Broadcast(1e-7f);
  typename V::Vec acc[kFmaChains];  // in registers for the whole loop: every loop over it is unrolled
#pragma GCC unroll 16
  for (int c = 0; c < kFmaChains; ++c) acc[c] = V::Broadcast(static_cast<float>(c));
  for (int64_t i = 0; i < kFmaSteps; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < kFmaChains; ++c) acc[c] = V::MulAdd(acc[c], mul, add);
  }
  float sum = 0;
  float lanes[V::kLanes];
  for (int c = 0; c < kFmaChains; ++c) {
    V::StoreUnaligned(lanes, acc[c]);
    sum += lanes[0];
  }
  return sum;
}

}  // namespace tfcompat::bench

#endif  // TFCOMPAT_BENCH_FMA_ROUND_H_
