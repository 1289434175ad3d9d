// The AVX-512 building blocks of Gemm(): operand packing and the register-
// blocked micro-kernel. Compiled with -mavx512f -mfma in a file of its own and
// called only after a run-time CPU check (gemm.cc); it includes nothing that
// defines an inline function, so no code built for AVX-512 can be shared with
// (and run by) the rest of the library.
//
// Packed layouts, for a block of depth kc:
//   A micro-panel (kMr rows):    a[p * 16 + i] = A(i, p), rows past the edge
//                                (and the 2 lanes past kMr) 0
//   B micro-panel (kNr columns): b[p * kNr + j] = B(p, j), columns past the edge 0
// so that step p of the kernel reads kMr floats of A (broadcast, one at a
// time) and kNr consecutive floats of B (two vector loads). A step of A takes
// a whole aligned vector, so that packing stores never straddle cache lines.
#ifndef TFCOMPAT_SRC_KERNELS_GEMM_AVX512_H_
#define TFCOMPAT_SRC_KERNELS_GEMM_AVX512_H_

#include <cstddef>

namespace tfcompat::kernels::gemm_avx512 {

// 14 x 32 accumulators: 28 of the 32 vector registers, two for B, one for the
// broadcast of A. 28 independent chains cover the 4-cycle FMA latency on two
// FMA ports; per step, 28 FMAs against 16 loads.
inline constexpr int kMr = 14;
inline constexpr int kNr = 32;
inline constexpr int kPackedMr = 16;  // floats per step of a packed A micro-panel

// Packs rows [0, rows) and depth [0, depth) of A, whose element (i, p) is
// a[i * row_stride + p * col_stride], as ceil(rows / kMr) micro-panels, one
// after the other (kPackedMr * depth floats each). `packed` must be 64-byte
// aligned.
void PackA(const float* a, ptrdiff_t row_stride, ptrdiff_t col_stride, int rows, int depth, float* packed);

// Packs depth [0, depth) and columns [0, cols) of B, whose element (p, j) is
// b[p * row_stride + j * col_stride], as ceil(cols / kNr) micro-panels, one
// after the other (kNr * depth floats each). `packed` must be 64-byte aligned.
void PackB(const float* b, ptrdiff_t row_stride, ptrdiff_t col_stride, int depth, int cols, float* packed);

// Where and how a kMr x kNr tile of the product is stored: only its first
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

// tile = packed_a (kMr x depth) * packed_b (depth x kNr), stored as `tile` says;
// only the tile's rows (1 ... kMr) are computed.
void Kernel(int depth, const float* packed_a, const float* packed_b, const Tile& tile);

}  // namespace tfcompat::kernels::gemm_avx512

#endif  // TFCOMPAT_SRC_KERNELS_GEMM_AVX512_H_
