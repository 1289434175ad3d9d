#include "estimator/gemm_avx512.h"

#include <immintrin.h>

#include "estimator/gemm_kernel_impl.h"

namespace tfcompat::estimator::gemm_avx512 {
namespace {

struct Avx512 {
  using Vec = __m512;
  using Mask = __mmask16;
  static constexpr int kLanes = 16;
  static constexpr int kMr = 14;

  static Vec Zero() { return _mm512_setzero_ps(); }
  static Vec Broadcast(float x) { return _mm512_set1_ps(x); }
  static Vec Load(const float* p) { return _mm512_load_ps(p); }
  static void Store(float* p, Vec v) { _mm512_store_ps(p, v); }
  static Mask FirstLanes(int n) { return static_cast<Mask>((1u << n) - 1u); }
  static Vec MaskedLoad(Mask mask, const float* p) { return _mm512_maskz_loadu_ps(mask, p); }
  static void MaskedStore(float* p, Mask mask, Vec v) { _mm512_mask_storeu_ps(p, mask, v); }
  static Vec Add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static Vec Max(Vec a, Vec b) { return _mm512_max_ps(a, b); }
  static Vec Min(Vec a, Vec b) { return _mm512_min_ps(a, b); }
  static Vec MulAdd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static void Prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }

  // Three rounds of in-lane unpacks and 128-bit lane shuffles (the usual
  // 4 x 4 x 4 scheme).
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

}  // namespace

constinit const gemm_kernel::PackedKernel kPackedKernel = gemm_kernel::MakePackedKernel<Avx512>("avx512");

}  // namespace tfcompat::estimator::gemm_avx512
