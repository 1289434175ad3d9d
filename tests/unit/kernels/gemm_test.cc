// SPDX-License-Identifier: Apache-2.0
// Gemm() against a naive reference, for every implementation this CPU runs
// (gemm_internal::AvailableGemmImplementations(): Eigen, each packed kernel --
// AVX2, AVX-512 -- on one and on two threads, and the dispatch), over odd
// shapes, every memory order of each operand, padded leading dimensions, bias
// and activations.
//
// Operands hold small integers, so that every product and partial sum is
// exact in float: whatever order an implementation sums in, the result must
// equal the reference exactly.
#include "kernels/gemm.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace tfcompat::kernels {
namespace {

using gemm_internal::AvailableGemmImplementations;
using gemm_internal::GemmImplementation;

// How a rows x cols operand lies in memory.
enum class Order { kRowMajor, kColumnMajor, kStrided };

const char* Name(Order order) {
  switch (order) {
    case Order::kRowMajor:
      return "row-major";
    case Order::kColumnMajor:
      return "column-major";
    case Order::kStrided:
      return "strided";
  }
  return "?";
}

// A rows x cols matrix in a buffer laid out as `order`, with a padded leading
// dimension (and, for kStrided, no unit stride at all). Padding holds a
// canary that no implementation may overwrite.
class Operand {
 public:
  static constexpr float kCanary = -12345.0f;

  Operand(int64_t rows, int64_t cols, Order order) : rows_(rows), cols_(cols) {
    switch (order) {
      case Order::kRowMajor:
        row_stride_ = cols + 3;
        col_stride_ = 1;
        break;
      case Order::kColumnMajor:
        row_stride_ = 1;
        col_stride_ = rows + 5;
        break;
      case Order::kStrided:
        row_stride_ = 2;
        col_stride_ = 2 * rows + 1;
        break;
    }
    const int64_t extent = (rows - 1) * row_stride_ + (cols - 1) * col_stride_ + 1;
    buffer_.assign(static_cast<size_t>(std::max<int64_t>(extent, 0) + 7), kCanary);
  }

  float& at(int64_t i, int64_t j) { return buffer_[static_cast<size_t>(i * row_stride_ + j * col_stride_)]; }
  float at(int64_t i, int64_t j) const { return buffer_[static_cast<size_t>(i * row_stride_ + j * col_stride_)]; }

  // Every element a small integer in [-range, range].
  void FillIntegers(std::mt19937& rng, int range) {
    for (int64_t i = 0; i < rows_; ++i) {
      for (int64_t j = 0; j < cols_; ++j) {
        at(i, j) = static_cast<float>(static_cast<int>(rng() % (2 * range + 1)) - range);
      }
    }
  }

  ConstStridedMatrix view() const { return {buffer_.data(), row_stride_, col_stride_}; }
  StridedMatrix mutable_view() { return {buffer_.data(), row_stride_, col_stride_}; }

  // Positions that are not elements of the matrix and changed.
  int TouchedPadding() const {
    std::vector<bool> element(buffer_.size(), false);
    for (int64_t i = 0; i < rows_; ++i) {
      for (int64_t j = 0; j < cols_; ++j) element[static_cast<size_t>(i * row_stride_ + j * col_stride_)] = true;
    }
    int touched = 0;
    for (size_t p = 0; p < buffer_.size(); ++p) touched += !element[p] && buffer_[p] != kCanary;
    return touched;
  }

