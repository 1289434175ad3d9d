// SPDX-License-Identifier: Apache-2.0
#include "feature_column_spec.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace tfcompat::estimator_tool {
namespace {

using feature_column::FeatureColumn;

const std::string kSpecDir = std::string(TFCOMPAT_TESTDATA) + "/feature_column_spec";

std::vector<std::string> Names(const std::vector<FeatureColumn>& columns) {
  std::vector<std::string> names;
  for (const FeatureColumn& c : columns) names.push_back(c.name());
  return names;
}

// The error of parsing `text` as the spec file "dir/spec.json".
std::string ErrorOf(const std::string& text) {
  const StatusOr<FeatureColumnSpec> spec = ParseFeatureColumnSpec(text, "dir/spec.json");
  BOOST_REQUIRE(!spec.ok());
  BOOST_CHECK(spec.status().code() == StatusCode::kInvalidArgument);
  return spec.status().message();
}

// A spec whose DNN reads the columns `columns` (JSON members) define.
std::string Dnn(const std::string& columns, const std::string& dnn) {
  return R"({"columns": {)" + columns + R"(}, "dnn_feature_columns": [)" + dnn + "]}";
}

constexpr char kIsland[] =
    R"("island": {"categorical_column_with_vocabulary_list": {"key": "island", "vocabulary_list": ["a", "b"]}})";

BOOST_AUTO_TEST_SUITE(feature_column_spec)

BOOST_AUTO_TEST_CASE(every_column_function_builds_the_library_column) {
  const StatusOr<FeatureColumnSpec> spec = ReadFeatureColumnSpec(kSpecDir + "/every_column.json");
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  BOOST_CHECK((Names(spec->linear_feature_columns) ==
               std::vector<std::string>{"island_X_sex_X_year_raw", "island_weighted_by_body_mass_g", "island",
                                        "year_index", "flipper_length_mm_bucketized"}));
  BOOST_CHECK(
      (Names(spec->dnn_feature_columns) == std::vector<std::string>{"island_embedding", "sex_indicator",
                                                                    "bill_length_mm", "flipper_length_mm_bucketized"}));
  const std::vector<FeatureColumn>& linear = spec->linear_feature_columns;
  BOOST_CHECK_EQUAL(linear[0].categorical()->num_buckets(), 16);
  BOOST_CHECK_EQUAL(linear[1].categorical()->num_buckets(), 4);  // two words, two OOV buckets
  BOOST_CHECK_EQUAL(linear[2].categorical()->num_buckets(), 7);
  BOOST_CHECK_EQUAL(linear[3].categorical()->num_buckets(), 3);
  BOOST_CHECK_EQUAL(linear[4].categorical()->num_buckets(), 4);
  const std::vector<FeatureColumn>& dnn = spec->dnn_feature_columns;
  BOOST_CHECK_EQUAL(dnn[0].dense_dimension(), 2);
  BOOST_CHECK(dnn[0].combiner() == feature_column::Combiner::kSqrtn);
  BOOST_CHECK_EQUAL(dnn[1].dense_dimension(), 2);  // the vocabulary file's two lines
  BOOST_CHECK_EQUAL(*dnn[2].default_value(), 40.0f);
}

BOOST_AUTO_TEST_CASE(raw_features_are_typed_as_make_parse_example_spec_gives_them) {
  const StatusOr<FeatureColumnSpec> spec = ReadFeatureColumnSpec(kSpecDir + "/every_column.json");
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  const data::ExampleSpec& raw = spec->raw_features;
  std::vector<std::string> keys;
  for (const auto& [key, feature] : raw) keys.push_back(key);
  BOOST_CHECK((keys == std::vector<std::string>{"bill_length_mm", "body_mass_g", "flipper_length_mm", "island", "sex",
                                                "year_index", "year_raw"}));
  BOOST_CHECK(std::get<data::VarLenFeature>(raw.at("island")).dtype == DataType::kString);
  BOOST_CHECK(std::get<data::VarLenFeature>(raw.at("year_index")).dtype == DataType::kInt64);
  BOOST_CHECK(std::get<data::VarLenFeature>(raw.at("body_mass_g")).dtype == DataType::kFloat);
  const auto& bill = std::get<data::FixedLenFeature>(raw.at("bill_length_mm"));
  BOOST_REQUIRE(bill.default_value.has_value());
  BOOST_CHECK_EQUAL(bill.default_value->flat<float>()[0], 40.0f);
  BOOST_CHECK(!std::get<data::FixedLenFeature>(raw.at("flipper_length_mm")).default_value.has_value());
}

BOOST_AUTO_TEST_CASE(a_bucketized_column_reads_its_source_with_the_source_default) {
  const StatusOr<FeatureColumnSpec> spec =
      ParseFeatureColumnSpec(Dnn(R"("mass": {"numeric_column": {"key": "mass", "default_value": 4000}},
             "mass_b": {"bucketized_column": {"source_column": "mass", "boundaries": [3500, 4500]}})",
                                 R"("mass", "mass_b")"),
                             "spec.json");
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  const auto& mass = std::get<data::FixedLenFeature>(spec->raw_features.at("mass"));
  BOOST_REQUIRE(mass.default_value.has_value());
  BOOST_CHECK_EQUAL(mass.default_value->flat<float>()[0], 4000.0f);
}

