// SPDX-License-Identifier: Apache-2.0
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "tfcompat/data/example.h"
#include "tfcompat/tensorflow/example.pb.h"
#include "util/example_bytes.h"

namespace tfcompat::data {
namespace {

using testing::BytesFeature;
using testing::Example;
using testing::FloatFeature;
using testing::Int64Feature;

template <typename T>
std::vector<T> Flat(const Tensor& t) {
  const std::span<const T> v = t.flat<T>();
  return {v.begin(), v.end()};
}

ParsedFeatures Parse(const std::vector<std::string>& records, const ExampleSpec& spec) {
  const std::vector<std::string_view> views(records.begin(), records.end());
  return ParseExamples(views, spec).value();
}

Status ParseError(const std::vector<std::string>& records, const ExampleSpec& spec) {
  const std::vector<std::string_view> views(records.begin(), records.end());
  StatusOr<ParsedFeatures> parsed = ParseExamples(views, spec);
  BOOST_REQUIRE(!parsed.ok());
  return parsed.status();
}

void CheckInvalid(const std::vector<std::string>& records, const ExampleSpec& spec, const std::string& message) {
  const Status s = ParseError(records, spec);
  BOOST_TEST((s.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(s.message() == message);
}

// Three records of every kind of value, some missing.
ExampleSpec MixedSpec() {
  ExampleSpec spec;
  spec["f"] = FixedLenFeature{.shape = {2}, .dtype = DataType::kFloat};
  spec["i"] = FixedLenFeature{
      .shape = {}, .dtype = DataType::kInt64, .default_value = Tensor::FromVector<int64_t>(DataType::kInt64, {}, {-1})};
  spec["s"] = FixedLenFeature{.shape = {1, 2}, .dtype = DataType::kString};
  spec["vf"] = VarLenFeature{.dtype = DataType::kFloat};
  spec["vi"] = VarLenFeature{.dtype = DataType::kInt64};
  spec["vs"] = VarLenFeature{.dtype = DataType::kString};
  return spec;
}

BOOST_AUTO_TEST_SUITE(ExampleParserTest)

BOOST_AUTO_TEST_CASE(ParsesHandWrittenBytes) {
  // Example{features{feature{key: "a" value{float_list{value: 1.0}}}}}.
  const std::string record(
      "\x0a\x0f\x0a\x0d\x0a\x01"
      "a\x12\x08\x12\x06\x0a\x04\x00\x00\x80\x3f",
      17);
  ExampleSpec spec;
  spec["a"] = FixedLenFeature{.shape = {1}, .dtype = DataType::kFloat};
  const ParsedFeatures parsed = Parse({record}, spec);
  BOOST_TEST(parsed.batch_size == 1);
  BOOST_TEST(parsed.dense.at("a").shape() == TensorShape({1, 1}));
  BOOST_TEST(Flat<float>(parsed.dense.at("a")) == std::vector<float>{1.0f});
  BOOST_TEST(record == Example({{"a", FloatFeature({1.0f})}}));
}

BOOST_AUTO_TEST_CASE(ProtoFilesSerializeTheSameBytes) {
  tensorflow::Example example;
  auto& features = *example.mutable_features()->mutable_feature();
  features["x"].mutable_int64_list()->add_value(-3);
  features["x"].mutable_int64_list()->add_value(300);
  BOOST_TEST(example.SerializeAsString() == Example({{"x", Int64Feature({-3, 300})}}));
  tensorflow::Example strings;
  (*strings.mutable_features()->mutable_feature())["s"].mutable_bytes_list()->add_value("ab");
  BOOST_TEST(strings.SerializeAsString() == Example({{"s", BytesFeature({"ab"})}}));
}

BOOST_AUTO_TEST_CASE(DenseAndSparseAsParseExampleReturnsThem) {
  const std::vector<std::string> records = {
      Example({{"f", FloatFeature({1, 2})},
               {"i", Int64Feature({7})},
               {"s", BytesFeature({"a", "b"})},
               {"vf", FloatFeature({0.5f, 1.5f})},
               {"vs", BytesFeature({"x"})}}),
      Example({{"f", FloatFeature({3, 4})}, {"s", BytesFeature({"c", "d"})}, {"vi", Int64Feature({-5, 6, 7})}}),
      Example({{"vs", BytesFeature({"y", "z"})},
               {"f", FloatFeature({5, 6})},
               {"s", BytesFeature({"e", ""})},
               {"i", Int64Feature({9})},
               {"vf", FloatFeature({})}}),
  };
  const ParsedFeatures p = Parse(records, MixedSpec());
  BOOST_TEST(p.batch_size == 3);
  BOOST_TEST(p.dense.at("f").shape() == TensorShape({3, 2}));
  BOOST_TEST(Flat<float>(p.dense.at("f")) == std::vector<float>({1, 2, 3, 4, 5, 6}));
  BOOST_TEST(p.dense.at("i").shape() == TensorShape({3}));
  BOOST_TEST(Flat<int64_t>(p.dense.at("i")) == std::vector<int64_t>({7, -1, 9}));
  BOOST_TEST(p.dense.at("s").shape() == TensorShape({3, 1, 2}));
  BOOST_TEST(p.dense.at("s").strings() == std::vector<std::string>({"a", "b", "c", "d", "e", ""}));

  const SparseFeature& vf = p.sparse.at("vf");
  BOOST_TEST(vf.indices.shape() == TensorShape({2, 2}));
  BOOST_TEST(Flat<int64_t>(vf.indices) == std::vector<int64_t>({0, 0, 0, 1}));
  BOOST_TEST(Flat<float>(vf.values) == std::vector<float>({0.5f, 1.5f}));
  BOOST_TEST(Flat<int64_t>(vf.dense_shape) == std::vector<int64_t>({3, 2}));
  const SparseFeature& vi = p.sparse.at("vi");
  BOOST_TEST(Flat<int64_t>(vi.indices) == std::vector<int64_t>({1, 0, 1, 1, 1, 2}));
  BOOST_TEST(Flat<int64_t>(vi.values) == std::vector<int64_t>({-5, 6, 7}));
  BOOST_TEST(Flat<int64_t>(vi.dense_shape) == std::vector<int64_t>({3, 3}));
  const SparseFeature& vs = p.sparse.at("vs");
  BOOST_TEST(Flat<int64_t>(vs.indices) == std::vector<int64_t>({0, 0, 2, 0, 2, 1}));
  BOOST_TEST(vs.values.strings() == std::vector<std::string>({"x", "y", "z"}));
  BOOST_TEST(Flat<int64_t>(vs.dense_shape) == std::vector<int64_t>({3, 2}));
}

BOOST_AUTO_TEST_CASE(AnEmptyBatchHasZeroRows) {
  const ParsedFeatures p = Parse({}, MixedSpec());
  BOOST_TEST(p.batch_size == 0);
  BOOST_TEST(p.dense.at("f").shape() == TensorShape({0, 2}));
  BOOST_TEST(p.sparse.at("vi").indices.shape() == TensorShape({0, 2}));
  BOOST_TEST(Flat<int64_t>(p.sparse.at("vi").dense_shape) == std::vector<int64_t>({0, 0}));
}

BOOST_AUTO_TEST_CASE(ReadsUnpackedListsAndSkipsUnknownFields) {
  // float_list{value: 1.5 value: -2} one fixed32 field each; int64_list one
  // varint field each (-1 as ten bytes); an unknown field 9 in the Example,
  // in the Features map and in the list.
  std::string floats = "\x0d";
  PutFixed32(&floats, 0x3fc00000u);
  floats += "\x0d";
  PutFixed32(&floats, 0xc0000000u);
  floats += "\x48\x01";
  std::string ints = "\x08\x05\x08";
  PutVarint64(&ints, static_cast<uint64_t>(int64_t{-1}));
  std::string record = Example({{"f", testing::LengthDelimited(2, floats)},
                                {"unused", FloatFeature({1})},
                                {"i", testing::LengthDelimited(3, ints)}});
  record += testing::LengthDelimited(9, "junk");
  ExampleSpec spec;
  spec["f"] = FixedLenFeature{.shape = {2}, .dtype = DataType::kFloat};
  spec["i"] = VarLenFeature{.dtype = DataType::kInt64};
  const ParsedFeatures p = Parse({record}, spec);
  BOOST_TEST(Flat<float>(p.dense.at("f")) == std::vector<float>({1.5f, -2.0f}));
  BOOST_TEST(Flat<int64_t>(p.sparse.at("i").values) == std::vector<int64_t>({5, -1}));
}

BOOST_AUTO_TEST_CASE(AnEmptyPackedFieldHoldsNoValues) {
  // float_list{value: []} written as a packed field of length 0, then one
  // value; into an empty batch tensor too (shape [0]).
  std::string floats = std::string("\x0a\x00\x0d", 3);
  PutFixed32(&floats, 0x3f800000u);
  ExampleSpec spec;
  spec["v"] = VarLenFeature{.dtype = DataType::kFloat};
  spec["none"] = FixedLenFeature{.shape = {0}, .dtype = DataType::kFloat};
  const ParsedFeatures p = Parse({Example({{"v", testing::LengthDelimited(2, floats)},
                                           {"none", testing::LengthDelimited(2, std::string("\x0a\x00", 2))}})},
                                 spec);
  BOOST_TEST(Flat<float>(p.sparse.at("v").values) == std::vector<float>{1.0f});
  BOOST_TEST(p.dense.at("none").shape() == TensorShape({1, 0}));
}

BOOST_AUTO_TEST_CASE(FindsEachOfManyKeysThatDifferOnlyInTheMiddle) {
  ExampleSpec spec;
  std::vector<std::pair<std::string, std::string>> features;
  for (int64_t i = 0; i < 300; ++i) {
    const std::string key = "category_feature_" + std::to_string(i) + "_embedding_bucket";
    spec[key] = FixedLenFeature{.shape = {}, .dtype = DataType::kInt64};
    features.emplace_back(key, Int64Feature({i}));
  }
  features.emplace_back("category_feature_300_embedding_bucket", Int64Feature({-1}));  // not in the spec
  const ParsedFeatures p = Parse({Example(features)}, spec);
  BOOST_REQUIRE(p.dense.size() == 300u);
  for (int64_t i = 0; i < 300; ++i) {
    BOOST_TEST(Flat<int64_t>(p.dense.at("category_feature_" + std::to_string(i) + "_embedding_bucket")) ==
               std::vector<int64_t>{i});
  }
}

BOOST_AUTO_TEST_CASE(TheLastEntryOfADuplicatedKeyWins) {
  // Two Example messages concatenated merge, as protobuf parsing does.
  const std::string record = Example({{"a", FloatFeature({1})}}) + Example({{"a", FloatFeature({2})}});
  ExampleSpec spec;
  spec["a"] = FixedLenFeature{.shape = {}, .dtype = DataType::kFloat};
  BOOST_TEST(Flat<float>(Parse({record}, spec).dense.at("a")) == std::vector<float>{2.0f});
}

BOOST_AUTO_TEST_CASE(AFeatureWithoutAListTakesTheDefault) {
  ExampleSpec spec;
  spec["a"] = FixedLenFeature{
      .shape = {1}, .dtype = DataType::kFloat, .default_value = Tensor::FromVector<float>(DataType::kFloat, {1}, {7})};
  spec["v"] = VarLenFeature{.dtype = DataType::kFloat};
  const ParsedFeatures p = Parse({Example({{"a", ""}, {"v", ""}}), std::string()}, spec);
  BOOST_TEST(Flat<float>(p.dense.at("a")) == std::vector<float>({7, 7}));
  BOOST_TEST(Flat<int64_t>(p.sparse.at("v").dense_shape) == std::vector<int64_t>({2, 0}));
}

BOOST_AUTO_TEST_CASE(StringDefaultsFillMissingRecords) {
  ExampleSpec spec;
  spec["s"] =
      FixedLenFeature{.shape = {2}, .dtype = DataType::kString, .default_value = *Tensor::FromStrings({2}, {"p", "q"})};
  const ParsedFeatures p = Parse({Example({}), Example({{"s", BytesFeature({"a", "b"})}})}, spec);
  BOOST_TEST(p.dense.at("s").strings() == std::vector<std::string>({"p", "q", "a", "b"}));
}

BOOST_AUTO_TEST_CASE(AMissingRequiredFeatureIsTfsError) {
  ExampleSpec spec;
  spec["a"] = FixedLenFeature{.shape = {1}, .dtype = DataType::kFloat};
  CheckInvalid({Example({{"a", FloatFeature({1})}}), Example({{"b", FloatFeature({1})}})}, spec,
               "Name: record 1, Feature: a (data type: float) is required but could not be found.");
  spec["a"] = FixedLenFeature{.shape = {1}, .dtype = DataType::kInt64};
  CheckInvalid({Example({{"a", ""}})}, spec,
               "Name: record 0, Feature: a (data type: int64) is required but could not be found.");
}

BOOST_AUTO_TEST_CASE(AWrongTypeIsTfsError) {
  ExampleSpec spec;
  spec["a"] = FixedLenFeature{.shape = {1}, .dtype = DataType::kFloat};
  CheckInvalid({Example({{"a", FloatFeature({1})}}), Example({{"a", Int64Feature({1})}})}, spec,
               "Name: record 1, Key: a, Index: 1.  Data types don't match. Data type: int64 but expected type: float");
  spec["a"] = VarLenFeature{.dtype = DataType::kFloat};
  CheckInvalid({Example({{"a", BytesFeature({})}})}, spec,
               "Name: record 0, Key: a, Index: 0.  Data types don't match. Expected type: float, Actual type: string");
}

BOOST_AUTO_TEST_CASE(AWrongValueCountIsTfsError) {
  ExampleSpec spec;
  spec["a"] = FixedLenFeature{.shape = {2}, .dtype = DataType::kFloat};
  CheckInvalid({Example({{"a", FloatFeature({1, 2, 3})}})}, spec,
               "Name: record 0, Key: a, Index: 0.  Number of float values != expected.  Values size: 3 but output "
               "shape: [2]");
  // A present but empty list is a count error even with a default.
  spec["a"] =
      FixedLenFeature{.shape = {1}, .dtype = DataType::kString, .default_value = *Tensor::FromStrings({1}, {"d"})};
  CheckInvalid({Example({{"a", BytesFeature({})}})}, spec,
               "Name: record 0, Key: a, Index: 0.  Number of bytes values != expected.  Values size: 0 but output "
               "shape: [1]");
}

BOOST_AUTO_TEST_CASE(ErrorsNameTheRecordByItsGivenName) {
  ExampleSpec spec;
  spec["a"] = FixedLenFeature{.shape = {}, .dtype = DataType::kInt64};
  ExampleParser parser = ExampleParser::Create(spec).value();
  const std::vector<std::string> records = {Example({})};
  const std::vector<std::string_view> views(records.begin(), records.end());
  const std::vector<std::string> names = {"train.tfrecord:record 4"};
  ParsedFeatures out;
  const Status s = parser.Parse(views, &out, names);
  BOOST_TEST(s.message() ==
             "Name: train.tfrecord:record 4, Feature: a (data type: int64) is required but could not be found.");
  const std::vector<std::string> two_names = {"x", "y"};
  BOOST_TEST((parser.Parse(views, &out, two_names).code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(RejectsABadSpec) {
  const auto code = [](const ExampleSpec& spec) { return ExampleParser::Create(spec).status().code(); };
  BOOST_TEST((code({{"", VarLenFeature{}}}) == StatusCode::kInvalidArgument));
  BOOST_TEST((code({{"a", VarLenFeature{.dtype = DataType::kDouble}}}) == StatusCode::kInvalidArgument));
  BOOST_TEST((code({{"a", FixedLenFeature{.shape = {-1}}}}) == StatusCode::kInvalidArgument));
  BOOST_TEST((code({{"a", FixedLenFeature{.shape = {2},
                                          .dtype = DataType::kFloat,
                                          .default_value = Tensor::FromVector<float>(DataType::kFloat, {1}, {0})}}}) ==
              StatusCode::kInvalidArgument));
  BOOST_TEST(
      (code({{"a", FixedLenFeature{.shape = {1},
                                   .dtype = DataType::kFloat,
                                   .default_value = Tensor::FromVector<int64_t>(DataType::kInt64, {1}, {0})}}}) ==
       StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(MalformedBytesAreDataLossNamingTheRecord) {
  ExampleSpec spec;
  spec["a"] = FixedLenFeature{.shape = {1}, .dtype = DataType::kFloat};
  const Status s = ParseError({Example({{"a", FloatFeature({1})}}), std::string("\x0a\x05"
                                                                                "abc",
                                                                                5)},
                              spec);
  BOOST_TEST((s.code() == StatusCode::kDataLoss));
  BOOST_TEST(s.message() ==
             "Name: record 1, Could not parse example input: an Example's features run past its end "
             "(5 bytes)");
  // A packed float list of 3 bytes.
  const Status odd =
      ParseError({Example({{"a", testing::LengthDelimited(2, testing::LengthDelimited(1, "abc"))}})}, spec);
  BOOST_TEST((odd.code() == StatusCode::kDataLoss));
}

BOOST_AUTO_TEST_CASE(EveryTruncationAndByteFlipIsAnErrorOrAValidParse) {
  const std::string record = Example({{"f", FloatFeature({1, 2})},
                                      {"i", Int64Feature({7})},
                                      {"s", BytesFeature({"a", "b"})},
                                      {"vf", FloatFeature({0.5f, 1.5f})},
                                      {"vi", Int64Feature({-1, 1 << 20})},
                                      {"vs", BytesFeature({"x"})}});
  const ExampleParser parser = ExampleParser::Create(MixedSpec()).value();
  ParsedFeatures out;
  int truncations_rejected = 0;
  for (size_t n = 0; n < record.size(); ++n) {
    const std::string_view prefix(record.data(), n);
    const Status s = parser.Parse(std::span(&prefix, 1), &out);
    if (!s.ok()) {
      BOOST_TEST((s.code() == StatusCode::kDataLoss || s.code() == StatusCode::kInvalidArgument));
      ++truncations_rejected;
    }
  }
  // Every cut inside the one Features field breaks its length; the empty
  // prefix is an Example without the required "f".
  BOOST_TEST(truncations_rejected == static_cast<int>(record.size()));
  for (size_t at = 0; at < record.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = record;
      flipped[at] = static_cast<char>(flipped[at] ^ (1 << bit));
      const std::string_view view = flipped;
      const Status s = parser.Parse(std::span(&view, 1), &out);
      if (s.ok()) {
        BOOST_TEST(out.batch_size == 1);
        BOOST_TEST(out.dense.at("f").num_elements() == 2);
      } else {
        BOOST_TEST((s.code() == StatusCode::kDataLoss || s.code() == StatusCode::kInvalidArgument));
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::data
