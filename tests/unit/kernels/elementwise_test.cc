// SPDX-License-Identifier: Apache-2.0
// The elementwise kernels (elementwise.h) against a double-precision
// reference, for every implementation this CPU runs
// (elementwise_internal::AvailableImplementations(): Eigen, AVX2, AVX-512 and
// the dispatch): every length around the vector widths, unaligned arrays,
// and special values.
#include "kernels/elementwise.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace tfcompat::kernels {
namespace {

using elementwise_internal::AvailableImplementations;
using elementwise_internal::Implementation;

BOOST_AUTO_TEST_SUITE(elementwise)

BOOST_AUTO_TEST_CASE(ImplementationsIncludeEigenAndDispatch) {
  const std::vector<Implementation> implementations = AvailableImplementations();
  BOOST_TEST(implementations.front().name == "eigen");
  BOOST_TEST(implementations.back().name == "dispatch");
}

// accum += grad^2 as float does it (one rounding more or less: Eigen built
// for a CPU with FMA fuses the two); var -= lr grad / sqrt(accum) to within
// the few ulp of a refined reciprocal square root. Lengths 0 ... 40
// cover whole vectors and every tail of 8 and 16 lanes; the arrays start one
// float past an aligned boundary, and the float past the end must stay.
BOOST_AUTO_TEST_CASE(AdagradMatchesTheReferenceAtEveryLength) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-2.0f, 2.0f);
  for (const Implementation& implementation : AvailableImplementations()) {
    for (size_t n = 0; n <= 40; ++n) {
      BOOST_TEST_CONTEXT(implementation.name << " n=" << n) {
        std::vector<float> grad(n + 2), accum(n + 2), var(n + 2);
        for (size_t i = 0; i < n + 2; ++i) {
          grad[i] = uniform(rng);
          accum[i] = 0.1f + std::abs(uniform(rng));
          var[i] = uniform(rng);
        }
        const std::vector<float> accum0 = accum, var0 = var;
        const float lr = 0.05f;
        implementation.adagrad(n, grad.data() + 1, accum.data() + 1, var.data() + 1, lr);
        for (size_t i = 1; i <= n; ++i) {
          const float want_accum = accum0[i] + grad[i] * grad[i];
          BOOST_TEST(std::abs(accum[i] - want_accum) <= 0x1p-23f * want_accum);
          const double step = static_cast<double>(lr) * grad[i] / std::sqrt(static_cast<double>(want_accum));
          const double want_var = static_cast<double>(var0[i]) - step;
          // A few ulp of the step, and the rounding of the subtraction.
          BOOST_TEST(std::abs(var[i] - want_var) <= 4e-7 * std::abs(step) + 1e-7 * std::abs(want_var));
        }
        BOOST_TEST(accum[0] == accum0[0]);
        BOOST_TEST(var[0] == var0[0]);
        BOOST_TEST(accum[n + 1] == accum0[n + 1]);
        BOOST_TEST(var[n + 1] == var0[n + 1]);
      }
    }
  }
}

// An accumulator of 0 divides by 0 (var becomes -inf or NaN, as in TF); an
// infinite one takes no step; a NaN gradient makes var NaN.
BOOST_AUTO_TEST_CASE(AdagradSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const Implementation& implementation : AvailableImplementations()) {
    BOOST_TEST_CONTEXT(implementation.name) {
      // Lane 0 of a vector with other lanes normal, so that the kernels' slow
      // path for special values runs beside the fast one.
      std::vector<float> grad(17, 1.0f), accum(17, 3.0f), var(17, 1.0f);
      grad[0] = 0.0f;  // accum stays 0: lr * 0 * inf = NaN
      accum[0] = 0.0f;
      accum[1] = inf;    // no step
      grad[2] = 1e-30f;  // accum = 1e-60 underflows to 0 in float: -inf step
      accum[2] = 0.0f;
      grad[3] = nan;
      implementation.adagrad(grad.size(), grad.data(), accum.data(), var.data(), 1.0f);
      BOOST_TEST(std::isnan(var[0]));
      BOOST_TEST(var[1] == 1.0f);
      BOOST_TEST(var[2] == -inf);
      BOOST_TEST(std::isnan(var[3]));
      BOOST_TEST(std::isnan(accum[3]));
      BOOST_TEST(accum[4] == 4.0f);
      BOOST_TEST(std::abs(var[4] - 0.5f) <= 1e-7f);
    }
  }
}

// Logits [rows, cols] column-major: mostly within +-20, and every fifth row
// with one class 120 below the others, whose probability (e^-120) is below
// FLT_MIN and may be 0.
std::vector<float> Logits(int64_t rows, int64_t cols, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-20.0f, 20.0f);
  std::vector<float> z(static_cast<size_t>(rows * cols));
  for (float& v : z) v = uniform(rng);
  for (int64_t b = 0; b < rows; b += 5) z[static_cast<size_t>(b + (cols - 1) * rows)] -= 120.0f;
  return z;
}