BOOST_AUTO_TEST_CASE(a_relative_vocabulary_file_is_recorded_absolute) {
  const StatusOr<FeatureColumnSpec> spec = ReadFeatureColumnSpec(kSpecDir + "/every_column.json");
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  const std::string absolute = (std::filesystem::absolute(kSpecDir) / "vocab/sex.txt").lexically_normal().string();
  BOOST_CHECK_MESSAGE(spec->json.find("\"vocabulary_file\":\"" + absolute + "\"") != std::string::npos, spec->json);
  // The recorded spec reads as the file does, wherever it is parsed from.
  const StatusOr<FeatureColumnSpec> again = ParseFeatureColumnSpec(spec->json, "/elsewhere/estimator.json");
  BOOST_REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  BOOST_CHECK_EQUAL(again->json, spec->json);
}

BOOST_AUTO_TEST_CASE(an_unknown_function_names_the_column) {
  const std::string error = ErrorOf(Dnn(R"("x": {"numeric_colum": {"key": "x"}})", R"("x")"));
  BOOST_CHECK_MESSAGE(error.starts_with("dir/spec.json: column 'x': unknown function 'numeric_colum'"), error);
}

BOOST_AUTO_TEST_CASE(an_unknown_argument_names_the_column_and_the_argument) {
  const std::string error = ErrorOf(Dnn(R"("x": {"numeric_column": {"key": "x", "normalizer_fn": "log"}})", R"("x")"));
  BOOST_CHECK_MESSAGE(
      error.starts_with("dir/spec.json: column 'x': unknown argument 'normalizer_fn' of numeric_column"), error);
}

BOOST_AUTO_TEST_CASE(a_missing_required_argument_is_named) {
  const std::string error = ErrorOf(Dnn(std::string(kIsland) + R"(, "e": {"embedding_column": {"categorical_column":
                                                                   "island"}})",
                                        R"("e")"));
  BOOST_CHECK_EQUAL(error, "dir/spec.json: column 'e': embedding_column needs argument 'dimension'");
}

BOOST_AUTO_TEST_CASE(a_value_of_the_wrong_json_type_is_named) {
  const std::string error = ErrorOf(Dnn(std::string(kIsland) + R"(, "e": {"embedding_column": {"categorical_column":
                                                                   "island", "dimension": "2"}})",
                                        R"("e")"));
  BOOST_CHECK_EQUAL(error,
                    "dir/spec.json: column 'e': argument 'dimension' of embedding_column must be an integer, "
                    "got \"2\"");
}

BOOST_AUTO_TEST_CASE(a_dangling_name_is_an_error) {
  BOOST_CHECK_EQUAL(ErrorOf(Dnn(R"("e": {"indicator_column": {"categorical_column": "island"}})", R"("e")")),
                    "dir/spec.json: column 'e': argument 'categorical_column' names 'island', which is no column");
  BOOST_CHECK_EQUAL(ErrorOf(Dnn(kIsland, R"("islands")")),
                    "dir/spec.json: 'dnn_feature_columns' names 'islands', which is no column");
}

BOOST_AUTO_TEST_CASE(a_reference_cycle_is_an_error) {
  const std::string error = ErrorOf(Dnn(R"("a": {"indicator_column": {"categorical_column": "b"}},
                     "b": {"weighted_categorical_column": {"categorical_column": "c", "weight_feature_key": "w"}},
                     "c": {"crossed_column": {"keys": ["b", "x"], "hash_bucket_size": 4}})",
                                        R"("a")"));
  BOOST_CHECK_EQUAL(error, "dir/spec.json: column 'b': reference cycle: b -> c -> b");
}

