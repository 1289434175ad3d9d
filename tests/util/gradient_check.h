// SPDX-License-Identifier: Apache-2.0
// A model's analytic gradient checked against central differences.
#ifndef TFCOMPAT_TESTS_UTIL_GRADIENT_CHECK_H_
#define TFCOMPAT_TESTS_UTIL_GRADIENT_CHECK_H_

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "tfcompat/model/model.h"

namespace tfcompat::testing {

// Compares every analytic d(loss)/d(param) with a central difference.
// The same seed gives the same dropout mask on every evaluation.
inline void CheckGradients(model::Model& model, const data::Batch& batch) {
  model::VariableStore& store = model.variables();
  constexpr uint64_t kSeed = 99;
  BOOST_REQUIRE(model.ComputeGradients(batch, kSeed).ok());
  const std::vector<float> analytic(store.gradients().begin(), store.gradients().end());
  const float eps = 1e-3f;
  int checked = 0;
  for (size_t i = 0; i < store.num_params(); ++i) {
    const float saved = store.params()[i];
    store.params()[i] = saved + eps;
    const double up = model.ComputeGradients(batch, kSeed).value().loss;
    store.params()[i] = saved - eps;
    const double down = model.ComputeGradients(batch, kSeed).value().loss;
    store.params()[i] = saved;
    const double numeric = (up - down) / (2.0 * eps);
    BOOST_TEST(std::abs(numeric - analytic[i]) <= 5e-3 + 1e-2 * std::abs(numeric),
               "param " << i << ": numeric " << numeric << " analytic " << analytic[i]);
    ++checked;
  }
  BOOST_TEST(checked == static_cast<int>(store.num_params()));
}

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_GRADIENT_CHECK_H_
