// SPDX-License-Identifier: Apache-2.0
// Gemm(): dispatch, the Eigen implementation, and the blocked driver around
// the packed micro-kernels (gemm_kernel.h), one driver for all of them.
//
// The blocked product (GotoBLAS's loop nest; C row-major):
//
//   for each block of nc columns of B:
//     pack B[0:k, block] as nr-wide micro-panels,            once per thread, in L2
//       depth block by depth block
//     for each run of chunk_rows rows of A (a task, claimed by whichever thread is free):
//       for each depth block of kc:
//         pack A[rows, depth block] as mr-tall micro-panels   in L2
//         for each mr rows, for each nr columns:
//           micro-kernel: the C tile in registers, stored once per depth block
//
// C column-major is handled as C^T = B^T A^T, so the kernel always stores rows.
// A bias along C's columns becomes one along C^T's rows; both are added as the
// first depth block is stored, and the activation as the last one is. Which
// thread computes a tile never changes how it is summed, so the result does
// not depend on the number of threads.
#include "kernels/gemm.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>

#include "base/parallel_for.h"
#include "kernels/cpu_features.h"
#include "kernels/eigen_types.h"
#include "kernels/gemm_kernel.h"
#include "kernels/thread_chooser.h"
#include "kernels/thread_pool.h"

