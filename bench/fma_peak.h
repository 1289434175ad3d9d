// This core's peak single-precision FMA rate, measured, for benchmarks that
// report a fraction of it (train_bench, gemm_bench). Built with the
// estimator's ISA flags (tfcompat_estimator_simd), so it measures the widest
// vectors the estimator's code may use.
#ifndef TFCOMPAT_BENCH_FMA_PEAK_H_
#define TFCOMPAT_BENCH_FMA_PEAK_H_

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace tfcompat::bench {

// GFLOP/s (an FMA counts 2) of one short round (~0.3 ms) of 16 independent
// chains of vector FMAs (enough to cover the FMA latency on two ports), at
// the widest width this build targets.
// Not inlined: its loop is compiled the same, with the chains in registers,
// wherever it is called from.
[[gnu::noinline]] inline double FmaRoundGflops() {
#if defined(__AVX512F__)
  using Vec = __m512;
  constexpr int kLanes = 16;
  const auto fma = [](Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); };
  const auto set = [](float x) { return _mm512_set1_ps(x); };
  const auto first = [](Vec a) { return _mm512_cvtss_f32(a); };
#elif defined(__FMA__)
  using Vec = __m256;
  constexpr int kLanes = 8;
  const auto fma = [](Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); };
  const auto set = [](float x) { return _mm256_set1_ps(x); };
  const auto first = [](Vec a) { return _mm256_cvtss_f32(a); };
#else
  using Vec = __m128;  // SSE: a multiply and an add, counted as one FMA
  constexpr int kLanes = 4;
  const auto fma = [](Vec a, Vec b, Vec c) { return _mm_add_ps(_mm_mul_ps(a, b), c); };
  const auto set = [](float x) { return _mm_set1_ps(x); };
  const auto first = [](Vec a) { return _mm_cvtss_f32(a); };
#endif
  constexpr int kChains = 16;
  constexpr int64_t kIterations = 1 << 17;
  const Vec mul = set(0.999999f), add = set(1e-7f);
  Vec acc[kChains];  // in registers for the whole loop: every loop over it is unrolled
#pragma GCC unroll 16
  for (int c = 0; c < kChains; ++c) acc[c] = set(static_cast<float>(c));
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < kIterations; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < kChains; ++c) acc[c] = fma(acc[c], mul, add);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  float sink = 0;
#pragma GCC unroll 16
  for (int c = 0; c < kChains; ++c) sink += first(acc[c]);
  if (sink == 42.0f) std::puts("");  // keeps the chains alive
  return 2.0 * kLanes * kChains * static_cast<double>(kIterations) / seconds / 1e9;
}

// The best and the median of a set of measurements (rounds, passes): the
// best is what the machine can do undisturbed; the median is what another
// median compares with, since the machine's noise lowers both.
struct BestAndMedian {
  double best;
  double median;
};

inline BestAndMedian Summarize(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return {values.back(), values[values.size() / 2]};
}

// This core's FMA peak in GFLOP/s: `rounds` rounds of FmaRoundGflops(), short
// so that some run undisturbed on a shared machine.
inline BestAndMedian MeasureFmaPeak(int rounds = 200) {
  std::vector<double> gflops;
  for (int round = 0; round < rounds; ++round) gflops.push_back(FmaRoundGflops());
  return Summarize(std::move(gflops));
}

}  // namespace tfcompat::bench

#endif  // TFCOMPAT_BENCH_FMA_PEAK_H_
