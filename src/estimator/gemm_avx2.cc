#include "estimator/gemm_avx2.h"

#include <immintrin.h>

#include "estimator/gemm_kernel_impl.h"

namespace tfcompat::estimator::gemm_avx2 {
namespace {

struct Avx2 {
  using Vec = __m256;
  // The lanes as AVX2's masked moves take them (all bits of a lane set), and
  // their count: whole vectors take plain moves, since masked stores are
  // slow on some CPUs (microcoded on AMD's Zen 2).
  struct Mask {
    __m256i lanes;
    int count;
  };
  static constexpr int kLanes = 8;
  static constexpr int kMr = 6;

  static Vec Zero() { return _mm256_setzero_ps(); }
  static Vec Broadcast(float x) { return _mm256_set1_ps(x); }
  static Vec Load(const float* p) { return _mm256_load_ps(p); }
  static void Store(float* p, Vec v) { _mm256_store_ps(p, v); }
  static Mask FirstLanes(int n) {
    return {_mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)), n};
  }
  static Vec MaskedLoad(Mask mask, const float* p) {
    return mask.count == kLanes ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask.lanes);
  }
  static void MaskedStore(float* p, Mask mask, Vec v) {
    if (mask.count == kLanes) {
      _mm256_storeu_ps(p, v);
    } else if (mask.count > 0) {
      _mm256_maskstore_ps(p, mask.lanes, v);
    }
  }
  static Vec Add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static Vec Max(Vec a, Vec b) { return _mm256_max_ps(a, b); }
  static Vec Min(Vec a, Vec b) { return _mm256_min_ps(a, b); }
  static Vec MulAdd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static void Prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }

  // Two rounds of in-lane unpacks and shuffles transpose the 4 x 4 blocks of
  // each 128-bit half; a round of half swaps puts the blocks in place.
  [[gnu::always_inline]] static void Transpose(Vec r[8]) {
    Vec t[8];
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    // u[g + q] (g = 0, 4), half h: column 4h + q of rows g..g+3.
    Vec u[8];
    for (int g = 0; g < 8; g += 4) {
      u[g] = _mm256_shuffle_ps(t[g], t[g + 2], 0x44);
      u[g + 1] = _mm256_shuffle_ps(t[g], t[g + 2], 0xee);
      u[g + 2] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0x44);
      u[g + 3] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0xee);
    }
    for (int q = 0; q < 4; ++q) {
      r[q] = _mm256_permute2f128_ps(u[q], u[4 + q], 0x20);      // low halves: column q
      r[4 + q] = _mm256_permute2f128_ps(u[q], u[4 + q], 0x31);  // high halves: column 4 + q
    }
  }
};

}  // namespace

constinit const gemm_kernel::PackedKernel kPackedKernel = gemm_kernel::MakePackedKernel<Avx2>("avx2");

}  // namespace tfcompat::estimator::gemm_avx2
