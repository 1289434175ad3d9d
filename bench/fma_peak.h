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

namespace tfcompat::bench {

// GFLOP/s (an FMA counts 2) of 200 rounds of 16 independent chains of
// vector FMAs (enough to cover the FMA latency on two ports), at the widest
// width this build targets: the best round, and the median one. Short rounds,
// so that some run undisturbed on a shared machine; the median is what a
// measurement that is itself a median (of passes, of runs) compares with,
// since the machine's noise lowers both alike.
struct FmaPeak {
  double best_gflops;
  double median_gflops;
};

inline FmaPeak MeasureFmaPeak() {
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
  Vec acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = set(static_cast<float>(c));
  const Vec mul = set(0.999999f), add = set(1e-7f);
  constexpr int kRounds = 200;
  double seconds[kRounds];
  for (int round = 0; round < kRounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    Vec local[kChains];  // in registers for the whole loop
    for (int c = 0; c < kChains; ++c) local[c] = acc[c];
    for (int64_t i = 0; i < kIterations; ++i) {
      for (int c = 0; c < kChains; ++c) local[c] = fma(local[c], mul, add);
    }
    for (int c = 0; c < kChains; ++c) acc[c] = local[c];
    seconds[round] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  float sink = 0;
  for (int c = 0; c < kChains; ++c) sink += first(acc[c]);
  if (sink == 42.0f) std::puts("");  // keeps the chains alive
  std::sort(seconds, seconds + kRounds);
  const double flops = 2.0 * kLanes * kChains * static_cast<double>(kIterations);
  return {flops / seconds[0] / 1e9, flops / seconds[kRounds / 2] / 1e9};
}

}  // namespace tfcompat::bench

#endif  // TFCOMPAT_BENCH_FMA_PEAK_H_
