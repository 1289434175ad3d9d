// SPDX-License-Identifier: Apache-2.0
// What Gemm()'s blocked driver (gemm.cc) needs from a packed micro-kernel:
// its tile size, its two packing routines and the kernel itself. Each ISA
// file (gemm_avx2.cc, gemm_avx512.cc) provides one PackedKernel, compiled
// with that ISA's flags; the driver around them (blocking, threading) is
// compiled once, for the baseline ISA, and reaches a kernel only through
// these pointers, after checking the CPU.
//
// Packed layouts, for a block of depth kc:
//   A micro-panel (mr rows):    a[p * packed_mr + i] = A(i, p), rows past the
//                               edge (and the lanes past mr) 0
//   B micro-panel (nr columns): b[p * nr + j] = B(p, j), columns past the edge 0
// so that step p of the kernel reads mr floats of A (broadcast, one at a time)
// and nr consecutive floats of B (whole vector loads).
//
// This header defines no function: the ISA files include it, and an inline
// function built with their flags could be the copy the linker keeps for the
// whole library. (Tiling adds a constant to the struct it extends.)
#ifndef TFCOMPAT_SRC_KERNELS_GEMM_KERNEL_H_
#define TFCOMPAT_SRC_KERNELS_GEMM_KERNEL_H_

#include <cstddef>

namespace tfcompat::kernels::gemm_kernel {

// Where and how an mr x nr tile of the product is stored: only its first
// `rows` rows and `cols` columns exist in C (row-major, leading dimension ldc).
struct Tile {
  float* c;
  ptrdiff_t ldc;
  int rows;
  int cols;
  bool accumulate;        // C += product (a later block of the depth), else C = product
  const float* row_bias;  // [rows], added when !accumulate; or null
  const float* col_bias;  // [cols], added when !accumulate; or null
  bool clamp;             // then C = min(max(C, lower), upper), as the last block is stored
  float lower;
  float upper;
};

struct PackedKernel {
  const char* name;  // the ISA: "avx2", "avx512"
  int mr;            // rows of a tile
  int nr;            // columns of a tile
  int packed_mr;     // floats per step of a packed A micro-panel (>= mr: one aligned vector)

  // Packs rows [0, rows) and depth [0, depth) of A, whose element (i, p) is
  // a[i * row_stride + p * col_stride], as ceil(rows / mr) micro-panels, one
  // after the other (packed_mr * depth floats each). `packed` must be 64-byte
  // aligned.
  void (*pack_a)(const float* a, ptrdiff_t row_stride, ptrdiff_t col_stride, int rows, int depth, float* packed);

  // Packs depth [0, depth) and columns [0, cols) of B, whose element (p, j) is
  // b[p * row_stride + j * col_stride], as ceil(cols / nr) micro-panels, one
  // after the other (nr * depth floats each). `packed` must be 64-byte aligned.
  void (*pack_b)(const float* b, ptrdiff_t row_stride, ptrdiff_t col_stride, int depth, int cols, float* packed);

  // tile = packed_a (mr x depth) * packed_b (depth x nr), stored as `tile`
  // says; only the tile's rows (1 ... mr) are computed.
  void (*kernel)(int depth, const float* packed_a, const float* packed_b, const Tile& tile);
};

// Extends a struct of vector operations (simd_avx2.h, simd_avx512.h) with
// the height of the tiles the kernel computes on them; see
// gemm_kernel_impl.h.
template <class Vectors, int kTileRows>
struct Tiling : Vectors {
  static constexpr int kMr = kTileRows;
};

}  // namespace tfcompat::kernels::gemm_kernel

namespace tfcompat::kernels {

// The kernels, each defined in the file named for its ISA (built with that
// ISA's flags) and callable only where the CPU has that ISA.
namespace gemm_avx2 {
// AVX2 + FMA, 6 x 16 tiles: 12 accumulators of the 16 vector registers, two
// for B, one for the broadcast of A. 12 independent chains cover the 4-5
// cycle FMA latency on two FMA ports; per step, 12 FMAs against 8 loads. A
// step of a packed A micro-panel takes 8 floats (one vector; the last 2 are
// 0).
extern const gemm_kernel::PackedKernel kPackedKernel;
}  // namespace gemm_avx2

namespace gemm_avx512 {
// AVX-512F, 14 x 32 tiles: 28 accumulators of the 32 vector registers, two
// for B, one for the broadcast of A. 28 independent chains cover the 4-cycle
// FMA latency on two FMA ports; per step, 28 FMAs against 16 loads. A step of
// a packed A micro-panel takes 16 floats (one vector).
extern const gemm_kernel::PackedKernel kPackedKernel;
}  // namespace gemm_avx512

}  // namespace tfcompat::kernels

#endif  // TFCOMPAT_SRC_KERNELS_GEMM_KERNEL_H_
