#include "kernels/gemm_avx512.h"

#include <immintrin.h>

namespace tfcompat::kernels::gemm_avx512 {
namespace {

static_assert(kMr <= kPackedMr && kPackedMr == 16, "a step of an A micro-panel is one vector");
static_assert(kNr == 32, "the kernel holds a row of the tile in two vectors");

// The first n (0..16) lanes.
__mmask16 FirstLanes(int n) { return static_cast<__mmask16>((1u << n) - 1u); }

// r[i] = row i of a 16 x 16 block -> r[c] = its column c. Three rounds of
// in-lane unpacks and 128-bit lane shuffles (the usual 4 x 4 x 4 scheme).
__attribute__((always_inline)) inline void Transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  // u[4g + q], 128-bit lane l: column 4l + q of rows 4g..4g+3.
  __m512 u[16];
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
    const __m512 v0 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0x88);  // lanes 0, 2 of each
    const __m512 v1 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0xdd);  // lanes 1, 3 of each
    const __m512 w0 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0x88);
    const __m512 w1 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0xdd);
    r[q] = _mm512_shuffle_f32x4(v0, w0, 0x88);
    r[4 + q] = _mm512_shuffle_f32x4(v1, w1, 0x88);
    r[8 + q] = _mm512_shuffle_f32x4(v0, w0, 0xdd);
    r[12 + q] = _mm512_shuffle_f32x4(v1, w1, 0xdd);
  }
}

// Copies `lines` (<= 16) strided lines of `width` (<= 16) contiguous floats,
// line l at src + l * stride, transposed: the aligned vector at
// dst + c * dst_stride receives element c of every line (lines past `lines`
// are 0).
__attribute__((always_inline)) inline void TransposeBlock(const float* src, ptrdiff_t stride, int lines, int width,
                                                          float* dst, ptrdiff_t dst_stride) {
  __m512 r[16];
  const __mmask16 load = FirstLanes(width);
  for (int l = 0; l < 16; ++l) r[l] = l < lines ? _mm512_maskz_loadu_ps(load, src + l * stride) : _mm512_setzero_ps();
  Transpose16(r);
  for (int c = 0; c < width; ++c) _mm512_store_ps(dst + c * dst_stride, r[c]);
}

}  // namespace

void PackA(const float* a, ptrdiff_t row_stride, ptrdiff_t col_stride, int rows, int depth, float* packed) {
  const int panels = (rows + kMr - 1) / kMr;
  if (row_stride == 1) {
    // Step p of a panel is a piece of column p of A: read the column's
    // contiguous run for every panel before moving on to the next column.
    for (int p = 0; p < depth; ++p) {
      // The hardware does not foresee this stride; fetch 8 columns ahead.
      if (p + 8 < depth) {
        const char* ahead = reinterpret_cast<const char*>(a + (p + 8) * col_stride);
        for (int byte = 0; byte < rows * 4; byte += 64) _mm_prefetch(ahead + byte, _MM_HINT_T0);
      }
      for (int r = 0; r < panels; ++r) {
        const int valid = rows - r * kMr < kMr ? rows - r * kMr : kMr;
        const __m512 v = _mm512_maskz_loadu_ps(FirstLanes(valid), a + r * kMr + p * col_stride);
        _mm512_store_ps(packed + (r * depth + p) * kPackedMr, v);
      }
    }
  } else if (col_stride == 1) {
    // Rows of A are contiguous along the depth: transpose 16 steps at a time.
    for (int r = 0; r < panels; ++r) {
      const int valid = rows - r * kMr < kMr ? rows - r * kMr : kMr;
      for (int p = 0; p < depth; p += 16) {
        const int width = depth - p < 16 ? depth - p : 16;
        TransposeBlock(a + r * kMr * row_stride + p, row_stride, valid, width, packed + (r * depth + p) * kPackedMr,
                       kPackedMr);
      }
    }
  } else {
    for (int r = 0; r < panels; ++r) {
      for (int p = 0; p < depth; ++p) {
        for (int i = 0; i < kPackedMr; ++i) {
          const int row = r * kMr + i;
          packed[(r * depth + p) * kPackedMr + i] = i < kMr && row < rows ? a[row * row_stride + p * col_stride] : 0.0f;
        }
      }
    }
  }
}

