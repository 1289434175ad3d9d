#define BOOST_TEST_MODULE checkpoint_test
#include <boost/test/unit_test.hpp>
