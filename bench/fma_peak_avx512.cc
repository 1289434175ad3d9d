// Built with -mavx512f; called only where Gemm() runs its AVX-512 kernel.
#include <immintrin.h>

#include "fma_round.h"

namespace tfcompat::bench {
namespace {

struct Avx512 {
  using Vec = __m512;
  static constexpr int kLanes = 16;
  static Vec Set(float x) { return _mm512_set1_ps(x); }
  static float First(Vec v) { return _mm512_cvtss_f32(v); }
  static Vec MulAdd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
};

}  // namespace

float FmaChainsAvx512() { return FmaChains<Avx512>(); }

}  // namespace tfcompat::bench
