// SPDX-License-Identifier: Apache-2.0
// The Boost.Test main() of every unit-test executable, named after it by
// the compile definition TFCOMPAT_TEST_MODULE.
#define BOOST_TEST_MODULE TFCOMPAT_TEST_MODULE
#include <boost/test/unit_test.hpp>