void PackB(const float* b, ptrdiff_t row_stride, ptrdiff_t col_stride, int depth, int cols, float* packed) {
  // Columns are packed 16 at a time: the first or second half of a panel.
  const int halves = (cols + 15) / 16;
  const auto half_at = [&](int h, int p) { return packed + ((h / 2) * depth + p) * kNr + (h % 2) * 16; };
  if (col_stride == 1) {
    // Step p of a panel is a piece of row p of B: read the row's contiguous
    // run for every panel before moving on to the next row.
    for (int p = 0; p < depth; ++p) {
      for (int h = 0; h < halves; ++h) {
        const int valid = cols - h * 16 < 16 ? cols - h * 16 : 16;
        _mm512_store_ps(half_at(h, p), _mm512_maskz_loadu_ps(FirstLanes(valid), b + p * row_stride + h * 16));
      }
      if (halves % 2 == 1) _mm512_store_ps(half_at(halves, p), _mm512_setzero_ps());
    }
  } else if (row_stride == 1) {
    // Columns of B are contiguous along the depth: transpose 16 x 16 blocks.
    for (int h = 0; h < halves; ++h) {
      const int valid = cols - h * 16 < 16 ? cols - h * 16 : 16;
      for (int p = 0; p < depth; p += 16) {
        const int width = depth - p < 16 ? depth - p : 16;
        TransposeBlock(b + h * 16 * col_stride + p, col_stride, valid, width, half_at(h, p), kNr);
      }
    }
    if (halves % 2 == 1) {
      for (int p = 0; p < depth; ++p) _mm512_store_ps(half_at(halves, p), _mm512_setzero_ps());
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

namespace {

// The kernel for a tile of exactly kRows rows (1..kMr): the last row panel of
// a product whose rows are not a multiple of kMr runs only its own rows'
// FMAs (128 rows = 9 x 14 + 2 would otherwise pay 14 rows' work for those 2:
// 8% of the product).
template <int kRows>
void KernelRows(int depth, const float* packed_a, const float* packed_b, const Tile& tile) {
  // The tile of C is stored (and, for a later depth block, loaded) only at the
  // end: ask for its lines now, so that they arrive while the FMAs run.
  for (int i = 0; i < kRows; ++i) {
    const float* row = tile.c + i * tile.ldc;
    _mm_prefetch(reinterpret_cast<const char*>(row), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(row + tile.cols - 1), _MM_HINT_T0);
  }
  __m512 acc[kRows][2];
#pragma GCC unroll 16
  for (int i = 0; i < kRows; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  const float* a = packed_a;
  const float* b = packed_b;
  // Unrolled twice: fewer loop instructions between the FMAs (measured: +3%
  // on the MLP's dense layers; four times gains nothing more).
#pragma GCC unroll 2
  for (int p = 0; p < depth; ++p, a += kPackedMr, b += kNr) {
    const __m512 b0 = _mm512_load_ps(b);
    const __m512 b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 16
    for (int i = 0; i < kRows; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
  }

  // A copy of the tile's description: no store through a float* can change
  // a local, so its fields are read once rather than again after every store
  // of a row (measured: the epilogue ran ~300 cycles a call, 10% of a
  // 196-deep call; with the copy, +3-8% on the kernel alone).
  const Tile t = tile;
  const int cols_lo = t.cols < 16 ? t.cols : 16;
  const __mmask16 mask[2] = {FirstLanes(cols_lo), FirstLanes(t.cols - cols_lo)};
  const bool add_col_bias = t.col_bias != nullptr && !t.accumulate;
  const bool add_row_bias = t.row_bias != nullptr && !t.accumulate;
  __m512 col_bias[2] = {_mm512_setzero_ps(), _mm512_setzero_ps()};
  if (add_col_bias) {
    for (int v = 0; v < 2; ++v) col_bias[v] = _mm512_maskz_loadu_ps(mask[v], t.col_bias + 16 * v);
  }
  const __m512 lower = _mm512_set1_ps(t.lower), upper = _mm512_set1_ps(t.upper);
#pragma GCC unroll 16
  for (int i = 0; i < kRows; ++i) {
    float* row = t.c + i * t.ldc;
    for (int v = 0; v < 2; ++v) {
      __m512 x = acc[i][v];
      if (t.accumulate) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(mask[v], row + 16 * v));
      if (add_col_bias) x = _mm512_add_ps(x, col_bias[v]);
      if (add_row_bias) x = _mm512_add_ps(x, _mm512_set1_ps(t.row_bias[i]));
      // max(lower, x), not max(x, lower): a NaN in x stays NaN, as in Eigen's
      // (and std::max's) ReLU.
      if (t.clamp) x = _mm512_min_ps(upper, _mm512_max_ps(lower, x));
      _mm512_mask_storeu_ps(row + 16 * v, mask[v], x);
    }
  }
}

}  // namespace

void Kernel(int depth, const float* packed_a, const float* packed_b, const Tile& tile) {
  using RowKernel = void (*)(int, const float*, const float*, const Tile&);
  static constexpr RowKernel kByRows[kMr] = {
      KernelRows<1>, KernelRows<2>, KernelRows<3>,  KernelRows<4>,  KernelRows<5>,  KernelRows<6>,  KernelRows<7>,
      KernelRows<8>, KernelRows<9>, KernelRows<10>, KernelRows<11>, KernelRows<12>, KernelRows<13>, KernelRows<14>,
  };
  static_assert(kMr == 14, "one kernel per row count");
  kByRows[tile.rows - 1](depth, packed_a, packed_b, tile);
}

}  // namespace tfcompat::kernels::gemm_avx512
