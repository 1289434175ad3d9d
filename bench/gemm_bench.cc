// SPDX-License-Identifier: Apache-2.0
// gemm_bench: the dense layers' matrix products, Eigen beside our kernels.
//
//   build/bin/gemm_bench [--seconds S] [--cpu-time]
//
// For each product, GFLOP/s and % of this core's measured FMA peak of every
// implementation of kernels/gemm.h this CPU runs ("eigen"; each packed
// kernel, "avx512" and "avx2", on one thread and on two; and "dispatch",
// which is what DenseLayer runs), with the operands laid out as DenseLayer
// passes them:
//   fwd  a = x W:    x [B, in] column-major, W [in, out] row-major, a column-major
//   dW   x^T dz:     both column-major, dW row-major
//   dx   dz W^T:     dz column-major, W row-major, dx column-major
// for the layers of the Iris DNNClassifier (batch 32 and 100) and of the
// 784-512-512-10 MLP (batch 128), then the forward product of square layers
// n x n, batch n, for n from 8 to 256: where the packed kernels start to beat
// Eigen (gemm_internal::PackedKernelPays) and where a second thread starts to
// pay (kParallelMinFlops). The contenders of a row are timed in alternating
// rounds of at least 5 ms and each keeps its best round, to damp noise from
// other processes on a shared machine. With --cpu-time, every product runs on
// one thread (no "-2threads" contenders, SetGemmMaxThreads(1)) and is timed
// in that thread's CPU time, which the other processes do not inflate.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "fma_peak.h"
#include "kernels/gemm.h"
#include "thread_cpu_clock.h"

namespace tfcompat::kernels {
namespace {

using Clock = std::chrono::steady_clock;
using gemm_internal::GemmImplementation;

enum class Kind { kForward, kWeightGradient, kInputGradient };

struct Case {
  std::string name;
  Kind kind;
  int64_t batch, in, out;
};

// One product of a dense layer, with its operands laid out as DenseLayer's.
class Product {
 public:
  explicit Product(const Case& c) : case_(c) {
    x_.assign(static_cast<size_t>(c.batch * c.in), 0.5f);
    w_.assign(static_cast<size_t>(c.in * c.out), 0.01f);
    z_.assign(static_cast<size_t>(c.batch * c.out), 0.1f);
    bias_.assign(static_cast<size_t>(c.out), 0.2f);
    dw_.resize(w_.size());
    dx_.resize(x_.size());
  }

  double flops() const { return 2.0 * static_cast<double>(case_.batch * case_.in * case_.out); }

  void Run(gemm_internal::GemmFunction gemm) {
    const int64_t b = case_.batch, in = case_.in, out = case_.out;
    switch (case_.kind) {
      case Kind::kForward:
        gemm(b, out, in, {x_.data(), 1, b}, {w_.data(), out, 1}, {z_.data(), 1, b},
             {.bias = bias_.data(), .activation = GemmActivation::kRelu});
        break;
      case Kind::kWeightGradient:
        gemm(in, out, b, {x_.data(), b, 1}, {z_.data(), 1, b}, {dw_.data(), out, 1}, {});
        break;
      case Kind::kInputGradient:
        gemm(b, in, out, {z_.data(), 1, b}, {w_.data(), 1, out}, {dx_.data(), 1, b}, {});
        break;
    }
  }

