// SPDX-License-Identifier: Apache-2.0
// Single-precision matrix products for the dense layers: C = f(A B + 1 bias^T).
//
// Operands are strided views, so one entry point serves the three products
// of a dense layer whatever the memory order of its operands
// (DenseLayer: x W forward, x^T dz and dz W^T backward) without copies:
//
//   Gemm(m, n, k, {x, 1, m}, {w, n, 1}, {a, 1, m}, {.bias = b, .activation = kRelu});  // a = relu(x W + b)
//
// Three implementations, the first this CPU runs chosen on the first call:
//   "avx512"  x86-64 CPUs with AVX-512F (gemm_avx512.cc, its own ISA flags):
//             14 x 32 tiles;
//   "avx2"    those with AVX2 and FMA (gemm_avx2.cc, its own ISA flags):
//             6 x 16 tiles;
//             both: packed panels, a register-blocked micro-kernel, bias and
//             ReLU applied as the tile is stored (gemm_kernel_impl.h, one
//             source for both); products of at least kParallelMinFlops run
//             on one thread or on GemmMaxThreads(), whichever a ThreadChooser
//             measures faster for that product. The result does not depend on
//             the number of threads.
//   "eigen"   every other CPU, and products with a single row or column
//             (PackedKernelPays): Eigen's own product on maps of the views;
//             a single row times a row-major B of at most 16 Ki elements (a
//             served example through a small layer) in a plain loop, which
//             costs a fraction of Eigen's setup.
#ifndef TFCOMPAT_SRC_KERNELS_GEMM_H_
#define TFCOMPAT_SRC_KERNELS_GEMM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tfcompat::kernels {

// A view of a rows x cols matrix: element (i, j) at data[i * row_stride + j *
// col_stride]. Row-major: {data, cols, 1}; column-major: {data, 1, rows}; the
// transpose of a view swaps the strides.
struct ConstStridedMatrix {
  const float* data;
  ptrdiff_t row_stride;
  ptrdiff_t col_stride;
};
struct StridedMatrix {
  float* data;
  ptrdiff_t row_stride;
  ptrdiff_t col_stride;
};

// What is applied to each element of A B + 1 bias^T before it is stored.
// Only activations that cost one or two instructions are fused; the layer
// applies the others afterwards.
enum class GemmActivation { kNone, kRelu, kRelu6 };

struct GemmOptions {
  const float* bias = nullptr;  // [n], added to every row; null: none
  GemmActivation activation = GemmActivation::kNone;
};

// C[m, n] = f(A[m, k] B[k, n] + 1 bias^T), overwriting C. C must have a unit
// stride (row- or column-major, any leading dimension) and must not overlap A,
// B or bias. k == 0 gives f(bias), or zeros.
void Gemm(int64_t m, int64_t n, int64_t k, ConstStridedMatrix a, ConstStridedMatrix b, StridedMatrix c,
          const GemmOptions& options = {});

namespace gemm_internal {

// Whether Gemm() runs a packed kernel (for the products where it pays): by
// default, where the CPU has AVX2 and FMA or AVX-512F.
bool HasPackedKernel();

// Whether the packed kernel pays for an m x n x k product (where the CPU has
// one): every product but those with a single row or column, for which
// Eigen's matrix-vector product uses every vector lane, a packed tile one row
// or column of it. Measured with bench/gemm_bench --cpu-time, one thread:
// against Eigen built for SSE2 (the portable default), the AVX-512 kernel
// runs the MLP's products 3.7-5.9x as fast and the Iris layers' 0.9-2.2x, the
// AVX2 kernel 1.3-3.1x and 0.8-1.6x; against Eigen built for AVX-512
// (TFCOMPAT_NATIVE_ARCH), the AVX-512 kernel 1.0-1.4x and 0.8-1.6x. It trails
// only on some of the smallest Iris products, by at most 20%; a whole Iris
// training step takes 25-30% less time on it than on Eigen in a portable
// build, as much (batch 32) or 3% less (batch 100) in a native one. One rule
// for every size keeps the choice a compare or two.
inline bool PackedKernelPays(int64_t m, int64_t n, int64_t /*k*/) { return m > 1 && n > 1; }

}  // namespace gemm_internal

// Whether Gemm() runs its packed kernel for an m x n x k product (a CPU with
// one, see above, and gemm_internal::PackedKernelPays). Where it does not, it
// runs Eigen's product on maps of the views; a caller that holds contiguous
// Eigen matrices is faster calling Eigen directly (DenseLayer).
inline bool GemmUsesPackedKernel(int64_t m, int64_t n, int64_t k) {
  return gemm_internal::PackedKernelPays(m, n, k) && gemm_internal::HasPackedKernel();
}

// The most threads one product may use (>= 1). The default is the machine's
// hardware threads; each product still decides for itself whether a second
// thread pays (train_bench sets 1 to measure the single-threaded figure).
void SetGemmMaxThreads(int threads);
int GemmMaxThreads();

namespace gemm_internal {

// Products of at least this many multiply-adds may run on several threads
// (the ThreadChooser measures whether that pays); smaller ones always run on
// one. Waking a sleeping worker takes ~50 us on this project's VM (median;
// 60 us at the 90th percentile), during which the caller works alone; 256^3
// takes ~200 us on one thread, so a second thread can save a useful part of
// it, while below ~100 us it could not save enough to be worth a probe.
inline constexpr int64_t kParallelMinFlops = 256 * 256 * 256;

using GemmFunction = void (*)(int64_t m, int64_t n, int64_t k, ConstStridedMatrix a, ConstStridedMatrix b,
                              StridedMatrix c, const GemmOptions& options);

struct GemmImplementation {
  std::string name;
  GemmFunction gemm;
};

// Each implementation this CPU can run, whatever the product's size: "eigen";
// for each packed kernel the CPU runs, its name ("avx512", "avx2": every
// product packed, on one thread) and name + "-2threads" (two threads whenever
// the product has two row panels); and "dispatch" (Gemm()). Tests run one
// suite against each.
std::vector<GemmImplementation> AvailableGemmImplementations();

// The packed kernels this CPU runs, widest first: "avx512", "avx2".
std::vector<std::string> CpuPackedKernels();

// Makes Gemm() run the packed kernel `name` (one of CpuPackedKernels()), or
// none if `name` is empty: Eigen for every product. Returns false, changing
// nothing, for a kernel this CPU does not run. For tests and benchmarks that
// run the library's code on each kernel in turn; not while another thread
// may be calling Gemm().
bool SelectPackedKernel(std::string_view name);

// The packed kernel Gemm() runs, or "" (none).
std::string SelectedPackedKernel();

}  // namespace gemm_internal
}  // namespace tfcompat::kernels

#endif  // TFCOMPAT_SRC_KERNELS_GEMM_H_
