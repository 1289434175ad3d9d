// SPDX-License-Identifier: Apache-2.0
// The elementwise kernels of elementwise.h, written once over a vector type.
// Included only by the ISA files (elementwise_avx2.cc, elementwise_avx512.cc),
// which instantiate them with their ISA's vector operations (simd_avx2.h,
// simd_avx512.h): the ops of gemm_kernel_impl.h's V, and Sub, Mul, Div,
// LoadUnaligned, StoreUnaligned, Rsqrt, SelectLess, Round, Pow2 and Mantissa.
// Nothing here calls a function that is not a template on V (see
// gemm_kernel.h).
#ifndef TFCOMPAT_SRC_KERNELS_ELEMENTWISE_IMPL_H_
#define TFCOMPAT_SRC_KERNELS_ELEMENTWISE_IMPL_H_

#include <cstddef>
#include <cstdint>

#include "kernels/elementwise_isa.h"

namespace tfcompat::kernels::elementwise_impl {

// One vector of the update, loaded and stored by `load` and `store`: whole
// vectors, or the masked last one.
template <class V, class Load, class Store>
[[gnu::always_inline]] inline void AdagradStep(const float* grad, float* accum, float* var, typename V::Vec lr,
                                               Load load, Store store) {
  const typename V::Vec g = load(grad);
  // Not fused: accum is rounded after the square, as in TF's kernel.
  const typename V::Vec a = V::Add(load(accum), V::Mul(g, g));
  store(accum, a);
  store(var, V::Sub(load(var), V::Mul(V::Mul(lr, g), V::Rsqrt(a))));
}

template <class V>
void Adagrad(size_t n, const float* grad, float* accum, float* var, float lr) {
  const typename V::Vec lr_vec = V::Broadcast(lr);
  size_t i = 0;
  for (; i + V::kLanes <= n; i += V::kLanes) {
    AdagradStep<V>(
        grad + i, accum + i, var + i, lr_vec, [](const float* p) { return V::LoadUnaligned(p); },
        [](float* p, typename V::Vec v) { V::StoreUnaligned(p, v); });
  }
  if (i < n) {
    const typename V::Mask mask = V::FirstLanes(static_cast<int>(n - i));
    AdagradStep<V>(
        grad + i, accum + i, var + i, lr_vec, [mask](const float* p) { return V::MaskedLoad(mask, p); },
        [mask](float* p, typename V::Vec v) { V::MaskedStore(p, mask, v); });
  }
}

// e^x for x <= 0 (softmax's logits less their maximum), within 2 ulp; 0
// below ln(FLT_MIN), where e^x would be a denormal (which some CPUs multiply
// by microcode, 100 cycles and more), NaN for NaN. x = n ln 2 + r with n
// integral, |r| <= ln(2) / 2, and e^x = 2^n e^r; e^r by the polynomial of
// Cephes' expf, r by ln 2 in two parts, the first with few enough bits that
// n times it is exact.
template <class V>
[[gnu::always_inline]] inline typename V::Vec ExpNonPositive(typename V::Vec x) {
  using Vec = typename V::Vec;
  // From here, n >= -126 and e^x >= FLT_MIN. max(lower, x): NaN stays NaN.
  const Vec lowest = V::Broadcast(-87.33f);
  const Vec clamped = V::Max(lowest, x);
  const Vec n = V::Round(V::Mul(clamped, V::Broadcast(1.44269504088896341f)));  // x / ln 2
  Vec r = V::MulAdd(n, V::Broadcast(-0.693359375f), clamped);
  r = V::MulAdd(n, V::Broadcast(2.12194440e-4f), r);
  Vec poly = V::Broadcast(1.9875691500e-4f);
  poly = V::MulAdd(poly, r, V::Broadcast(1.3981999507e-3f));
  poly = V::MulAdd(poly, r, V::Broadcast(8.3334519073e-3f));
  poly = V::MulAdd(poly, r, V::Broadcast(4.1665795894e-2f));
  poly = V::MulAdd(poly, r, V::Broadcast(1.6666665459e-1f));
  poly = V::MulAdd(poly, r, V::Broadcast(5.0000001201e-1f));
  const Vec e_r = V::Add(V::MulAdd(poly, V::Mul(r, r), r), V::Broadcast(1.0f));
  return V::SelectLess(x, lowest, V::Zero(), V::Mul(e_r, V::Pow2(n)));
}

// ln x for x >= 1 (a softmax's sum of exponentials), within 2 ulp; NaN for
// NaN or inf. x = m 2^e with m in [sqrt(1/2), sqrt(2)), and ln x = e ln 2 +
// ln(1 + f), f = m - 1; ln(1 + f) by the polynomial of Cephes' logf, ln 2 in
// two parts.
template <class V>
[[gnu::always_inline]] inline typename V::Vec LogAtLeastOne(typename V::Vec x) {
  using Vec = typename V::Vec;
  Vec e;
  Vec m = V::Mantissa(x, &e);  // in [1, 2)
  const Vec sqrt2 = V::Broadcast(1.41421356237f);
  e = V::SelectLess(m, sqrt2, e, V::Add(e, V::Broadcast(1.0f)));
  m = V::SelectLess(m, sqrt2, m, V::Mul(m, V::Broadcast(0.5f)));
  const Vec f = V::Sub(m, V::Broadcast(1.0f));
  const Vec f2 = V::Mul(f, f);
  Vec poly = V::Broadcast(7.0376836292e-2f);
  poly = V::MulAdd(poly, f, V::Broadcast(-1.1514610310e-1f));
  poly = V::MulAdd(poly, f, V::Broadcast(1.1676998740e-1f));
  poly = V::MulAdd(poly, f, V::Broadcast(-1.2420140846e-1f));
  poly = V::MulAdd(poly, f, V::Broadcast(1.4249322787e-1f));
  poly = V::MulAdd(poly, f, V::Broadcast(-1.6668057665e-1f));
  poly = V::MulAdd(poly, f, V::Broadcast(2.0000714765e-1f));
  poly = V::MulAdd(poly, f, V::Broadcast(-2.4999993993e-1f));
  poly = V::MulAdd(poly, f, V::Broadcast(3.3333331174e-1f));
  Vec y = V::Mul(V::Mul(poly, f), f2);
  y = V::MulAdd(e, V::Broadcast(-2.12194440e-4f), y);
  y = V::MulAdd(f2, V::Broadcast(-0.5f), y);
  const Vec log = V::MulAdd(e, V::Broadcast(0.693359375f), V::Add(f, y));
  // x - x: 0 for finite x, NaN for NaN and inf (whose bits the above misreads).
  return V::Add(log, V::Sub(x, x));
}

// Softmax of `lanes` rows (one vector), loaded and stored by `load` and
// `store`: whole vectors, or the masked last one.
template <class V, class Load, class Store>
[[gnu::always_inline]] inline void SoftmaxStep(int64_t rows, int64_t cols, const float* z, float* p, float* logsumexp,
                                               Load load, Store store) {
  using Vec = typename V::Vec;
  Vec max = load(z);
  // max(z, max): a NaN in z is dropped here, but its exponential is NaN.
  for (int64_t j = 1; j < cols; ++j) max = V::Max(load(z + j * rows), max);
  Vec sum = V::Zero();
  for (int64_t j = 0; j < cols; ++j) {
    const Vec e = ExpNonPositive<V>(V::Sub(load(z + j * rows), max));
    store(p + j * rows, e);
    sum = V::Add(sum, e);
  }
  for (int64_t j = 0; j < cols; ++j) store(p + j * rows, V::Div(load(p + j * rows), sum));
  store(logsumexp, V::Add(LogAtLeastOne<V>(sum), max));
}

template <class V>
void Softmax(int64_t rows, int64_t cols, const float* z, float* p, float* logsumexp) {
  int64_t b = 0;
  for (; b + V::kLanes <= rows; b += V::kLanes) {
    SoftmaxStep<V>(
        rows, cols, z + b, p + b, logsumexp + b, [](const float* q) { return V::LoadUnaligned(q); },
        [](float* q, typename V::Vec v) { V::StoreUnaligned(q, v); });
  }
  if (b < rows) {
    const typename V::Mask mask = V::FirstLanes(static_cast<int>(rows - b));
    SoftmaxStep<V>(
        rows, cols, z + b, p + b, logsumexp + b, [mask](const float* q) { return V::MaskedLoad(mask, q); },
        [mask](float* q, typename V::Vec v) { V::MaskedStore(q, mask, v); });
  }
}

template <class V>
constexpr ElementwiseKernels MakeKernels() {
  return {.adagrad = Adagrad<V>, .softmax = Softmax<V>};
}

}  // namespace tfcompat::kernels::elementwise_impl

#endif  // TFCOMPAT_SRC_KERNELS_ELEMENTWISE_IMPL_H_