BOOST_AUTO_TEST_CASE(a_categorical_column_among_the_dnn_columns_gets_tfs_error) {
  const std::string error = ErrorOf(Dnn(kIsland, R"("island")"));
  BOOST_CHECK_EQUAL(error,
                    "dir/spec.json: column 'island': in 'dnn_feature_columns': Items of feature_columns must be a "
                    "_DenseColumn. You can wrap a categorical column with an embedding_column or indicator_column. "
                    "Given: categorical_column_with_vocabulary_list 'island'");
}

BOOST_AUTO_TEST_CASE(a_categorical_column_is_fine_for_the_linear_model) {
  const StatusOr<FeatureColumnSpec> spec = ParseFeatureColumnSpec(
      R"({"columns": {)" + std::string(kIsland) + R"(}, "linear_feature_columns": ["island"]})", "spec.json");
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
  BOOST_CHECK(spec->linear_feature_columns.at(0).kind() == FeatureColumn::Kind::kCategorical);
  BOOST_CHECK(spec->dnn_feature_columns.empty());
}

BOOST_AUTO_TEST_CASE(a_bucketized_source_that_is_not_numeric_gets_tfs_error) {
  const std::string error =
      ErrorOf(Dnn(std::string(kIsland) + R"(, "b": {"bucketized_column": {"source_column": "island",
                                                                          "boundaries": [1]}})",
                  R"("b")"));
  BOOST_CHECK_EQUAL(error,
                    "dir/spec.json: column 'b': source_column must be a column generated with numeric_column(). "
                    "Given: categorical_column_with_vocabulary_list 'island'");
}

BOOST_AUTO_TEST_CASE(a_factory_error_is_prefixed_with_the_spec_and_column) {
  const std::string error = ErrorOf(Dnn(R"("e": {"categorical_column_with_hash_bucket": {"key": "k",
                                                                                          "hash_bucket_size": 0}})",
                                        R"("e")"));
  BOOST_CHECK_MESSAGE(error.starts_with("dir/spec.json: column 'e': "), error);
}

BOOST_AUTO_TEST_CASE(feature_columns_of_a_canned_estimator_keep_categorical_columns_and_name_the_dnns_error) {
  const StatusOr<FeatureColumnSpec> spec = ParseFeatureColumnSpec(
      R"({"columns": {)" + std::string(kIsland) +
          R"(, "island_emb": {"embedding_column": {"categorical_column": "island", "dimension": 2}}},
          "feature_columns": ["island_emb", "island"]})",
      "dir/spec.json");
  BOOST_REQUIRE(spec.ok());
  BOOST_CHECK((Names(spec->feature_columns) == std::vector<std::string>{"island_embedding", "island"}));
  BOOST_CHECK(spec->linear_feature_columns.empty() && spec->dnn_feature_columns.empty());
  BOOST_CHECK_EQUAL(spec->dnn_error.message(),
                    "dir/spec.json: column 'island': in 'feature_columns': Items of feature_columns must be a "
                    "_DenseColumn. You can wrap a categorical column with an embedding_column or indicator_column. "
                    "Given: categorical_column_with_vocabulary_list 'island'");
  BOOST_CHECK(spec->raw_features.count("island") == 1u);
}

BOOST_AUTO_TEST_CASE(a_spec_without_model_inputs_is_an_error) {
  BOOST_CHECK_MESSAGE(
      ErrorOf(R"({"columns": {}})").find("give 'feature_columns' (DNNClassifier, LinearClassifier, ...) or") !=
          std::string::npos,
      "");
  BOOST_CHECK_MESSAGE(ErrorOf(R"({"columns": {}, "feature_columns": [], "dnn_feature_columns": []})")
                              .find("DNNLinearCombinedClassifier") != std::string::npos,
                      "");
  BOOST_CHECK_EQUAL(ErrorOf(R"({"columns": {}, "feature_columns": []})"),
                    "dir/spec.json: 'feature_columns' must name one or more columns");
  BOOST_CHECK_MESSAGE(ErrorOf("{\"columns\": ").starts_with("dir/spec.json: not valid JSON"), "");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::estimator_tool