 private:
  int64_t rows_, cols_;
  ptrdiff_t row_stride_ = 1, col_stride_ = 1;
  std::vector<float> buffer_;
};

float Activate(float x, GemmActivation activation) {
  switch (activation) {
    case GemmActivation::kNone:
      return x;
    case GemmActivation::kRelu:
      return std::max(x, 0.0f);
    case GemmActivation::kRelu6:
      return std::min(std::max(x, 0.0f), 6.0f);
  }
  return x;
}

struct Problem {
  int64_t m, n, k;
  Order a, b, c;
  bool bias;
  GemmActivation activation;
};

// Runs `problem` with every implementation on the same integer operands;
// checks every element of C against the exact reference, and the padding of
// C against the canary.
void Check(const Problem& problem, uint32_t seed) {
  const auto [m, n, k, order_a, order_b, order_c, use_bias, activation] = problem;
  std::mt19937 rng(seed);
  Operand a(m, k, order_a), b(k, n, order_b);
  a.FillIntegers(rng, 4);
  b.FillIntegers(rng, 4);
  std::vector<float> bias(static_cast<size_t>(n));
  for (float& v : bias) v = static_cast<float>(static_cast<int>(rng() % 9) - 4);
  std::vector<float> expected(static_cast<size_t>(m * n));
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double sum = use_bias ? bias[static_cast<size_t>(j)] : 0.0;
      for (int64_t p = 0; p < k; ++p) sum += static_cast<double>(a.at(i, p)) * b.at(p, j);
      expected[static_cast<size_t>(i * n + j)] = Activate(static_cast<float>(sum), activation);
    }
  }
  for (const GemmImplementation& impl : AvailableGemmImplementations()) {
    BOOST_TEST_CONTEXT(impl.name << " m=" << m << " n=" << n << " k=" << k << " A " << Name(order_a) << ", B "
                                 << Name(order_b) << ", C " << Name(order_c) << (use_bias ? ", bias" : "")
                                 << ", activation " << static_cast<int>(activation)) {
      Operand c(m, n, order_c);
      impl.gemm(m, n, k, a.view(), b.view(), c.mutable_view(),
                {.bias = use_bias ? bias.data() : nullptr, .activation = activation});
      int wrong = 0;
      for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
          const float want = expected[static_cast<size_t>(i * n + j)];
          if (c.at(i, j) != want && ++wrong <= 3) {
            BOOST_ERROR("C(" << i << ", " << j << ") = " << c.at(i, j) << ", expected " << want);
          }
        }
      }
      BOOST_TEST(wrong == 0);
      BOOST_TEST(c.TouchedPadding() == 0);
    }
  }
}

// The implementation named `name`, or null where this CPU lacks it.
const GemmImplementation* Find(const std::vector<GemmImplementation>& impls, const std::string& name) {
  for (const GemmImplementation& impl : impls) {
    if (name == impl.name) return &impl;
  }
  return nullptr;
}

const Order kOrders[] = {Order::kRowMajor, Order::kColumnMajor, Order::kStrided};

BOOST_AUTO_TEST_SUITE(GemmTest)

BOOST_AUTO_TEST_CASE(ImplementationsIncludeEigenAndDispatch) {
  std::vector<std::string> names;
  for (const GemmImplementation& impl : AvailableGemmImplementations()) names.push_back(impl.name);
  BOOST_TEST(names.front() == "eigen");
  BOOST_TEST(names.back() == "dispatch");
}

// Every memory order of every operand, at sizes around the kernels' tile
// (AVX2 6 x 16, AVX-512 14 x 32) and vector (8, 16) edges.
BOOST_AUTO_TEST_CASE(SmallShapesInEveryMemoryOrderAreExact) {
  const int64_t sizes[] = {1, 3, 6, 9, 14, 17, 33};
  uint32_t seed = 1;
  for (int64_t m : sizes) {
    for (int64_t n : sizes) {
      for (int64_t k : sizes) {
        for (Order a : kOrders) {
          for (Order b : kOrders) {
            for (Order c : {Order::kRowMajor, Order::kColumnMajor}) {
              Check({m, n, k, a, b, c, false, GemmActivation::kNone}, seed++);
            }
          }
        }
      }
    }
  }
}

// A packed kernel computes a row panel's tail of 1 ... mr - 1 rows (mr: 6 or
// 14) with a kernel of that height: every tail, on C's rows (C row-major) and
// on its columns (C column-major, computed as C^T), with bias and ReLU as the
// last block stores.
// Depths just above multiples of 512 are cut into equal depth blocks, the last
// one shorter (513 = 257 + 256, 1025 = 342 + 342 + 341).
BOOST_AUTO_TEST_CASE(EveryRowTailAndDepthBlockIsExact) {
  uint32_t seed = 500;
  for (int64_t rows = 1; rows <= 2 * 14; ++rows) {
    Check({rows, 40, 37, Order::kRowMajor, Order::kColumnMajor, Order::kRowMajor, true, GemmActivation::kRelu}, seed++);
    Check({40, rows, 37, Order::kColumnMajor, Order::kRowMajor, Order::kColumnMajor, true, GemmActivation::kRelu},
          seed++);
  }
  for (int64_t k : {257, 513, 1025}) {
    Check({30, 33, k, Order::kColumnMajor, Order::kRowMajor, Order::kColumnMajor, true, GemmActivation::kRelu6},
          seed++);
    Check({43, 50, k, Order::kRowMajor, Order::kColumnMajor, Order::kRowMajor, false, GemmActivation::kNone}, seed++);
  }
}

