// SPDX-License-Identifier: Apache-2.0
// The packing routines and the register-blocked micro-kernel of Gemm(),
// written once over a vector type. Included only by the ISA files
// (gemm_avx2.cc, gemm_avx512.cc), each built with its ISA's flags, which
// instantiate MakePackedKernel<V>() with V = Tiling<that ISA's vector
// operations (simd_avx2.h, simd_avx512.h), its tile height>. V is used
// nowhere else, so every instantiation is built for V's ISA only: no code
// built for one ISA can be merged with another's, or with the baseline code
// of the library.
//
// V provides:
//   Vec, Mask                 a vector of kLanes floats; a set of its lanes
//   kLanes, kMr               lanes of Vec; rows of a tile (<= kLanes)
//   Zero(), Broadcast(x)      vectors
//   Load(p), Store(p, v)      whole vectors, p aligned to the vector
//   FirstLanes(n)             the mask of lanes [0, n), 0 <= n <= kLanes
//   MaskedLoad(mask, p)       p unaligned; lanes off the mask are 0 and their
//                             memory is not read
//   MaskedStore(p, mask, v)   p unaligned; memory off the mask is not written
//   Add(a, b), Max(a, b), Min(a, b), MulAdd(a, b, c) = a b + c
//   Transpose(r)              r[i] = row i of a kLanes x kLanes block -> r[c]
//                             = its column c
//   Prefetch(p)               into L1
// The kernel computes kMr x (2 kLanes) tiles (see gemm_kernel.h for the
// packed layouts): 2 kMr accumulators, two vectors of B and one broadcast of
// A must fit in the ISA's vector registers.
//
// Nothing here calls a function that is not a template on V (nor includes a
// header that would): see gemm_kernel.h.
#ifndef TFCOMPAT_SRC_KERNELS_GEMM_KERNEL_IMPL_H_
#define TFCOMPAT_SRC_KERNELS_GEMM_KERNEL_IMPL_H_

#include <cstddef>

#include "kernels/gemm_kernel.h"

