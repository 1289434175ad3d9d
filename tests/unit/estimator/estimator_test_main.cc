#define BOOST_TEST_MODULE estimator_test
#include <boost/test/unit_test.hpp>