// Every row count around the vector widths, 1 to 5 classes.
BOOST_AUTO_TEST_CASE(SoftmaxMatchesTheReference) {
  std::mt19937 rng(11);
  for (const Implementation& implementation : AvailableImplementations()) {
    for (int64_t rows = 1; rows <= 40; ++rows) {
      for (int64_t cols = 1; cols <= 5; ++cols) {
        BOOST_TEST_CONTEXT(implementation.name << " rows=" << rows << " cols=" << cols) {
          const std::vector<float> z = Logits(rows, cols, rng);
          std::vector<float> p(z.size() + 1, -1.0f), logsumexp(static_cast<size_t>(rows) + 1, -1.0f);
          implementation.softmax(rows, cols, z.data(), p.data(), logsumexp.data());
          int wrong = 0;
          for (int64_t b = 0; b < rows; ++b) {
            float max = z[static_cast<size_t>(b)];
            for (int64_t j = 1; j < cols; ++j) max = std::max(max, z[static_cast<size_t>(b + j * rows)]);
            // z - max rounded to float, as every implementation computes it:
            // the exponential of that exactly, then summed and divided.
            const auto shifted = [&](int64_t j) {
              return static_cast<double>(z[static_cast<size_t>(b + j * rows)] - max);
            };
            double sum = 0;
            for (int64_t j = 0; j < cols; ++j) sum += std::exp(shifted(j));
            for (int64_t j = 0; j < cols; ++j) {
              const size_t at = static_cast<size_t>(b + j * rows);
              const double want = std::exp(shifted(j)) / sum;
              if (!(std::abs(p[at] - want) <= 1e-6 * want + 1e-37) && ++wrong <= 3) {
                BOOST_ERROR("p(" << b << ", " << j << ") = " << p[at] << ", expected " << want);
              }
            }
            const double want_lse = std::log(sum) + max;
            BOOST_TEST(std::abs(logsumexp[static_cast<size_t>(b)] - want_lse) <=
                       1e-6 * std::max(1.0, std::abs(want_lse)));
          }
          BOOST_TEST(wrong == 0);
          BOOST_TEST(p.back() == -1.0f);  // nothing written past the end
          BOOST_TEST(logsumexp.back() == -1.0f);
        }
      }
    }
  }
}

// A NaN or an infinity in a row makes that row NaN, and only that row; the
// output may overwrite the logits.
BOOST_AUTO_TEST_CASE(SoftmaxSpecialValuesAndInPlace) {
  const float inf = std::numeric_limits<float>::infinity();
  for (const Implementation& implementation : AvailableImplementations()) {
    BOOST_TEST_CONTEXT(implementation.name) {
      const int64_t rows = 19, cols = 3;
      std::mt19937 rng(3);
      std::vector<float> z = Logits(rows, cols, rng);
      z[2 + 1 * rows] = std::numeric_limits<float>::quiet_NaN();
      z[17 + 0 * rows] = inf;
      std::vector<float> p(z.size()), logsumexp(rows);
      implementation.softmax(rows, cols, z.data(), p.data(), logsumexp.data());
      for (int64_t j = 0; j < cols; ++j) {
        BOOST_TEST(std::isnan(p[static_cast<size_t>(2 + j * rows)]));
        BOOST_TEST(std::isnan(p[static_cast<size_t>(17 + j * rows)]));
      }
      BOOST_TEST(std::isnan(logsumexp[2]));
      BOOST_TEST(std::isnan(logsumexp[17]));
      // The other rows: finite, summing to 1; and the same in place.
      std::vector<float> in_place = z, in_place_logsumexp(rows);
      implementation.softmax(rows, cols, in_place.data(), in_place.data(), in_place_logsumexp.data());
      for (int64_t b = 0; b < rows; ++b) {
        if (b == 2 || b == 17) continue;
        double total = 0;
        for (int64_t j = 0; j < cols; ++j) total += p[static_cast<size_t>(b + j * rows)];
        BOOST_TEST(std::abs(total - 1.0) <= 1e-6);
        BOOST_TEST(std::isfinite(logsumexp[static_cast<size_t>(b)]));
      }
      // Bit for bit (NaN included).
      BOOST_TEST(std::memcmp(in_place.data(), p.data(), p.size() * sizeof(float)) == 0);
      BOOST_TEST(std::memcmp(in_place_logsumexp.data(), logsumexp.data(), logsumexp.size() * sizeof(float)) == 0);
    }
  }
}

BOOST_AUTO_TEST_CASE(SelectImplementationRefusesUnknownNames) {
  BOOST_TEST(!elementwise_internal::SelectImplementation("sse9"));
  BOOST_TEST(!elementwise_internal::SelectImplementation("dispatch"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::kernels