// The brief's odd shapes: 1, 3, 17, 63, 64, 65, 511, 512, 784, with the
// layouts of the dense layer's three products and their transposes.
BOOST_AUTO_TEST_CASE(OddShapesInTheDenseLayersLayoutsAreExact) {
  const int64_t sizes[] = {1, 3, 17, 63, 64, 65};
  const Problem layouts[] = {
      {0, 0, 0, Order::kColumnMajor, Order::kRowMajor, Order::kColumnMajor, true, GemmActivation::kRelu},      // x W
      {0, 0, 0, Order::kRowMajor, Order::kColumnMajor, Order::kRowMajor, false, GemmActivation::kNone},        // x^T dz
      {0, 0, 0, Order::kColumnMajor, Order::kColumnMajor, Order::kColumnMajor, false, GemmActivation::kNone},  // dz W^T
      {0, 0, 0, Order::kRowMajor, Order::kRowMajor, Order::kRowMajor, true, GemmActivation::kRelu6},
  };
  uint32_t seed = 1000;
  for (const Problem& layout : layouts) {
    for (int64_t m : sizes) {
      for (int64_t n : sizes) {
        for (int64_t k : sizes) {
          Problem problem = layout;
          problem.m = m;
          problem.n = n;
          problem.k = k;
          Check(problem, seed++);
        }
      }
    }
  }
  // Large: several depth blocks, row chunks and column panels, edges everywhere.
  for (const Problem& problem : {
           Problem{511, 512, 784, Order::kColumnMajor, Order::kRowMajor, Order::kColumnMajor, true,
                   GemmActivation::kRelu},
           Problem{784, 512, 128, Order::kRowMajor, Order::kColumnMajor, Order::kRowMajor, false,
                   GemmActivation::kNone},
           Problem{128, 784, 512, Order::kColumnMajor, Order::kColumnMajor, Order::kColumnMajor, false,
                   GemmActivation::kNone},
           Problem{65, 511, 513, Order::kRowMajor, Order::kRowMajor, Order::kRowMajor, true, GemmActivation::kRelu6},
           Problem{512, 17, 784, Order::kStrided, Order::kColumnMajor, Order::kRowMajor, true, GemmActivation::kNone},
       }) {
    Check(problem, seed++);
  }
}

