// SPDX-License-Identifier: Apache-2.0
// Tensor::Reset: a new dtype and shape in the buffers the tensor already
// has, and bad shapes refused with the tensor left as it was.
#include "tfcompat/checkpoint/tensor.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <vector>

namespace tfcompat {
namespace {

BOOST_AUTO_TEST_SUITE(tensor)

BOOST_AUTO_TEST_CASE(reset_to_fewer_bytes_keeps_the_buffer) {
  Tensor t = Tensor::FromVector<float>(DataType::kFloat, {2, 3}, {1, 2, 3, 4, 5, 6});
  const char* buffer = t.bytes().data();
  const std::vector<int64_t> shape = {3, 1};
  BOOST_TEST_REQUIRE(t.Reset(DataType::kInt32, shape).ok());
  BOOST_TEST((t.dtype() == DataType::kInt32));
  BOOST_TEST(t.shape() == shape, boost::test_tools::per_element());
  BOOST_TEST(t.num_elements() == 3);
  BOOST_TEST(t.bytes().size() == 12u);
  BOOST_TEST(static_cast<const void*>(t.bytes().data()) == static_cast<const void*>(buffer));
}

BOOST_AUTO_TEST_CASE(reset_to_strings_makes_one_string_per_element) {
  Tensor t = Tensor::FromVector<float>(DataType::kFloat, {2}, {1, 2});
  const std::vector<int64_t> shape = {2, 2};
  BOOST_TEST_REQUIRE(t.Reset(DataType::kString, shape).ok());
  BOOST_TEST(t.strings().size() == 4u);
  BOOST_TEST(t.bytes().empty());
  const std::vector<int64_t> scalar;
  BOOST_TEST_REQUIRE(t.Reset(DataType::kInt64, scalar).ok());
  BOOST_TEST(t.strings().empty());
  BOOST_TEST(t.bytes().size() == 8u);
}

BOOST_AUTO_TEST_CASE(reset_refuses_bad_shapes_and_dtypes_leaving_the_tensor_unchanged) {
  Tensor t = Tensor::FromVector<int32_t>(DataType::kInt32, {2}, {7, 8});
  const std::vector<int64_t> negative = {2, -1}, overflowing = {int64_t{1} << 62}, fine = {2};
  BOOST_TEST((t.Reset(DataType::kFloat, negative).code() == StatusCode::kInvalidArgument));
  BOOST_TEST((t.Reset(DataType::kFloat, overflowing).code() == StatusCode::kInvalidArgument));
  BOOST_TEST((t.Reset(DataType::kResource, fine).code() == StatusCode::kInvalidArgument));
  BOOST_TEST((t == Tensor::FromVector<int32_t>(DataType::kInt32, {2}, {7, 8})));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