namespace tfcompat::kernels {
namespace {

std::atomic<int> g_max_threads{0};  // 0: not set, use the hardware threads

// ---------------------------------------------------------------- Eigen

using OuterStride = Eigen::OuterStride<>;
using Stride = Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>;

// Calls f with an Eigen map of `view` (rows x cols): row- or column-major
// with a leading dimension when one stride is 1, else a column-major copy.
template <typename F>
void WithMap(ConstStridedMatrix view, int64_t rows, int64_t cols, F&& f) {
  if (view.col_stride == 1) {
    f(Eigen::Map<const RowMajorMatrix, Eigen::Unaligned, OuterStride>(view.data, rows, cols,
                                                                      OuterStride(view.row_stride)));
  } else if (view.row_stride == 1) {
    f(Eigen::Map<const Matrix, Eigen::Unaligned, OuterStride>(view.data, rows, cols, OuterStride(view.col_stride)));
  } else {
    const Matrix copy = Eigen::Map<const Matrix, Eigen::Unaligned, Stride>(view.data, rows, cols,
                                                                           Stride(view.col_stride, view.row_stride));
    f(Eigen::Map<const Matrix, Eigen::Unaligned, OuterStride>(copy.data(), rows, cols, OuterStride(rows)));
  }
}

template <typename C>
void EigenProduct(int64_t m, int64_t n, int64_t k, ConstStridedMatrix a, ConstStridedMatrix b, C c,
                  const GemmOptions& options) {
  WithMap(a, m, k, [&](const auto& ma) { WithMap(b, k, n, [&](const auto& mb) { c.noalias() = ma * mb; }); });
  if (options.bias != nullptr) c.rowwise() += ConstMapRowVector(options.bias, n);
  switch (options.activation) {
    case GemmActivation::kNone:
      break;
    case GemmActivation::kRelu:
      c = c.array().max(0.0f);
      break;
    case GemmActivation::kRelu6:
      c = c.array().max(0.0f).min(6.0f);
      break;
  }
}

// A row times a small row-major matrix: a served model's single example
// through a small dense layer, where Eigen's general product costs several
// times the arithmetic. Each output is summed over k in order, then the bias
// added, as Eigen's matrix-vector product and a separate BiasAdd do.
constexpr int64_t kRowProductMaxElements = 16 * 1024;

void RowProduct(int64_t n, int64_t k, ConstStridedMatrix a, ConstStridedMatrix b, float* c,
                const GemmOptions& options) {
  std::fill_n(c, n, 0.0f);
  for (int64_t p = 0; p < k; ++p) {
    const float x = a.data[p * a.col_stride];
    const float* row = b.data + p * b.row_stride;
    for (int64_t j = 0; j < n; ++j) c[j] += x * row[j];
  }
  const float upper = options.activation == GemmActivation::kRelu6 ? 6.0f : std::numeric_limits<float>::infinity();
  for (int64_t j = 0; j < n; ++j) {
    if (options.bias != nullptr) c[j] += options.bias[j];
    if (options.activation != GemmActivation::kNone) c[j] = std::clamp(c[j], 0.0f, upper);
  }
}

void EigenGemm(int64_t m, int64_t n, int64_t k, ConstStridedMatrix a, ConstStridedMatrix b, StridedMatrix c,
               const GemmOptions& options) {
  if (m == 1 && b.col_stride == 1 && c.col_stride == 1 && n * k <= kRowProductMaxElements) {
    return RowProduct(n, k, a, b, c.data, options);
  }
  if (c.col_stride == 1) {
    EigenProduct(m, n, k, a, b, Eigen::Map<RowMajorMatrix, Eigen::Unaligned, OuterStride>(c.data, m, n, c.row_stride),
                 options);
  } else {
    EigenProduct(m, n, k, a, b, Eigen::Map<Matrix, Eigen::Unaligned, OuterStride>(c.data, m, n, c.col_stride), options);
  }
}

// The packed kernels this build has, each with what Gemm() runs on it.
struct PackedChoice {
  const gemm_kernel::PackedKernel* kernel;
  bool (*cpu_runs)();
  gemm_internal::GemmFunction one_thread;   // every product packed, on one thread
  gemm_internal::GemmFunction two_threads;  // every product packed, on two threads where it has two row panels
  gemm_internal::GemmFunction gemm;         // Gemm() with this kernel: Eigen where packing does not pay
};

#if defined(TFCOMPAT_GEMM_HAVE_PACKED_KERNELS)
// ---------------------------------------------------------------- packed kernels

using gemm_kernel::PackedKernel;

// Depth blocks of at most this many steps: a micro-panel of A (32 KiB with
// AVX-512's 16-float steps) mostly stays in L1 while the kernel sweeps the B
// block. Each block stores (and, after the first, reloads) the tiles of C, so
// deeper blocks save stores: the MLP's dense layers (depths 784 and 512 in
// blocks of 392 and 512, against 196 and 256 with blocks of at most 256) ran
// 4% faster over six alternating pairs; blocks of the whole depth 784 gained
// nothing more.
constexpr int64_t kMaxDepthBlock = 512;
// At most this many floats of packed B per thread (1 MiB, half of L2).
constexpr int64_t kMaxPackedB = 256 * 1024;
// At most this many floats of packed A per task (256 KiB in L2 beside packed
// B): at depth 512, 8 row panels of AVX-512's 14 rows, 16 of AVX2's 6.
constexpr int64_t kMaxPackedA = 64 * 1024;

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// 64-byte aligned floats, reused from one product to the next.
class AlignedBuffer {
 public:
  float* Reserve(int64_t floats) {
    if (floats > capacity_) {
      data_.reset(new (std::align_val_t{64}) float[static_cast<size_t>(floats)]);
      capacity_ = floats;
    }
    return data_.get();
  }

