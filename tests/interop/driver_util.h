// SPDX-License-Identifier: Apache-2.0
// What the interop drivers share: how they give up (Check: a failed step
// prints "<what>: <status>" on stderr and exits 2, which the Python tests
// report with the output) and how they pass bytes as text (ToHex, FromHex).
#ifndef TFCOMPAT_TESTS_INTEROP_DRIVER_UTIL_H_
#define TFCOMPAT_TESTS_INTEROP_DRIVER_UTIL_H_

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
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

// Lowercase hex of `bytes`, two digits a byte, for Python's bytes.fromhex.
inline std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (const unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// The bytes of lowercase hex `hex` (as ToHex writes it) into *bytes; false
// for an odd length or a character that is not a lowercase hex digit.
inline bool FromHex(std::string_view hex, std::string* bytes) {
  const auto nibble = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  if (hex.size() % 2 != 0) return false;
  bytes->clear();
  bytes->reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int high = nibble(hex[i]), low = nibble(hex[i + 1]);
    if (high < 0 || low < 0) return false;
    bytes->push_back(static_cast<char>(high * 16 + low));
  }
  return true;
}

}  // namespace tfcompat::interop

#endif  // TFCOMPAT_TESTS_INTEROP_DRIVER_UTIL_H_