BOOST_AUTO_TEST_CASE(BiasAndActivationsOnEveryLayoutAreExact) {
  uint32_t seed = 5000;
  for (GemmActivation activation : {GemmActivation::kNone, GemmActivation::kRelu, GemmActivation::kRelu6}) {
    for (Order a : kOrders) {
      for (Order b : kOrders) {
        for (Order c : {Order::kRowMajor, Order::kColumnMajor}) {
          // Several depth blocks of the kernel, partial tiles on both edges.
          Check({47, 45, 530, a, b, c, true, activation}, seed++);
          Check({70, 70, 70, a, b, c, true, activation}, seed++);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(EmptyProductsWriteOnlyTheBiasOrNothing) {
  // k == 0: C = f(bias), or zeros.
  Check({5, 40, 0, Order::kRowMajor, Order::kRowMajor, Order::kColumnMajor, true, GemmActivation::kRelu}, 7);
  Check({40, 5, 0, Order::kRowMajor, Order::kRowMajor, Order::kRowMajor, false, GemmActivation::kNone}, 8);
  // m == 0 or n == 0: nothing to write.
  Check({0, 40, 9, Order::kRowMajor, Order::kRowMajor, Order::kRowMajor, true, GemmActivation::kNone}, 9);
  Check({40, 0, 9, Order::kColumnMajor, Order::kRowMajor, Order::kColumnMajor, true, GemmActivation::kNone}, 10);
}

// A NaN stays NaN through ReLU, as through Eigen's (so the trainer's
// "NaN loss" check still fires), and infinities are clamped by ReLU6.
BOOST_AUTO_TEST_CASE(ReluKeepsNaNAndRelu6ClampsInfinity) {
  for (const GemmImplementation& impl : AvailableGemmImplementations()) {
    BOOST_TEST_CONTEXT(impl.name) {
      const int64_t m = 100, n = 70, k = 80;  // large enough for the packed kernel
      std::vector<float> a(static_cast<size_t>(m * k), 1.0f), b(static_cast<size_t>(k * n), 1.0f);
      std::vector<float> c(static_cast<size_t>(m * n));
      a[5 * k + 3] = std::numeric_limits<float>::quiet_NaN();   // row 5 of A
      a[9 * k + 3] = std::numeric_limits<float>::infinity();    // row 9
      a[11 * k + 3] = -std::numeric_limits<float>::infinity();  // row 11
      impl.gemm(m, n, k, {a.data(), k, 1}, {b.data(), n, 1}, {c.data(), n, 1}, {.activation = GemmActivation::kRelu});
      BOOST_TEST(std::isnan(c[5 * n + 7]));
      BOOST_TEST(std::isinf(c[9 * n + 7]));
      BOOST_TEST(c[11 * n + 7] == 0.0f);
      BOOST_TEST(c[0] == static_cast<float>(k));
      impl.gemm(m, n, k, {a.data(), k, 1}, {b.data(), n, 1}, {c.data(), n, 1}, {.activation = GemmActivation::kRelu6});
      BOOST_TEST(std::isnan(c[5 * n + 7]));
      BOOST_TEST(c[9 * n + 7] == 6.0f);
      BOOST_TEST(c[11 * n + 7] == 0.0f);
    }
  }
}

// Non-integer data: each packed kernel gives the same bits on one and on two
// threads (each element is summed in the same order whoever computes it),
// and agrees with Eigen to rounding.
BOOST_AUTO_TEST_CASE(ThreadCountDoesNotChangeTheBits) {
  const std::vector<GemmImplementation> impls = AvailableGemmImplementations();
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  const int64_t m = 300, n = 200, k = 600;
  std::vector<float> a(static_cast<size_t>(m * k)), b(static_cast<size_t>(k * n));
  for (float& v : a) v = uniform(rng);
  for (float& v : b) v = uniform(rng);
  std::vector<std::vector<float>> results;
  for (const GemmImplementation& impl : impls) {
    results.emplace_back(static_cast<size_t>(m * n));
    impl.gemm(m, n, k, {a.data(), 1, m}, {b.data(), n, 1}, {results.back().data(), 1, m}, {});
  }
  for (size_t i = 1; i < impls.size(); ++i) {
    BOOST_TEST_CONTEXT(impls[i].name << " vs " << impls[0].name) {
      double worst = 0;
      for (size_t e = 0; e < results[0].size(); ++e) {
        worst = std::max(worst, static_cast<double>(std::abs(results[i][e] - results[0][e])));
      }
      BOOST_TEST(worst < 1e-4);  // |C| ~ sqrt(600) / 3; float rounding of 600 terms
    }
  }
  for (const std::string& kernel : gemm_internal::CpuPackedKernels()) {
    BOOST_TEST_CONTEXT(kernel) {
      const GemmImplementation* one = Find(impls, kernel);
      const GemmImplementation* two = Find(impls, kernel + "-2threads");
      BOOST_REQUIRE(one != nullptr);
      BOOST_REQUIRE(two != nullptr);
      BOOST_TEST(results[static_cast<size_t>(one - impls.data())] == results[static_cast<size_t>(two - impls.data())]);
    }
  }
}

// Gemm() runs the widest packed kernel by default; SelectPackedKernel() makes
// it run another, or none, and refuses a kernel this CPU does not run.
BOOST_AUTO_TEST_CASE(SelectPackedKernelChangesWhatGemmRuns) {
  const std::vector<std::string> kernels = gemm_internal::CpuPackedKernels();
  const std::string saved = gemm_internal::SelectedPackedKernel();
  BOOST_TEST(saved == (kernels.empty() ? "" : kernels.front()));
  for (const std::string& kernel : kernels) {
    BOOST_TEST(gemm_internal::SelectPackedKernel(kernel));
    BOOST_TEST(gemm_internal::SelectedPackedKernel() == kernel);
    BOOST_TEST(gemm_internal::HasPackedKernel());
    BOOST_TEST(GemmUsesPackedKernel(128, 128, 128));
  }
  BOOST_TEST(gemm_internal::SelectPackedKernel(""));
  BOOST_TEST(gemm_internal::SelectedPackedKernel() == "");
  BOOST_TEST(!gemm_internal::HasPackedKernel());
  BOOST_TEST(!GemmUsesPackedKernel(128, 128, 128));
  BOOST_TEST(!gemm_internal::SelectPackedKernel("sse2"));
  BOOST_TEST(gemm_internal::SelectedPackedKernel() == "");
  BOOST_TEST(gemm_internal::SelectPackedKernel(saved));
  BOOST_TEST(gemm_internal::SelectedPackedKernel() == saved);
}

BOOST_AUTO_TEST_CASE(MaxThreadsIsSetAndAtLeastOne) {
  const int saved = GemmMaxThreads();
  BOOST_TEST(saved >= 1);
  SetGemmMaxThreads(1);
  BOOST_TEST(GemmMaxThreads() == 1);
  SetGemmMaxThreads(0);  // at least one
  BOOST_TEST(GemmMaxThreads() == 1);
  SetGemmMaxThreads(saved);
  BOOST_TEST(GemmMaxThreads() == saved);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::kernels
