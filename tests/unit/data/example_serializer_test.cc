// SPDX-License-Identifier: Apache-2.0
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "tfcompat/data/example.h"
#include "tfcompat/tensorflow/example.pb.h"

namespace tfcompat::data {
namespace {

// protobuf's deterministic serialization (map entries sorted by key), as
// TF's SerializeToString(deterministic=True) writes it.
std::string Deterministic(const tensorflow::Example& example) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    BOOST_REQUIRE(example.SerializeToCodedStream(&coded));
  }
  return out;
}

template <typename T>
std::vector<T> Flat(const Tensor& t) {
  const std::span<const T> v = t.flat<T>();
  return {v.begin(), v.end()};
}

BOOST_AUTO_TEST_SUITE(ExampleSerializerTest)

BOOST_AUTO_TEST_CASE(WritesTheDocumentedBytes) {
  BOOST_TEST(SerializeExample({{"a", std::vector<float>{1.0f}}}) ==
             std::string("\x0a\x0f\x0a\x0d\x0a\x01"
                         "a\x12\x08\x12\x06\x0a\x04\x00\x00\x80\x3f",
                         17));
  BOOST_TEST(SerializeExample({}) == std::string("\x0a\x00", 2));
}

BOOST_AUTO_TEST_CASE(MatchesProtobufsDeterministicSerialization) {
  const std::string long_string(300, 'x');
  std::vector<float> many_floats(200);
  for (size_t i = 0; i < many_floats.size(); ++i) many_floats[i] = static_cast<float>(i) * 0.5f;
  const std::map<std::string, FeatureValues> features = {
      {"z", std::vector<int64_t>{-3, 300, INT64_MIN, INT64_MAX, 0}},
      {"b", std::vector<std::string>{"ab", "", long_string}},
      {"empty_floats", std::vector<float>{}},
      {"empty_ints", std::vector<int64_t>{}},
      {"empty_bytes", std::vector<std::string>{}},
      {"many", many_floats},
      {"", std::vector<float>{-0.0f}},
  };
  tensorflow::Example example;
  auto& map = *example.mutable_features()->mutable_feature();
  for (int64_t v : std::get<std::vector<int64_t>>(features.at("z"))) map["z"].mutable_int64_list()->add_value(v);
  for (const std::string& v : std::get<std::vector<std::string>>(features.at("b"))) {
    map["b"].mutable_bytes_list()->add_value(v);
  }
  map["empty_floats"].mutable_float_list();
  map["empty_ints"].mutable_int64_list();
  map["empty_bytes"].mutable_bytes_list();
  for (float v : many_floats) map["many"].mutable_float_list()->add_value(v);
  map[""].mutable_float_list()->add_value(-0.0f);
  BOOST_TEST(SerializeExample(features) == Deterministic(example));
}

BOOST_AUTO_TEST_CASE(ParsesBackToTheSameValues) {
  const std::vector<std::string> records = {
      SerializeExample({{"f", std::vector<float>{1.5f, -2.0f}},
                        {"i", std::vector<int64_t>{INT64_MIN}},
                        {"v", std::vector<std::string>{"x", std::string(200, 'y')}}}),
      SerializeExample({{"f", std::vector<float>{3.0f, 4.0f}}, {"i", std::vector<int64_t>{7}}}),
  };
  const std::vector<std::string_view> views(records.begin(), records.end());
  const ParsedFeatures p = ParseExamples(views, {{"f", FixedLenFeature{.shape = {2}, .dtype = DataType::kFloat}},
                                                 {"i", FixedLenFeature{.shape = {}, .dtype = DataType::kInt64}},
                                                 {"v", VarLenFeature{.dtype = DataType::kString}}})
                               .value();
  BOOST_TEST(Flat<float>(p.dense.at("f")) == std::vector<float>({1.5f, -2.0f, 3.0f, 4.0f}));
  BOOST_TEST(Flat<int64_t>(p.dense.at("i")) == std::vector<int64_t>({INT64_MIN, 7}));
  BOOST_TEST(p.sparse.at("v").values.strings() == std::vector<std::string>({"x", std::string(200, 'y')}));
  BOOST_TEST(Flat<int64_t>(p.sparse.at("v").dense_shape) == std::vector<int64_t>({2, 2}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::data
