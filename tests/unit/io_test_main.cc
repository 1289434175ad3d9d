#define BOOST_TEST_MODULE io_test
#include <boost/test/unit_test.hpp>