 private:
  Case case_;
  std::vector<float> x_, w_, z_, bias_, dw_, dx_;
};

// Best seconds per call of each implementation by clock C, timed in
// alternating rounds.
template <typename C>
std::vector<double> TimeRow(Product* product, const std::vector<GemmImplementation>& impls, double seconds) {
  std::vector<double> best(impls.size(), 1e30);
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  do {
    for (size_t i = 0; i < impls.size(); ++i) {
      int64_t calls = 0;
      const auto start = C::now();
      double elapsed = 0;
      do {
        product->Run(impls[i].gemm);
        ++calls;
        elapsed = std::chrono::duration<double>(C::now() - start).count();
      } while (elapsed < 0.005);
      best[i] = std::min(best[i], elapsed / static_cast<double>(calls));
    }
  } while (Clock::now() < deadline);
  return best;
}

std::vector<Case> Cases() {
  std::vector<Case> cases;
  const auto layers = [&](const char* model, int64_t batch, std::vector<int64_t> sizes) {
    for (size_t i = 0; i + 1 < sizes.size(); ++i) {
      const std::string layer = std::string(model) + " " + std::to_string(sizes[i]) + "x" +
                                std::to_string(sizes[i + 1]) + " B" + std::to_string(batch);
      cases.push_back({layer + " fwd", Kind::kForward, batch, sizes[i], sizes[i + 1]});
      cases.push_back({layer + " dW", Kind::kWeightGradient, batch, sizes[i], sizes[i + 1]});
      if (i > 0) cases.push_back({layer + " dx", Kind::kInputGradient, batch, sizes[i], sizes[i + 1]});
    }
  };
  layers("iris", 32, {4, 10, 10, 3});
  layers("iris", 100, {4, 10, 10, 3});
  layers("mlp", 128, {784, 512, 512, 10});
  for (int64_t n : {8, 16, 24, 32, 48, 64, 96, 128, 160, 192, 256}) {
    cases.push_back({"square " + std::to_string(n) + " fwd", Kind::kForward, n, n, n});
  }
  return cases;
}

}  // namespace
}  // namespace tfcompat::kernels

int main(int argc, char** argv) {
  using namespace tfcompat::kernels;
  double seconds = 0.3;
  bool cpu_time = false;
  CLI::App app{"GFLOP/s of the dense layers' matrix products: Eigen beside our kernels", "gemm_bench"};
  app.add_option("--seconds", seconds, "Seconds per product")
      ->check(tfcompat::cli::Positive<double>())
      ->capture_default_str();
  app.add_flag("--cpu-time", cpu_time, "One thread, timed in its CPU time");
  if (const std::optional<int> exit_code = tfcompat::cli::Parse(app, argc, argv)) return *exit_code;
  // Each contender keeps its best, too. At the widest kernel's vector width.
  const std::string widest = gemm_internal::SelectedPackedKernel();
  const double peak = tfcompat::bench::MeasureFmaPeak(widest).best;
  std::printf("FMA peak of one core (measured, %s vectors): %.1f GFLOP/s; figures: GFLOP/s (%% of that peak)\n",
              widest.empty() ? "SSE" : widest.c_str(), peak);
  std::vector<GemmImplementation> impls = gemm_internal::AvailableGemmImplementations();
  if (cpu_time) {
    SetGemmMaxThreads(1);
    std::erase_if(impls, [](const GemmImplementation& impl) { return impl.name.ends_with("-2threads"); });
    std::printf("one thread each, timed in its CPU time\n");
  }
  std::printf("%-28s %5s %5s %5s", "product", "m", "n", "k");
  for (const GemmImplementation& impl : impls) std::printf(" %20s", impl.name.c_str());
  std::printf("\n");
  for (const Case& c : Cases()) {
    Product product(c);
    const std::vector<double> best = cpu_time ? TimeRow<tfcompat::bench::ThreadCpuClock>(&product, impls, seconds)
                                              : TimeRow<Clock>(&product, impls, seconds);
    const int64_t m = c.kind == Kind::kWeightGradient ? c.in : c.batch;
    const int64_t n = c.kind == Kind::kInputGradient ? c.in : c.out;
    const int64_t k = c.kind == Kind::kForward ? c.in : c.kind == Kind::kWeightGradient ? c.batch : c.out;
    std::printf("%-28s %5lld %5lld %5lld", c.name.c_str(), static_cast<long long>(m), static_cast<long long>(n),
                static_cast<long long>(k));
    for (double s : best) {
      const double gflops = product.flops() / s / 1e9;
      std::printf(" %13.1f (%3.0f%%)", gflops, 100.0 * gflops / peak);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}
