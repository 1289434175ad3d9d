// Built with -mavx2 -mfma; called only where Gemm() runs its AVX2 kernel.
#include <immintrin.h>

#include "fma_round.h"

namespace tfcompat::bench {
namespace {

struct Avx2 {
  using Vec = __m256;
  static constexpr int kLanes = 8;
  static Vec Set(float x) { return _mm256_set1_ps(x); }
  static float First(Vec v) { return _mm256_cvtss_f32(v); }
  static Vec MulAdd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
};

}  // namespace

float FmaChainsAvx2() { return FmaChains<Avx2>(); }

}  // namespace tfcompat::bench
