// SPDX-License-Identifier: Apache-2.0
// The first version of TF's ParseExample op (TF 1 exports: each key a
// string scalar input of its own) in SavedModel::Run: dense features with
// and without defaults, VarLen ones as sparse triples, TF Serving's
// half_plus_two regressions, and a record that is no tf.train.Example.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tfcompat/data/example.h"
#include "tfcompat/saved_model/saved_model.h"
#include "util/saved_models.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::TempDir;
using testing::WriteAll;

// Signature "parse": input "examples" (string [?]); outputs the sparse
// int64 feature "ids" (ids_indices, ids_values, ids_shape) and the dense
// float feature "x" of shape [2], default [0.5, 0.5].
// clang-format off
constexpr const char* kParseModel = R"pb(
saved_model_schema_version: 1
meta_graphs {
  meta_info_def { tags: "serve" }
  graph_def {
    node { name: "examples" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } attr { key: "shape" value { shape { dim { size: -1 } } } } }
    node { name: "names" op: "Const" attr { key: "dtype" value { type: DT_STRING } } attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { dim { size: 0 } } } } } }
    node { name: "sparse_key" op: "Const" attr { key: "dtype" value { type: DT_STRING } } attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape {} string_val: "ids" } } } }
    node { name: "dense_key" op: "Const" attr { key: "dtype" value { type: DT_STRING } } attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape {} string_val: "x" } } } }
    node { name: "default" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } } float_val: [ 0.5, 0.5 ] } } } }
    node { name: "parse" op: "ParseExample" input: [ "examples", "names", "sparse_key", "dense_key", "default" ]
           attr { key: "Nsparse" value { i: 1 } } attr { key: "Ndense" value { i: 1 } }
           attr { key: "sparse_types" value { list { type: DT_INT64 } } } attr { key: "Tdense" value { list { type: DT_FLOAT } } }
           attr { key: "dense_shapes" value { list { shape { dim { size: 2 } } } } } }
  }
  signature_def {
    key: "parse"
    value {
      inputs { key: "examples" value { name: "examples:0" dtype: DT_STRING tensor_shape { dim { size: -1 } } } }
      outputs { key: "ids_indices" value { name: "parse:0" dtype: DT_INT64 } }
      outputs { key: "ids_values" value { name: "parse:1" dtype: DT_INT64 } }
      outputs { key: "ids_shape" value { name: "parse:2" dtype: DT_INT64 } }
      outputs { key: "x" value { name: "parse:3" dtype: DT_FLOAT } }
      method_name: "tensorflow/serving/predict"
    }
  }
}
)pb";
// clang-format on

template <typename T>
std::vector<T> Values(const Tensor& tensor) {
  return std::vector<T>(tensor.flat<T>().begin(), tensor.flat<T>().end());
}

std::map<std::string, Tensor> Examples(const std::string& key, std::vector<std::string> records) {
  std::map<std::string, Tensor> inputs;
  const int64_t size = static_cast<int64_t>(records.size());
  inputs[key] = Tensor::FromStrings({size}, std::move(records)).value();
  return inputs;
}

BOOST_AUTO_TEST_SUITE(parse_example)

BOOST_AUTO_TEST_CASE(dense_features_take_defaults_and_var_len_ones_become_sparse_triples) {
  TempDir dir;
  WriteAll(dir.file("saved_model.pbtxt"), kParseModel);
  const auto model = SavedModel::Load(dir.path(), {"serve"});
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  const auto outputs =
      (*model)->Run("parse", Examples("examples", {data::SerializeExample({{"ids", std::vector<int64_t>{7, 8, 9}},
                                                                           {"x", std::vector<float>{1.5f, -2.0f}}}),
                                                   data::SerializeExample({{"ids", std::vector<int64_t>{4}}})}));
  BOOST_TEST_REQUIRE(outputs.ok(), outputs.status());
  const Tensor& x = outputs->at("x");
  BOOST_TEST(x.shape() == (TensorShape{2, 2}), boost::test_tools::per_element());
  // The second record lacks "x": the default.
  BOOST_TEST(Values<float>(x) == (std::vector<float>{1.5f, -2.0f, 0.5f, 0.5f}), boost::test_tools::per_element());
  BOOST_TEST(outputs->at("ids_indices").shape() == (TensorShape{4, 2}), boost::test_tools::per_element());
  BOOST_TEST(Values<int64_t>(outputs->at("ids_indices")) == (std::vector<int64_t>{0, 0, 0, 1, 0, 2, 1, 0}),
             boost::test_tools::per_element());
  BOOST_TEST(Values<int64_t>(outputs->at("ids_values")) == (std::vector<int64_t>{7, 8, 9, 4}),
             boost::test_tools::per_element());
  BOOST_TEST(Values<int64_t>(outputs->at("ids_shape")) == (std::vector<int64_t>{2, 3}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_record_that_is_no_example_fails_the_run_in_tf_wording) {
  TempDir dir;
  WriteAll(dir.file("saved_model.pbtxt"), kParseModel);
  const auto model = SavedModel::Load(dir.path(), {"serve"});
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  const Status status = (*model)->Run("parse", Examples("examples", {"\xff\xff not a proto"})).status();
  BOOST_TEST(Contains(status, "Could not parse example input"), status);
  BOOST_TEST(Contains(status, "node 'parse' (ParseExample)"), status);
}

BOOST_AUTO_TEST_CASE(a_key_that_is_not_a_string_scalar_fails_load_naming_it) {
  TempDir dir;
  std::string text = kParseModel;
  const std::string scalar_key = R"(tensor_shape {} string_val: "x")";
  text.replace(text.find(scalar_key), scalar_key.size(), R"(tensor_shape { dim { size: 2 } } string_val: ["x", "y"])");
  WriteAll(dir.file("saved_model.pbtxt"), text);
  const Status status = SavedModel::Load(dir.path(), {"serve"}).status();
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status, "dense_keys[0] must be a string scalar, got shape [2]"), status);
}

BOOST_AUTO_TEST_CASE(tf_serving_half_plus_two_regresses_from_examples) {
  // TF Serving's TF 1.14 half_plus_two: y = 0.5 x + 2 and y2 = 0.5 x + 3
  // from feature "x"; its parser requires "x2" too (empty defaults). What
  // TF 2.15 gives on these records.
  const auto model = SavedModel::Load(testing::TfServingModel("half_plus_two_cpu"), {"serve"});
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  const auto examples = Examples(
      "inputs", {data::SerializeExample({{"x", std::vector<float>{1.0f}}, {"x2", std::vector<float>{4.0f}}}),
                 data::SerializeExample({{"x", std::vector<float>{-6.0f}}, {"x2", std::vector<float>{2.0f}}})});
  const auto y = (*model)->Run("regress_x_to_y", examples);
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  BOOST_TEST(Values<float>(y->at("outputs")) == (std::vector<float>{2.5f, -1.0f}), boost::test_tools::per_element());
  const auto y2 = (*model)->Run("regress_x_to_y2", examples);
  BOOST_TEST_REQUIRE(y2.ok(), y2.status());
  BOOST_TEST(Values<float>(y2->at("outputs")) == (std::vector<float>{3.5f, 0.0f}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
