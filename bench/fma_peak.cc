// SPDX-License-Identifier: Apache-2.0
#include "fma_peak.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "fma_round.h"

namespace tfcompat::bench {

// Defined in fma_peak_avx2.cc and fma_peak_avx512.cc, built with those ISAs.
float FmaChainsAvx2();
float FmaChainsAvx512();

namespace {

// SSE has no FMA: a multiply and an add, counted as one.
struct Sse {
  using Vec = __m128;
  static constexpr int kLanes = 4;
  static Vec Broadcast(float x) { return _mm_set1_ps(x); }
  static void StoreUnaligned(float* p, Vec v) { _mm_storeu_ps(p, v); }
  static Vec MulAdd(Vec a, Vec b, Vec c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
};

}  // namespace

BestAndMedian Summarize(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return {values.back(), values[values.size() / 2]};
}

double FmaRoundGflops(std::string_view kernel) {
  float (*chains)() = FmaChains<Sse>;
  int lanes = Sse::kLanes;
  if (kernel == "avx512") {
    chains = FmaChainsAvx512;
    lanes = 16;
  } else if (kernel == "avx2") {
    chains = FmaChainsAvx2;
    lanes = 8;
  }
  const auto start = std::chrono::steady_clock::now();
  const float sum = chains();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (sum == 42.0f) std::puts("");  // keeps the chains alive
  return 2.0 * lanes * kFmaChains * static_cast<double>(kFmaSteps) / seconds / 1e9;
}

BestAndMedian MeasureFmaPeak(std::string_view kernel, int rounds) {
  std::vector<double> gflops;
  for (int round = 0; round < rounds; ++round) gflops.push_back(FmaRoundGflops(kernel));
  return Summarize(std::move(gflops));
}

}  // namespace tfcompat::bench
