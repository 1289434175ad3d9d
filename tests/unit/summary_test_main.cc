#define BOOST_TEST_MODULE summary_test
#include <boost/test/unit_test.hpp>