namespace tfcompat::kernels::gemm_kernel {

// Copies `lines` (<= kLanes) strided lines of `width` (<= kLanes) contiguous
// floats, line l at src + l * stride, transposed: the aligned vector at
// dst + c * dst_stride receives element c of every line (lines past `lines`
// are 0).
template <class V>
[[gnu::always_inline]] inline void TransposeBlock(const float* src, ptrdiff_t stride, int lines, int width, float* dst,
                                                  ptrdiff_t dst_stride) {
  typename V::Vec r[V::kLanes];
  const typename V::Mask load = V::FirstLanes(width);
  for (int l = 0; l < V::kLanes; ++l) r[l] = l < lines ? V::MaskedLoad(load, src + l * stride) : V::Zero();
  V::Transpose(r);
  for (int c = 0; c < width; ++c) V::Store(dst + c * dst_stride, r[c]);
}

// PackedKernel::pack_a. A step of a micro-panel is one aligned vector
// (packed_mr = kLanes), so that packing stores never straddle cache lines.
template <class V>
void PackA(const float* a, ptrdiff_t row_stride, ptrdiff_t col_stride, int rows, int depth, float* packed) {
  constexpr int kMr = V::kMr, kStep = V::kLanes;
  const int panels = (rows + kMr - 1) / kMr;
  if (row_stride == 1) {
    // Step p of a panel is a piece of column p of A: read the column's
    // contiguous run for every panel before moving on to the next column.
    for (int p = 0; p < depth; ++p) {
      // The hardware does not foresee this stride; fetch 8 columns ahead.
      if (p + 8 < depth) {
        const char* ahead = reinterpret_cast<const char*>(a + (p + 8) * col_stride);
        for (int byte = 0; byte < rows * 4; byte += 64) V::Prefetch(ahead + byte);
      }
      for (int r = 0; r < panels; ++r) {
        const int valid = rows - r * kMr < kMr ? rows - r * kMr : kMr;
        V::Store(packed + (r * depth + p) * kStep, V::MaskedLoad(V::FirstLanes(valid), a + r * kMr + p * col_stride));
      }
    }
  } else if (col_stride == 1) {
    // Rows of A are contiguous along the depth: transpose kLanes steps at a time.
    for (int r = 0; r < panels; ++r) {
      const int valid = rows - r * kMr < kMr ? rows - r * kMr : kMr;
      for (int p = 0; p < depth; p += kStep) {
        const int width = depth - p < kStep ? depth - p : kStep;
        TransposeBlock<V>(a + r * kMr * row_stride + p, row_stride, valid, width, packed + (r * depth + p) * kStep,
                          kStep);
      }
    }
  } else {
    for (int r = 0; r < panels; ++r) {
      for (int p = 0; p < depth; ++p) {
        for (int i = 0; i < kStep; ++i) {
          const int row = r * kMr + i;
          packed[(r * depth + p) * kStep + i] = i < kMr && row < rows ? a[row * row_stride + p * col_stride] : 0.0f;
        }
      }
    }
  }
}

// PackedKernel::pack_b (nr = 2 kLanes).
template <class V>
void PackB(const float* b, ptrdiff_t row_stride, ptrdiff_t col_stride, int depth, int cols, float* packed) {
  constexpr int kL = V::kLanes, kNr = 2 * V::kLanes;
  // Columns are packed kLanes at a time: the first or second half of a panel.
  const int halves = (cols + kL - 1) / kL;
  const auto half_at = [&](int h, int p) { return packed + ((h / 2) * depth + p) * kNr + (h % 2) * kL; };
  if (col_stride == 1) {
    // Step p of a panel is a piece of row p of B: read the row's contiguous
    // run for every panel before moving on to the next row.
    for (int p = 0; p < depth; ++p) {
      for (int h = 0; h < halves; ++h) {
        const int valid = cols - h * kL < kL ? cols - h * kL : kL;
        V::Store(half_at(h, p), V::MaskedLoad(V::FirstLanes(valid), b + p * row_stride + h * kL));
      }
      if (halves % 2 == 1) V::Store(half_at(halves, p), V::Zero());
    }
  } else if (row_stride == 1) {
    // Columns of B are contiguous along the depth: transpose kLanes x kLanes blocks.
    for (int h = 0; h < halves; ++h) {
      const int valid = cols - h * kL < kL ? cols - h * kL : kL;
      for (int p = 0; p < depth; p += kL) {
        const int width = depth - p < kL ? depth - p : kL;
        TransposeBlock<V>(b + h * kL * col_stride + p, col_stride, valid, width, half_at(h, p), kNr);
      }
    }
    if (halves % 2 == 1) {
      for (int p = 0; p < depth; ++p) V::Store(half_at(halves, p), V::Zero());
    }
  } else {
    const int panels = (cols + kNr - 1) / kNr;
    for (int r = 0; r < panels; ++r) {
      for (int p = 0; p < depth; ++p) {
        for (int j = 0; j < kNr; ++j) {
          const int col = r * kNr + j;
          packed[(r * depth + p) * kNr + j] = col < cols ? b[p * row_stride + col * col_stride] : 0.0f;
        }
      }
    }
  }
}

// The kernel for a tile of exactly kRows rows (1..kMr) and at most kVectors
// vectors of columns (2; or 1 where the tile has at most kLanes columns). The
// last row panel of a product whose rows are not a multiple of kMr runs only
// its own rows' FMAs (in 14-row tiles, 128 rows = 9 x 14 + 2 would otherwise
// pay 14 rows' work for those 2: 8% of the product), and a product with at
// most kLanes columns (the MLP's 512 x 10 logits layer, dW) only half a
// tile's.
template <class V, int kRows, int kVectors>
void KernelRows(int depth, const float* packed_a, const float* packed_b, const Tile& tile) {
  constexpr int kL = V::kLanes;
  // The tile of C is stored (and, for a later depth block, loaded) only at the
  // end: ask for its lines now, so that they arrive while the FMAs run.
  for (int i = 0; i < kRows; ++i) {
    const float* row = tile.c + i * tile.ldc;
    V::Prefetch(row);
    V::Prefetch(row + tile.cols - 1);
  }
  typename V::Vec acc[kRows][kVectors];
#pragma GCC unroll 16
  for (int i = 0; i < kRows; ++i) {
    for (int v = 0; v < kVectors; ++v) acc[i][v] = V::Zero();
  }
  const float* a = packed_a;
  const float* b = packed_b;
  // Unrolled twice: fewer loop instructions between the FMAs (measured: +3%
  // on the MLP's dense layers with AVX-512; four times gains nothing more).
#pragma GCC unroll 2
  for (int p = 0; p < depth; ++p, a += kL, b += 2 * kL) {
    typename V::Vec bv[kVectors];
    for (int v = 0; v < kVectors; ++v) bv[v] = V::Load(b + kL * v);
#pragma GCC unroll 16
    for (int i = 0; i < kRows; ++i) {
      const typename V::Vec ai = V::Broadcast(a[i]);
      for (int v = 0; v < kVectors; ++v) acc[i][v] = V::MulAdd(ai, bv[v], acc[i][v]);
    }
  }

  // A copy of the tile's description: no store through a float* can change
  // a local, so its fields are read once rather than again after every store
  // of a row (measured: the epilogue ran ~300 cycles a call, 10% of a
  // 196-deep call; with the copy, +3-8% on the kernel alone).
  const Tile t = tile;
  const int cols_lo = t.cols < kL ? t.cols : kL;
  const typename V::Mask mask[2] = {V::FirstLanes(cols_lo), V::FirstLanes(t.cols - cols_lo)};
  const bool add_col_bias = t.col_bias != nullptr && !t.accumulate;
  const bool add_row_bias = t.row_bias != nullptr && !t.accumulate;
  typename V::Vec col_bias[kVectors];
  for (int v = 0; v < kVectors; ++v)
    col_bias[v] = add_col_bias ? V::MaskedLoad(mask[v], t.col_bias + kL * v) : V::Zero();
  const typename V::Vec lower = V::Broadcast(t.lower), upper = V::Broadcast(t.upper);
#pragma GCC unroll 16
  for (int i = 0; i < kRows; ++i) {
    float* row = t.c + i * t.ldc;
    for (int v = 0; v < kVectors; ++v) {
      typename V::Vec x = acc[i][v];
      if (t.accumulate) x = V::Add(x, V::MaskedLoad(mask[v], row + kL * v));
      if (add_col_bias) x = V::Add(x, col_bias[v]);
      if (add_row_bias) x = V::Add(x, V::Broadcast(t.row_bias[i]));
      // max(lower, x), not max(x, lower): a NaN in x stays NaN, as in Eigen's
      // (and std::max's) ReLU.
      if (t.clamp) x = V::Min(upper, V::Max(lower, x));
      V::MaskedStore(row + kL * v, mask[v], x);
    }
  }
}

using RowKernel = void (*)(int depth, const float* packed_a, const float* packed_b, const Tile& tile);

// by_shape[vectors - 1][rows - 1]: KernelRows<V, rows, vectors>.
template <class V>
struct RowKernels {
  RowKernel by_shape[2][V::kMr];
};

template <class V, int kRows = V::kMr>
constexpr void FillRowKernels(RowKernels<V>* kernels) {
  kernels->by_shape[0][kRows - 1] = KernelRows<V, kRows, 1>;
  kernels->by_shape[1][kRows - 1] = KernelRows<V, kRows, 2>;
  if constexpr (kRows > 1) FillRowKernels<V, kRows - 1>(kernels);
}

template <class V>
constexpr RowKernels<V> MakeRowKernels() {
  RowKernels<V> kernels{};
  FillRowKernels<V>(&kernels);
  return kernels;
}

// PackedKernel::kernel: the kernel of the tile's shape.
template <class V>
void Kernel(int depth, const float* packed_a, const float* packed_b, const Tile& tile) {
  static constexpr RowKernels<V> kKernels = MakeRowKernels<V>();
  kKernels.by_shape[tile.cols > V::kLanes][tile.rows - 1](depth, packed_a, packed_b, tile);
}

template <class V>
constexpr PackedKernel MakePackedKernel(const char* name) {
  static_assert(V::kMr <= V::kLanes, "a step of an A micro-panel is one vector");
  return {.name = name,
          .mr = V::kMr,
          .nr = 2 * V::kLanes,
          .packed_mr = V::kLanes,
          .pack_a = PackA<V>,
          .pack_b = PackB<V>,
          .kernel = Kernel<V>};
}

}  // namespace tfcompat::kernels::gemm_kernel

#endif  // TFCOMPAT_SRC_KERNELS_GEMM_KERNEL_IMPL_H_
