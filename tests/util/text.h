// SPDX-License-Identifier: Apache-2.0
// Text checks for test assertions: BOOST_TEST(Contains(status, "key w")).
#ifndef TFCOMPAT_TESTS_UTIL_TEXT_H_
#define TFCOMPAT_TESTS_UTIL_TEXT_H_

#include <string_view>

#include "tfcompat/base/status.h"

namespace tfcompat::testing {

// Whether `text` contains `part`.
inline bool Contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// Whether the status, as ToString() prints it (code name and message),
// contains `part`.
inline bool Contains(const Status& status, std::string_view part) { return Contains(status.ToString(), part); }

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_TEXT_H_
