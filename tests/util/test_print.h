// SPDX-License-Identifier: Apache-2.0
// Lets Boost.Test print tfcompat enums in a failed BOOST_TEST (found by ADL).
#ifndef TFCOMPAT_TESTS_UTIL_TEST_PRINT_H_
#define TFCOMPAT_TESTS_UTIL_TEST_PRINT_H_

#include <ostream>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/summary/event_file_reader.h"

namespace tfcompat {

inline std::ostream& boost_test_print_type(std::ostream& os, StatusCode code) { return os << StatusCodeName(code); }
inline std::ostream& boost_test_print_type(std::ostream& os, DataType dtype) { return os << DataTypeName(dtype); }
inline std::ostream& boost_test_print_type(std::ostream& os, ValueKind kind) { return os << ValueKindName(kind); }
inline std::ostream& boost_test_print_type(std::ostream& os, EventKind kind) { return os << EventKindName(kind); }

}  // namespace tfcompat

#endif  // TFCOMPAT_TESTS_UTIL_TEST_PRINT_H_
