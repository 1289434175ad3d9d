// SPDX-License-Identifier: Apache-2.0
// AVX-512F vector operations for the estimator's ISA-specific kernels
// (gemm_kernel_impl.h, elementwise_impl.h): the struct V those templates take.
// Included only by files built with -mavx512f (*_avx512.cc): every definition
// of these inline functions, and of the templates instantiated with them, is
// then AVX-512 code, and none can stand in for baseline code.
#ifndef TFCOMPAT_SRC_KERNELS_SIMD_AVX512_H_
#define TFCOMPAT_SRC_KERNELS_SIMD_AVX512_H_

#include <immintrin.h>

namespace tfcompat::kernels::simd_avx512 {

struct Vectors {
  using Vec = __m512;
  using Mask = __mmask16;
  static constexpr int kLanes = 16;

  static Vec Zero() { return _mm512_setzero_ps(); }
  static Vec Broadcast(float x) { return _mm512_set1_ps(x); }
  static Vec Load(const float* p) { return _mm512_load_ps(p); }
  static void Store(float* p, Vec v) { _mm512_store_ps(p, v); }
  static Vec LoadUnaligned(const float* p) { return _mm512_loadu_ps(p); }
  static void StoreUnaligned(float* p, Vec v) { _mm512_storeu_ps(p, v); }
  static Mask FirstLanes(int n) { return static_cast<Mask>((1u << n) - 1u); }
  static Vec MaskedLoad(Mask mask, const float* p) { return _mm512_maskz_loadu_ps(mask, p); }
  static void MaskedStore(float* p, Mask mask, Vec v) { _mm512_mask_storeu_ps(p, mask, v); }
  static Vec Add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static Vec Sub(Vec a, Vec b) { return _mm512_sub_ps(a, b); }
  static Vec Mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
  static Vec Max(Vec a, Vec b) { return _mm512_max_ps(a, b); }
  static Vec Min(Vec a, Vec b) { return _mm512_min_ps(a, b); }
  static Vec MulAdd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec Div(Vec a, Vec b) { return _mm512_div_ps(a, b); }
  // Where a < b, if_less; elsewhere (NaN too), otherwise.
  static Vec SelectLess(Vec a, Vec b, Vec if_less, Vec otherwise) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_LT_OQ), otherwise, if_less);
  }
  // To the nearest integer, ties to even.
  static Vec Round(Vec x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  // 2^n for an integer n in [-126, 127].
  static Vec Pow2(Vec n) {
    const __m512i biased = _mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127));
    return _mm512_castsi512_ps(_mm512_slli_epi32(biased, 23));
  }
  // x = m 2^e for a positive normal x: returns m, in [1, 2), and sets e.
  static Vec Mantissa(Vec x, Vec* e) {
    const __m512i bits = _mm512_castps_si512(x);
    *e = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(127)));
    return _mm512_castsi512_ps(
        _mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi32(0x007fffff)), _mm512_set1_epi32(0x3f800000)));
  }
  static void Prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }

  // 1 / sqrt(x): the 14-bit estimate refined by a Newton step (within a few
  // ulp) where x is a positive normal float, exactly (a square root and a
  // division) elsewhere: 0 -> inf, inf -> 0, negative or NaN -> NaN.
  static Vec Rsqrt(Vec x) {
    const Vec y = _mm512_rsqrt14_ps(x);
    const Vec half_x_y = _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), x), y);
    const Vec refined = _mm512_mul_ps(y, _mm512_fnmadd_ps(half_x_y, y, _mm512_set1_ps(1.5f)));
    const Mask normal = _mm512_cmp_ps_mask(x, _mm512_set1_ps(0x1p-126f), _CMP_GE_OQ) &
                        _mm512_cmp_ps_mask(x, _mm512_set1_ps(__builtin_inff()), _CMP_LT_OQ);
    if (normal == 0xffff) return refined;
    return _mm512_mask_blend_ps(normal, _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_sqrt_ps(x)), refined);
  }

  // r[i] = row i of a 16 x 16 block -> r[c] = its column c. Three rounds of
  // in-lane unpacks and 128-bit lane shuffles (the usual 4 x 4 x 4 scheme).
  [[gnu::always_inline]] static void Transpose(Vec r[16]) {
    Vec t[16];
    for (int i = 0; i < 16; i += 2) {
      t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    // u[4g + q], 128-bit lane l: column 4l + q of rows 4g..4g+3.
    Vec u[16];
    for (int g = 0; g < 16; g += 4) {
      const __m512d t0 = _mm512_castps_pd(t[g]), t1 = _mm512_castps_pd(t[g + 1]);
      const __m512d t2 = _mm512_castps_pd(t[g + 2]), t3 = _mm512_castps_pd(t[g + 3]);
      u[g] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
      u[g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
      u[g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
      u[g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
    }
    // Column 4l + q takes lane l of u[q], u[4 + q], u[8 + q], u[12 + q]: a 4 x 4
    // transpose of 128-bit lanes, for each q.
    for (int q = 0; q < 4; ++q) {
      const Vec v0 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0x88);  // lanes 0, 2 of each
      const Vec v1 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0xdd);  // lanes 1, 3 of each
      const Vec w0 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0x88);
      const Vec w1 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0xdd);
      r[q] = _mm512_shuffle_f32x4(v0, w0, 0x88);
      r[4 + q] = _mm512_shuffle_f32x4(v1, w1, 0x88);
      r[8 + q] = _mm512_shuffle_f32x4(v0, w0, 0xdd);
      r[12 + q] = _mm512_shuffle_f32x4(v1, w1, 0xdd);
    }
  }
};

}  // namespace tfcompat::kernels::simd_avx512

#endif  // TFCOMPAT_SRC_KERNELS_SIMD_AVX512_H_
