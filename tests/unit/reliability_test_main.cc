#define BOOST_TEST_MODULE reliability_test
#include <boost/test/unit_test.hpp>
