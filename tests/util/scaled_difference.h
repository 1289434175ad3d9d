// SPDX-License-Identifier: Apache-2.0
// How far a float result computed in another order (a sum over ranks instead
// of one product, ...) strays from the expected one, in units of the
// expected tensor's scale: elements near zero then count for as much as the
// tensor's large ones, not infinitely more.
#ifndef TFCOMPAT_TESTS_UTIL_SCALED_DIFFERENCE_H_
#define TFCOMPAT_TESTS_UTIL_SCALED_DIFFERENCE_H_

#include <algorithm>
#include <cmath>
#include <span>

namespace tfcompat::testing {

// max |got - expected| / max |expected| (0 for equal arrays; the plain
// largest difference when expected is all zeros). Arrays of different sizes
// are infinitely far apart.
inline double ScaledDifference(std::span<const float> got, std::span<const float> expected) {
  if (got.size() != expected.size()) return INFINITY;
  double difference = 0, scale = 0;
  for (size_t k = 0; k < got.size(); ++k) {
    difference = std::max(difference, std::abs(double{got[k]} - double{expected[k]}));
    scale = std::max(scale, std::abs(double{expected[k]}));
  }
  return scale > 0 ? difference / scale : difference;
}

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_SCALED_DIFFERENCE_H_
