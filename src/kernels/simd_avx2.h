// SPDX-License-Identifier: Apache-2.0
// AVX2 + FMA vector operations for the estimator's ISA-specific kernels
// (gemm_kernel_impl.h, elementwise_impl.h): the struct V those templates take.
// Included only by files built with -mavx2 -mfma (*_avx2.cc): every
// definition of these inline functions, and of the templates instantiated
// with them, is then AVX2 code, and none can stand in for baseline code.
#ifndef TFCOMPAT_SRC_KERNELS_SIMD_AVX2_H_
#define TFCOMPAT_SRC_KERNELS_SIMD_AVX2_H_

#include <immintrin.h>

namespace tfcompat::kernels::simd_avx2 {

struct Vectors {
  using Vec = __m256;
  // The lanes as AVX2's masked moves take them (all bits of a lane set), and
  // their count: whole vectors take plain moves, since masked stores are
  // slow on some CPUs (microcoded on AMD's Zen 2).
  struct Mask {
    __m256i lanes;
    int count;
  };
  static constexpr int kLanes = 8;

  static Vec Zero() { return _mm256_setzero_ps(); }
  static Vec Broadcast(float x) { return _mm256_set1_ps(x); }
  static Vec Load(const float* p) { return _mm256_load_ps(p); }
  static void Store(float* p, Vec v) { _mm256_store_ps(p, v); }
  static Vec LoadUnaligned(const float* p) { return _mm256_loadu_ps(p); }
  static void StoreUnaligned(float* p, Vec v) { _mm256_storeu_ps(p, v); }
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
  static Vec Sub(Vec a, Vec b) { return _mm256_sub_ps(a, b); }
  static Vec Mul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
  static Vec Max(Vec a, Vec b) { return _mm256_max_ps(a, b); }
  static Vec Min(Vec a, Vec b) { return _mm256_min_ps(a, b); }
  static Vec MulAdd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec Div(Vec a, Vec b) { return _mm256_div_ps(a, b); }
  // Where a < b, if_less; elsewhere (NaN too), otherwise.
  static Vec SelectLess(Vec a, Vec b, Vec if_less, Vec otherwise) {
    return _mm256_blendv_ps(otherwise, if_less, _mm256_cmp_ps(a, b, _CMP_LT_OQ));
  }
  // To the nearest integer, ties to even.
  static Vec Round(Vec x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  // 2^n for an integer n in [-126, 127].
  static Vec Pow2(Vec n) {
    const __m256i biased = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(biased, 23));
  }
  // x = m 2^e for a positive normal x: returns m, in [1, 2), and sets e.
  static Vec Mantissa(Vec x, Vec* e) {
    const __m256i bits = _mm256_castps_si256(x);
    *e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
    return _mm256_castsi256_ps(
        _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f800000)));
  }
  static void Prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }

  // 1 / sqrt(x): the 12-bit estimate refined by a Newton step (within a few
  // ulp) where x is a positive normal float, exactly (a square root and a
  // division) elsewhere: 0 -> inf, inf -> 0, negative or NaN -> NaN.
  static Vec Rsqrt(Vec x) {
    const Vec y = _mm256_rsqrt_ps(x);
    const Vec half_x_y = _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), x), y);
    const Vec refined = _mm256_mul_ps(y, _mm256_fnmadd_ps(half_x_y, y, _mm256_set1_ps(1.5f)));
    const Vec normal = _mm256_and_ps(_mm256_cmp_ps(x, _mm256_set1_ps(0x1p-126f), _CMP_GE_OQ),
                                     _mm256_cmp_ps(x, _mm256_set1_ps(__builtin_inff()), _CMP_LT_OQ));
    if (_mm256_movemask_ps(normal) == 0xff) return refined;
    return _mm256_blendv_ps(_mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_sqrt_ps(x)), refined, normal);
  }

  // r[i] = row i of an 8 x 8 block -> r[c] = its column c. Two rounds of
  // in-lane unpacks and shuffles transpose the 4 x 4 blocks of each 128-bit
  // half; a round of half swaps puts the blocks in place.
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

}  // namespace tfcompat::kernels::simd_avx2

#endif  // TFCOMPAT_SRC_KERNELS_SIMD_AVX2_H_