 private:
  struct Free {
    void operator()(float* p) const { ::operator delete[](p, std::align_val_t{64}); }
  };
  std::unique_ptr<float[], Free> data_;
  int64_t capacity_ = 0;
};

// One thread's packed operands. The packed B is valid for product `product`,
// column block `block` only.
struct Workspace {
  AlignedBuffer packed_a;
  AlignedBuffer packed_b;
  uint64_t product = 0;
  int64_t block = -1;
};

// The calling thread's workspace. Declared in a function that each thread
// runs, so that each thread constructs its own and destroys it as it exits.
Workspace& ThisThreadsWorkspace() {
  thread_local Workspace workspace;
  return workspace;
}

std::atomic<uint64_t> g_products{0};

// A product with C row-major (C^T already taken where C was column-major).
struct Product {
  const PackedKernel* kernel = nullptr;
  int64_t m = 0, n = 0, k = 0;
  ConstStridedMatrix a{}, b{};
  StridedMatrix c{};
  const float* row_bias = nullptr;
  const float* col_bias = nullptr;
  bool clamp = false;
  float lower = 0.0f, upper = 0.0f;
  int64_t kc = 0;          // depth per block; the last may be shorter
  int64_t nc = 0;          // columns per block of B, a multiple of the kernel's nr
  int64_t chunk_rows = 0;  // rows per task, a multiple of the kernel's mr
  int64_t row_chunks = 0;  // tasks per column block
  uint64_t id = 0;         // unique, so that no thread reuses another product's packed B
};

// Packs B[0:k, j0:j0+cols] depth block by depth block, each a run of
// nr-wide micro-panels of that block's depth.
void PackBBlock(const Product& p, int64_t j0, int64_t cols, float* packed) {
  const int64_t nr = p.kernel->nr;
  const int64_t panels = CeilDiv(cols, nr);
  for (int64_t p0 = 0; p0 < p.k; p0 += p.kc) {
    const int64_t depth = std::min(p.kc, p.k - p0);
    p.kernel->pack_b(p.b.data + p0 * p.b.row_stride + j0 * p.b.col_stride, p.b.row_stride, p.b.col_stride,
                     static_cast<int>(depth), static_cast<int>(cols), packed + p0 * panels * nr);
  }
}

void RunTask(const Product& p, int64_t task, Workspace* ws) {
  const PackedKernel& kernel = *p.kernel;
  const int64_t mr = kernel.mr, nr = kernel.nr;
  const int64_t block = task / p.row_chunks;
  const int64_t j0 = block * p.nc;
  const int64_t cols = std::min(p.nc, p.n - j0);
  const int64_t panels = CeilDiv(cols, nr);
  float* packed_b = ws->packed_b.Reserve(p.k * panels * nr);
  if (ws->product != p.id || ws->block != block) {
    PackBBlock(p, j0, cols, packed_b);
    ws->product = p.id;
    ws->block = block;
  }
  const int64_t i0 = (task % p.row_chunks) * p.chunk_rows;
  const int64_t rows = std::min(p.chunk_rows, p.m - i0);
  float* packed_a = ws->packed_a.Reserve(CeilDiv(rows, mr) * kernel.packed_mr * p.kc);
  for (int64_t p0 = 0; p0 < p.k; p0 += p.kc) {
    const int depth = static_cast<int>(std::min(p.kc, p.k - p0));
    kernel.pack_a(p.a.data + i0 * p.a.row_stride + p0 * p.a.col_stride, p.a.row_stride, p.a.col_stride,
                  static_cast<int>(rows), depth, packed_a);
    const bool first = p0 == 0, last = p0 + depth == p.k;
    for (int64_t i = 0; i < rows; i += mr) {
      const float* panel_a = packed_a + i / mr * kernel.packed_mr * depth;
      for (int64_t j = 0; j < cols; j += nr) {
        const gemm_kernel::Tile tile{
            .c = p.c.data + (i0 + i) * p.c.row_stride + j0 + j,
            .ldc = p.c.row_stride,
            .rows = static_cast<int>(std::min(mr, rows - i)),
            .cols = static_cast<int>(std::min(nr, cols - j)),
            .accumulate = !first,
            .row_bias = p.row_bias != nullptr ? p.row_bias + i0 + i : nullptr,
            .col_bias = p.col_bias != nullptr ? p.col_bias + j0 + j : nullptr,
            .clamp = last && p.clamp,
            .lower = p.lower,
            .upper = p.upper,
        };
        kernel.kernel(depth, panel_a, packed_b + (p0 * panels + j / nr * depth) * nr, tile);
      }
    }
  }
}

ThreadPool& GemmPool() {
  static ThreadPool pool(HardwareThreads() - 1);
  return pool;
}

void PackedGemm(const PackedKernel& kernel, int64_t m, int64_t n, int64_t k, ConstStridedMatrix a, ConstStridedMatrix b,
                StridedMatrix c, const GemmOptions& options, int threads) {
  if (m == 0 || n == 0) return;
  if (k == 0) return EigenGemm(m, n, k, a, b, c, options);
  Product p{};
  if (c.col_stride == 1) {
    p = Product{.m = m, .n = n, .k = k, .a = a, .b = b, .c = c, .row_bias = nullptr, .col_bias = options.bias};
  } else {
    // C^T = B^T A^T, row-major; the bias runs along C^T's rows.
    p = Product{.m = n,
                .n = m,
                .k = k,
                .a = {b.data, b.col_stride, b.row_stride},
                .b = {a.data, a.col_stride, a.row_stride},
                .c = {c.data, c.col_stride, 1},
                .row_bias = options.bias,
                .col_bias = nullptr};
  }
  p.kernel = &kernel;
  p.clamp = options.activation != GemmActivation::kNone;
  p.lower = 0.0f;
  p.upper = options.activation == GemmActivation::kRelu6 ? 6.0f : std::numeric_limits<float>::infinity();
  p.kc = CeilDiv(p.k, CeilDiv(p.k, kMaxDepthBlock));
  const int64_t mr = kernel.mr, nr = kernel.nr;
  p.nc = std::clamp(kMaxPackedB / p.k / nr * nr, nr, CeilDiv(p.n, nr) * nr);
  const int64_t row_panels = CeilDiv(p.m, mr);
  threads = static_cast<int>(std::min<int64_t>(threads, row_panels));
  // A few tasks per thread, so that the faster thread takes more of them,
  // each at most kMaxPackedA floats of packed A.
  const int64_t max_chunk_panels = std::max<int64_t>(1, kMaxPackedA / (kernel.packed_mr * kMaxDepthBlock));
  const int64_t wanted = threads > 1 ? 4 * threads : 1;
  const int64_t chunks = std::min(row_panels, std::max(CeilDiv(row_panels, max_chunk_panels), wanted));
  p.chunk_rows = CeilDiv(row_panels, chunks) * mr;
  p.row_chunks = CeilDiv(p.m, p.chunk_rows);
  p.id = g_products.fetch_add(1, std::memory_order_relaxed) + 1;
  const int64_t tasks = p.row_chunks * CeilDiv(p.n, p.nc);
  auto task = [&p](int t) { RunTask(p, t, &ThisThreadsWorkspace()); };
  if (threads <= 1) {
    for (int64_t t = 0; t < tasks; ++t) task(static_cast<int>(t));
  } else {
    GemmPool().Run(static_cast<int>(tasks), threads - 1, task);
  }
}

template <const PackedKernel& kKernel, int kThreads>
void PackedGemmOn(int64_t m, int64_t n, int64_t k, ConstStridedMatrix a, ConstStridedMatrix b, StridedMatrix c,
                  const GemmOptions& options) {
  PackedGemm(kKernel, m, n, k, a, b, c, options, kThreads);
}

// What Gemm() runs with kKernel: Eigen for small products; the packed kernel
// for the others, on as many threads as the ThreadChooser finds faster for
// that product.
template <const PackedKernel& kKernel>
void PackedOrEigenGemm(int64_t m, int64_t n, int64_t k, ConstStridedMatrix a, ConstStridedMatrix b, StridedMatrix c,
                       const GemmOptions& options) {
  const int64_t flops = m * n * k;
  if (!gemm_internal::PackedKernelPays(m, n, k)) return EigenGemm(m, n, k, a, b, c, options);
  const int threads = GemmMaxThreads();
  if (flops < gemm_internal::kParallelMinFlops || threads == 1 || GemmPool().workers() == 0) {
    return PackedGemm(kKernel, m, n, k, a, b, c, options, 1);
  }
  static ThreadChooser chooser;
  const ThreadChooser::Key key{m, n, k, (a.row_stride == 1) + 2 * (b.row_stride == 1) + 4 * (c.row_stride == 1)};
  const bool parallel = chooser.Parallel(key);
  const auto start = std::chrono::steady_clock::now();
  PackedGemm(kKernel, m, n, k, a, b, c, options, parallel ? threads : 1);
  chooser.Record(key, parallel, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

template <const PackedKernel& kKernel>
constexpr PackedChoice Choice(bool (*cpu_runs)()) {
  return {&kKernel, cpu_runs, PackedGemmOn<kKernel, 1>, PackedGemmOn<kKernel, 2>, PackedOrEigenGemm<kKernel>};
}

// Widest first: the first one the CPU runs is Gemm()'s.
constexpr PackedChoice kPackedChoices[] = {
    Choice<gemm_avx512::kPackedKernel>(CpuHasAvx512),
    Choice<gemm_avx2::kPackedKernel>(CpuHasAvx2AndFma),
};

std::span<const PackedChoice> PackedChoices() { return kPackedChoices; }
#else
// Not an x86-64 build: no packed kernel is compiled.
std::span<const PackedChoice> PackedChoices() { return {}; }
#endif

// ---------------------------------------------------------------- dispatch

void ChooseAndGemm(int64_t m, int64_t n, int64_t k, ConstStridedMatrix a, ConstStridedMatrix b, StridedMatrix c,
                   const GemmOptions& options);

// The implementation Gemm() calls. Constant-initialized to ChooseAndGemm,
// which stores the choice on the first call, so every later call is one
// indirect jump.
constinit std::atomic<gemm_internal::GemmFunction> g_gemm{ChooseAndGemm};

// With the widest packed kernel the CPU runs, or Eigen only.
gemm_internal::GemmFunction DefaultGemm() {
  for (const PackedChoice& choice : PackedChoices()) {
    if (choice.cpu_runs()) return choice.gemm;
  }
  return EigenGemm;
}

// What Gemm() calls, chosen now if it was not yet.
gemm_internal::GemmFunction CurrentGemm() {
  gemm_internal::GemmFunction gemm = g_gemm.load(std::memory_order_relaxed);
  if (gemm == ChooseAndGemm) {
    gemm = DefaultGemm();
    g_gemm.store(gemm, std::memory_order_relaxed);
  }
  return gemm;
}

void ChooseAndGemm(int64_t m, int64_t n, int64_t k, ConstStridedMatrix a, ConstStridedMatrix b, StridedMatrix c,
                   const GemmOptions& options) {
  CurrentGemm()(m, n, k, a, b, c, options);
}

}  // namespace

void Gemm(int64_t m, int64_t n, int64_t k, ConstStridedMatrix a, ConstStridedMatrix b, StridedMatrix c,
          const GemmOptions& options) {
  g_gemm.load(std::memory_order_relaxed)(m, n, k, a, b, c, options);
}

void SetGemmMaxThreads(int threads) { g_max_threads.store(std::max(threads, 1), std::memory_order_relaxed); }

int GemmMaxThreads() {
  const int threads = g_max_threads.load(std::memory_order_relaxed);
  return threads > 0 ? threads : HardwareThreads();
}

namespace gemm_internal {

bool HasPackedKernel() { return CurrentGemm() != EigenGemm; }

std::vector<std::string> CpuPackedKernels() {
  std::vector<std::string> names;
  for (const PackedChoice& choice : PackedChoices()) {
    if (choice.cpu_runs()) names.emplace_back(choice.kernel->name);
  }
  return names;
}

bool SelectPackedKernel(std::string_view name) {
  if (name.empty()) {
    g_gemm.store(EigenGemm, std::memory_order_relaxed);
    return true;
  }
  for (const PackedChoice& choice : PackedChoices()) {
    if (name == choice.kernel->name && choice.cpu_runs()) {
      g_gemm.store(choice.gemm, std::memory_order_relaxed);
      return true;
    }
  }
  return false;
}

std::string SelectedPackedKernel() {
  const GemmFunction gemm = CurrentGemm();
  for (const PackedChoice& choice : PackedChoices()) {
    if (gemm == choice.gemm) return choice.kernel->name;
  }
  return "";
}

std::vector<GemmImplementation> AvailableGemmImplementations() {
  std::vector<GemmImplementation> implementations = {{"eigen", EigenGemm}};
  for (const PackedChoice& choice : PackedChoices()) {
    if (!choice.cpu_runs()) continue;
    implementations.push_back({choice.kernel->name, choice.one_thread});
    implementations.push_back({std::string(choice.kernel->name) + "-2threads", choice.two_threads});
  }
  implementations.push_back({"dispatch", Gemm});
  return implementations;
}

}  // namespace gemm_internal
}  // namespace tfcompat::kernels
