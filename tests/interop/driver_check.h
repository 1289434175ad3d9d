// SPDX-License-Identifier: Apache-2.0
// How the interop drivers give up: a failed step prints "<what>: <status>"
// on stderr and exits 2, which the Python tests report with the output.
#ifndef TFCOMPAT_TESTS_INTEROP_DRIVER_CHECK_H_
#define TFCOMPAT_TESTS_INTEROP_DRIVER_CHECK_H_

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

#include "tfcompat/base/status.h"

namespace tfcompat::interop {

template <typename T>
T Check(StatusOr<T> value, const std::string& what) {
  if (!value.ok()) {
    std::cerr << what << ": " << value.status().ToString() << "\n";
    std::exit(2);
  }
  return std::move(value).value();
}

inline void Check(const Status& status, const std::string& what) {
  if (!status.ok()) {
    std::cerr << what << ": " << status.ToString() << "\n";
    std::exit(2);
  }
}

}  // namespace tfcompat::interop

#endif  // TFCOMPAT_TESTS_INTEROP_DRIVER_CHECK_H_
