// SPDX-License-Identifier: Apache-2.0
// SavedModel::Load and Run on small hand-written graphs, and the Graph they
// are checked and pruned by: dangling inputs, repeated names, cycles, graphs
// deeper than any stack, unknown ops, attributes and dtypes, unfed
// placeholders, uninitialized variables, constants declaring more than the
// limit and kernels whose outputs would pass it, each error naming the
// node; and the values of a run.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "io/text_proto.h"
#include "saved_model/graph.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/data/example.h"
#include "tfcompat/saved_model/saved_model.h"
#include "tfcompat/tensorflow/graph.pb.h"
#include "util/saved_models.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using saved_model::Graph;
using testing::Contains;
using testing::TempDir;
using testing::WriteAll;

tensorflow::GraphDef ParseGraph(const std::string& text) {
  tensorflow::GraphDef graph;
  const Status parsed = ParseTextProto(text, &graph);
  BOOST_TEST_REQUIRE(parsed.ok(), parsed.ToString());
  return graph;
}

// x: float [?,2] placeholder; w: the constant [[1,-2],[3,4]]; y = relu(x w).
// One node a line, unformatted, so that the tests can edit it by
// replacing a line's text.
// clang-format off
constexpr const char* kDenseNodes = R"pb(
  node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
  node { name: "w" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: 2 } } float_val: [ 1, -2, 3, 4 ] } } } }
  node { name: "product" op: "MatMul" input: [ "x", "w" ] attr { key: "T" value { type: DT_FLOAT } } }
  node { name: "y" op: "Relu" input: "product" attr { key: "T" value { type: DT_FLOAT } } }
)pb";
// clang-format on

// A SavedModel in `dir` whose "serve" graph has `nodes` and the signature
// "predict": input "x" (x:0, float [?,2]) and output "y" (y:0); with
// `init_op`, that node is the "saved_model_main_op".
void WriteModel(const TempDir& dir, const std::string& nodes, const std::string& init_op = "") {
  const std::string collection =
      init_op.empty()
          ? ""
          : "collection_def { key: \"saved_model_main_op\" value { node_list { value: \"" + init_op + "\" } } }";
  WriteAll(dir.file("saved_model.pbtxt"), R"pb(
                                                saved_model_schema_version: 1
                                                meta_graphs { meta_info_def { tags: "serve" }
                                                              graph_def {)pb" +
                                              nodes + R"pb(}
                                                           signature_def {
        key: "predict"
        value {
          inputs {
            key: "x"
            value {
              name: "x:0"
              dtype: DT_FLOAT
              tensor_shape { dim { size: -1 } dim { size: 2 } }
            }
          }
          outputs {
            key: "y"
            value { name: "y:0" dtype: DT_FLOAT }
          }
          method_name: "tensorflow/serving/predict"
        }
      })pb" + collection +
                                              R"pb(
             }
                                              )pb");
}

Status LoadStatus(const std::string& nodes) {
  TempDir dir;
  WriteModel(dir, nodes);
  return SavedModel::Load(dir.path(), {"serve"}).status();
}

std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  BOOST_TEST_REQUIRE(at != std::string::npos, "no '" << from << "' in the graph");
  text.replace(at, from.size(), to);
  return text;
}

BOOST_AUTO_TEST_SUITE(graph)

BOOST_AUTO_TEST_CASE(an_input_naming_no_node_is_an_error_naming_both) {
  const tensorflow::GraphDef def = ParseGraph(R"pb(node { name: "b" op: "Identity" input: "a:1" })pb");
  const StatusOr<Graph> graph = Graph::Build(def);
  BOOST_TEST(graph.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(graph.status(), "Node 'b': Unknown input node 'a:1'"), graph.status());
}

BOOST_AUTO_TEST_CASE(a_repeated_node_name_is_an_error) {
  const tensorflow::GraphDef def = ParseGraph(R"pb(node { name: "a" op: "NoOp" }
                                                   node { name: "a" op: "NoOp" })pb");
  BOOST_TEST(Contains(Graph::Build(def).status(), "Node 'a' is not unique"));
}

BOOST_AUTO_TEST_CASE(a_malformed_output_index_is_an_error_naming_the_node) {
  const tensorflow::GraphDef def = ParseGraph(R"pb(node { name: "a" op: "NoOp" }
                                                   node { name: "b" op: "Identity" input: "a:x" })pb");
  BOOST_TEST(Contains(Graph::Build(def).status(), "Node 'b': malformed input 'a:x'"));
}

BOOST_AUTO_TEST_CASE(a_cycle_is_an_error_naming_a_node_on_it) {
  const tensorflow::GraphDef def = ParseGraph(R"pb(
    node { name: "a" op: "Identity" input: "b" }
    node { name: "b" op: "Identity" input: "^a" }
    node { name: "out" op: "Identity" input: "a" }
  )pb");
  const StatusOr<Graph> graph = Graph::Build(def);
  BOOST_TEST_REQUIRE(graph.ok(), graph.status());
  const int fetch[] = {graph->FindTensor("out")->node};
  const Status pruned = graph->Prune(fetch, {}).status();
  BOOST_TEST(pruned.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(pruned, "Graph has a cycle at node 'a'"), pruned);
}

BOOST_AUTO_TEST_CASE(pruning_keeps_what_the_fetches_need_in_dependency_order_and_stops_at_feeds) {
  const tensorflow::GraphDef def = ParseGraph(R"pb(
    node { name: "unused" op: "NoOp" }
    node { name: "before_feed" op: "NoOp" }
    node { name: "fed" op: "Identity" input: "^before_feed" }
    node { name: "first" op: "NoOp" }
    node {
      name: "sum"
      op: "AddV2"
      input: [ "fed", "fed", "^first" ]
    }
  )pb");
  const StatusOr<Graph> graph = Graph::Build(def);
  BOOST_TEST_REQUIRE(graph.ok(), graph.status());
  const int fetch[] = {4}, feed[] = {2};
  const StatusOr<std::vector<int>> order = graph->Prune(fetch, feed);
  BOOST_TEST_REQUIRE(order.ok(), order.status());
  BOOST_TEST(*order == (std::vector<int>{2, 3, 4}), boost::test_tools::per_element());
}

std::string ChainNode(int i) {
  std::string name = "n";
  name += std::to_string(i);
  return name;
}

BOOST_AUTO_TEST_CASE(a_chain_deeper_than_any_stack_prunes) {
  tensorflow::GraphDef def;
  def.add_node()->set_name("n0");
  constexpr int kDepth = 200000;
  for (int i = 1; i <= kDepth; ++i) {
    tensorflow::NodeDef* node = def.add_node();
    node->set_name(ChainNode(i));
    node->add_input(ChainNode(i - 1));
  }
  const StatusOr<Graph> graph = Graph::Build(def);
  BOOST_TEST_REQUIRE(graph.ok(), graph.status());
  const int fetch[] = {kDepth};
  const StatusOr<std::vector<int>> order = graph->Prune(fetch, {});
  BOOST_TEST_REQUIRE(order.ok(), order.status());
  BOOST_TEST(order->size() == size_t{kDepth + 1});
  BOOST_TEST(order->front() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(load_and_run)

BOOST_AUTO_TEST_CASE(a_run_computes_the_signature_outputs) {
  TempDir dir;
  WriteModel(dir, kDenseNodes);
  const StatusOr<std::unique_ptr<SavedModel>> model = SavedModel::Load(dir.path(), {"serve"});
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  BOOST_TEST((*model)->signatures().count("predict") == 1u);
  std::map<std::string, Tensor> inputs;
  inputs["x"] = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 1, 2, -1});
  const StatusOr<std::map<std::string, Tensor>> outputs = (*model)->Run("predict", inputs);
  BOOST_TEST_REQUIRE(outputs.ok(), outputs.status());
  // [1,1] w = [4, 2]; [2,-1] w = [-1, -8], relu -> 0.
  const Tensor& y = outputs->at("y");
  BOOST_TEST(y.shape() == (TensorShape{2, 2}), boost::test_tools::per_element());
  const std::vector<float> values(y.flat<float>().begin(), y.flat<float>().end());
  BOOST_TEST(values == (std::vector<float>{4, 2, 0, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_input_of_another_shape_or_dtype_or_key_is_refused) {
  TempDir dir;
  WriteModel(dir, kDenseNodes);
  const auto model = *SavedModel::Load(dir.path(), {"serve"});
  std::map<std::string, Tensor> wrong_shape;
  wrong_shape["x"] = Tensor::FromVector<float>(DataType::kFloat, {1, 3}, {1, 2, 3});
  const Status shape = model->Run("predict", wrong_shape).status();
  BOOST_TEST(Contains(shape, "input 'x' is float [1,3]; the signature expects float [?,2]"), shape);
  std::map<std::string, Tensor> wrong_dtype;
  wrong_dtype["x"] = Tensor::FromVector<int64_t>(DataType::kInt64, {1, 2}, {1, 2});
  BOOST_TEST(Contains(model->Run("predict", wrong_dtype).status(), "input 'x' is int64 [1,2]"));
  BOOST_TEST(Contains(model->Run("predict", {}).status(), "no value for input 'x' (x:0, float [?,2])"));
  BOOST_TEST(Contains(model->Run("classify", {}).status(), "no signature 'classify'; it has 'predict'"));
}

BOOST_AUTO_TEST_CASE(shapes_that_cannot_fit_whatever_is_fed_fail_load_naming_the_node) {
  // A weight of [3,2] against an input of [?,2]: no feed can make MatMul
  // work, which the load says in MatMul's words.
  const Status status = LoadStatus(Replaced(kDenseNodes, "dim { size: 2 } dim { size: 2 } } float_val: [ 1, -2, 3, 4 ]",
                                            "dim { size: 3 } dim { size: 2 } } float_val: [ 1, -2, 3, 4, 5, 6 ]"));
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status,
                      "signature 'predict': node 'product' (MatMul): Matrix size-incompatible: In[0]: [?,2], "
                      "In[1]: [3,2]"),
             status);
}

BOOST_AUTO_TEST_CASE(a_kernel_input_of_another_dtype_than_its_attribute_says_is_an_error) {
  // w an int64 constant, MatMul's T float: a crafted graph must not make the
  // kernel read 8-byte elements as floats.
  TempDir dir;
  WriteModel(
      dir, Replaced(kDenseNodes, "tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: 2 } } float_val",
                    "tensor { dtype: DT_INT64 tensor_shape { dim { size: 2 } dim { size: 2 } } int64_val"));
  const auto model = SavedModel::Load(dir.path(), {"serve"});
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  std::map<std::string, Tensor> inputs;
  inputs["x"] = Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {1, 2});
  const Status status = (*model)->Run("predict", inputs).status();
  BOOST_TEST(Contains(status, "node 'product' (MatMul): In[1] is int64, expected float"), status);
}

BOOST_AUTO_TEST_CASE(element_wise_ops_broadcast_and_name_incompatible_shapes) {
  // y = relu(x w) + offset, offset a constant of shape [2] (broadcast over
  // the rows) or [3] (incompatible with [?,2]).
  const std::string nodes =
      Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\"", "node { name: \"relu\" op: \"Relu\"") +
      R"pb(node {
             name: "offset"
             op: "Const"
             attr {
               key: "value"
               value {
                 tensor {
                   dtype: DT_FLOAT
                   tensor_shape { dim { size: 2 } }
                   float_val: [ 10, 20 ]
                 }
               }
             }
           }
           node {
             name: "y"
             op: "AddV2"
             input: [ "relu", "offset" ]
             attr {
               key: "T"
               value { type: DT_FLOAT }
             }
           })pb";
  std::map<std::string, Tensor> inputs;
  inputs["x"] = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 1, 2, -1});
  {
    TempDir dir;
    WriteModel(dir, nodes);
    const auto model = SavedModel::Load(dir.path(), {"serve"});
    BOOST_TEST_REQUIRE(model.ok(), model.status());
    const StatusOr<std::map<std::string, Tensor>> outputs = (*model)->Run("predict", inputs);
    BOOST_TEST_REQUIRE(outputs.ok(), outputs.status());
    const std::span<const float> y = outputs->at("y").flat<float>();
    BOOST_TEST(std::vector<float>(y.begin(), y.end()) == (std::vector<float>{14, 22, 10, 20}),
               boost::test_tools::per_element());
  }
  // [?,2] against [3]: no feed broadcasts, which the load says.
  const Status status =
      LoadStatus(Replaced(Replaced(nodes, "size: 2 } }\n", "size: 3 } }\n"), "[ 10, 20 ]", "[ 10, 20, 30 ]"));
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status, "signature 'predict': node 'y' (AddV2): Incompatible shapes: [?,2] vs. [3]"), status);
}

// `nodes` planned with the signature of WriteModel, run on x; the output y.
StatusOr<Tensor> RunOnX(const std::string& nodes, const Tensor& x, const std::string& init_op = "") {
  TempDir dir;
  WriteModel(dir, nodes, init_op);
  TFCOMPAT_ASSIGN_OR_RETURN(const auto model, SavedModel::Load(dir.path(), {"serve"}));
  std::map<std::string, Tensor> inputs;
  inputs["x"] = x;
  TFCOMPAT_ASSIGN_OR_RETURN(auto outputs, model->Run("predict", inputs));
  return outputs.at("y");
}

// clang-format off
constexpr const char* kBucketizeNodes = R"pb(
  node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
  node { name: "y" op: "Bucketize" input: "x" attr { key: "T" value { type: DT_FLOAT } } attr { key: "boundaries" value { list { f: [ 0, 2 ] } } } }
)pb";
// clang-format on

BOOST_AUTO_TEST_CASE(bucketize_counts_the_boundaries_at_or_below_each_value) {
  // TF 2.15's tf.raw_ops.Bucketize(input=[-1, 0, 1.5, 2], boundaries=[0, 2]).
  const StatusOr<Tensor> y =
      RunOnX(kBucketizeNodes, Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {-1, 0, 1.5f, 2}));
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  BOOST_TEST(y->dtype() == DataType::kInt32);
  BOOST_TEST(y->shape() == (TensorShape{2, 2}), boost::test_tools::per_element());
  const std::span<const int32_t> buckets = y->flat<int32_t>();
  BOOST_TEST(std::vector<int32_t>(buckets.begin(), buckets.end()) == (std::vector<int32_t>{0, 1, 1, 2}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bucketize_with_unsorted_boundaries_fails_load_in_tf_wording) {
  const Status status = LoadStatus(Replaced(kBucketizeNodes, "f: [ 0, 2 ]", "f: [ 2, 0 ]"));
  BOOST_TEST(Contains(status, "Expected sorted boundaries"), status);
  BOOST_TEST(Contains(status, "'y'"), status);
}

BOOST_AUTO_TEST_CASE(string_to_hash_bucket_fast_gives_tf_bucket_ids) {
  // y = StringToHashBucketFast(AsString(Cast<int64>(x)), 16); the expected ids
  // are TF 2.15's tf.strings.to_hash_bucket_fast(["1", "-3", "2", "0"], 16).
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "text" op: "AsString" input: "ids" attr { key: "T" value { type: DT_INT64 } } }
    node { name: "y" op: "StringToHashBucketFast" input: "text" attr { key: "num_buckets" value { i: 16 } } }
  )pb";
  // clang-format on
  const StatusOr<Tensor> y = RunOnX(nodes, Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, -3, 2, 0}));
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  BOOST_TEST(y->dtype() == DataType::kInt64);
  const std::span<const int64_t> buckets = y->flat<int64_t>();
  BOOST_TEST(std::vector<int64_t>(buckets.begin(), buckets.end()) == (std::vector<int64_t>{1, 3, 7, 15}),
             boost::test_tools::per_element());
  const Status zero_buckets = LoadStatus(Replaced(nodes, "value { i: 16 }", "value { i: 0 }"));
  BOOST_TEST(Contains(zero_buckets, "num_buckets"), zero_buckets);
}

// y = the table {1: 0, 2: 1, 3: 2} (int64 keys, values a cast of int32 ones,
// as index_table_from_tensor imports them) looked up at int64(x), -1 for
// keys it lacks; the table filled by the init op "group_deps".
// clang-format off
constexpr const char* kTableNodes = R"pb(
  node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
  node { name: "table" op: "HashTableV2" attr { key: "key_dtype" value { type: DT_INT64 } } attr { key: "value_dtype" value { type: DT_INT64 } } attr { key: "shared_name" value { s: "hash_table_1" } } }
  node { name: "keys" op: "Const" attr { key: "dtype" value { type: DT_INT64 } } attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { dim { size: 3 } } int64_val: [ 1, 2, 3 ] } } } }
  node { name: "values32" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 3 } } int_val: [ 0, 1, 2 ] } } } }
  node { name: "values" op: "Cast" input: "values32" attr { key: "SrcT" value { type: DT_INT32 } } attr { key: "DstT" value { type: DT_INT64 } } }
  node { name: "table_init" op: "LookupTableImportV2" input: [ "table", "keys", "values" ] attr { key: "Tin" value { type: DT_INT64 } } attr { key: "Tout" value { type: DT_INT64 } } }
  node { name: "group_deps" op: "NoOp" input: "^table_init" }
  node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
  node { name: "default" op: "Const" attr { key: "dtype" value { type: DT_INT64 } } attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { } int64_val: -1 } } } }
  node { name: "y" op: "LookupTableFindV2" input: [ "table", "ids", "default" ] attr { key: "Tin" value { type: DT_INT64 } } attr { key: "Tout" value { type: DT_INT64 } } }
)pb";
// clang-format on

BOOST_AUTO_TEST_CASE(a_table_the_init_op_imports_is_looked_up_with_the_default_for_missing_keys) {
  const StatusOr<Tensor> y =
      RunOnX(kTableNodes, Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 3, 5, 2}), "group_deps");
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  BOOST_TEST(y->dtype() == DataType::kInt64);
  const std::span<const int64_t> ids = y->flat<int64_t>();
  BOOST_TEST(std::vector<int64_t>(ids.begin(), ids.end()) == (std::vector<int64_t>{0, 2, -1, 1}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_table_no_init_op_fills_fails_load_in_tf_wording) {
  const Status status = LoadStatus(kTableNodes);
  BOOST_TEST(Contains(status, "node 'table' (HashTableV2): Table not initialized."), status);
}

BOOST_AUTO_TEST_CASE(an_import_with_a_different_value_for_a_key_fails_load_naming_the_import) {
  TempDir dir;
  WriteModel(dir, Replaced(kTableNodes, "int64_val: [ 1, 2, 3 ]", "int64_val: [ 1, 2, 1 ]"), "group_deps");
  const Status status = SavedModel::Load(dir.path(), {"serve"}).status();
  BOOST_TEST(Contains(status,
                      "init op node 'table_init' (LookupTableImportV2): HashTable has different value for "
                      "same key. Key 1 has 0 and trying to add value 2"),
             status);
}

BOOST_AUTO_TEST_CASE(comparisons_broadcast_and_give_bool) {
  // y = int64(x) OP bound, bound a row [2, 3] or the scalar 2.
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "bound" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { dim { size: 2 } } int64_val: [ 2, 3 ] } } } }
    node { name: "y" op: "GreaterEqual" input: [ "ids", "bound" ] attr { key: "T" value { type: DT_INT64 } } }
  )pb";
  // clang-format on
  const Tensor x = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 3, 5, 2});
  const StatusOr<Tensor> greater_equal = RunOnX(nodes, x);
  BOOST_TEST_REQUIRE(greater_equal.ok(), greater_equal.status());
  BOOST_TEST(greater_equal->dtype() == DataType::kBool);
  std::span<const uint8_t> flags = greater_equal->flat<uint8_t>();
  BOOST_TEST(std::vector<uint8_t>(flags.begin(), flags.end()) == (std::vector<uint8_t>{0, 1, 1, 0}),
             boost::test_tools::per_element());
  const StatusOr<Tensor> not_equal =
      RunOnX(Replaced(Replaced(nodes, "tensor_shape { dim { size: 2 } } int64_val: [ 2, 3 ]", "int64_val: 2"),
                      "\"GreaterEqual\"", "\"NotEqual\""),
             x);
  BOOST_TEST_REQUIRE(not_equal.ok(), not_equal.status());
  flags = not_equal->flat<uint8_t>();
  BOOST_TEST(std::vector<uint8_t>(flags.begin(), flags.end()) == (std::vector<uint8_t>{1, 1, 1, 0}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sum_and_prod_reduce_the_given_axes) {
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
    node { name: "axes" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 1 } } int_val: 1 } } } }
    node { name: "y" op: "Sum" input: [ "x", "axes" ] attr { key: "T" value { type: DT_FLOAT } } attr { key: "keep_dims" value { b: true } } }
  )pb";
  // clang-format on
  const Tensor x = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 3, 5, 2});
  const StatusOr<Tensor> sum = RunOnX(nodes, x);
  BOOST_TEST_REQUIRE(sum.ok(), sum.status());
  BOOST_TEST(sum->shape() == (TensorShape{2, 1}), boost::test_tools::per_element());
  std::span<const float> values = sum->flat<float>();
  BOOST_TEST(std::vector<float>(values.begin(), values.end()) == (std::vector<float>{4, 7}),
             boost::test_tools::per_element());
  const StatusOr<Tensor> product = RunOnX(
      Replaced(Replaced(Replaced(nodes, "int_val: 1", "int_val: 0"), "\"Sum\"", "\"Prod\""), "b: true", "b: false"), x);
  BOOST_TEST_REQUIRE(product.ok(), product.status());
  BOOST_TEST(product->shape() == (TensorShape{2}), boost::test_tools::per_element());
  values = product->flat<float>();
  BOOST_TEST(std::vector<float>(values.begin(), values.end()) == (std::vector<float>{5, 6}),
             boost::test_tools::per_element());
  const StatusOr<Tensor> past_rank = RunOnX(Replaced(nodes, "int_val: 1", "int_val: 2"), x);
  BOOST_TEST(Contains(past_rank.status(), "Invalid reduction dimension (2 for input with 2 dimension(s)"),
             past_rank.status());
}

BOOST_AUTO_TEST_CASE(select_picks_by_condition_and_select_v2_broadcasts) {
  // y = Select(int64(x) >= [2, 3], x, -x); then SelectV2(..., x, 0).
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "bound" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { dim { size: 2 } } int64_val: [ 2, 3 ] } } } }
    node { name: "keep" op: "GreaterEqual" input: [ "ids", "bound" ] attr { key: "T" value { type: DT_INT64 } } }
    node { name: "minus_one" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: -1 } } } }
    node { name: "negated" op: "Mul" input: [ "x", "minus_one" ] attr { key: "T" value { type: DT_FLOAT } } }
    node { name: "y" op: "Select" input: [ "keep", "x", "negated" ] attr { key: "T" value { type: DT_FLOAT } } }
  )pb";
  // clang-format on
  const Tensor x = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 3, 5, 2});
  const StatusOr<Tensor> selected = RunOnX(nodes, x);
  BOOST_TEST_REQUIRE(selected.ok(), selected.status());
  std::span<const float> values = selected->flat<float>();
  BOOST_TEST(std::vector<float>(values.begin(), values.end()) == (std::vector<float>{-1, 3, 5, -2}),
             boost::test_tools::per_element());
  const StatusOr<Tensor> broadcast =
      RunOnX(Replaced(Replaced(nodes, "op: \"Select\" input: [ \"keep\", \"x\", \"negated\" ]",
                               "op: \"SelectV2\" input: [ \"keep\", \"x\", \"zero\" ]"),
                      "float_val: -1 } } } }",
                      "float_val: -1 } } } }\nnode { name: \"zero\" op: \"Const\" attr { key: "
                      "\"value\" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 0 } } } }"),
             x);
  BOOST_TEST_REQUIRE(broadcast.ok(), broadcast.status());
  values = broadcast->flat<float>();
  BOOST_TEST(std::vector<float>(values.begin(), values.end()) == (std::vector<float>{0, 3, 5, 0}),
             boost::test_tools::per_element());
}

// y = relu(x w) + (a + b), b = [10, 20] and a the vector `a`.
std::string FoldedOffsetNodes(const std::string& a) {
  std::string nodes = Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\"", "node { name: \"relu\" op: \"Relu\"");
  // clang-format off
  nodes += "node { name: \"a\" op: \"Const\" attr { key: \"value\" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: " +
           std::to_string(std::count(a.begin(), a.end(), ',') + 1) + " } } float_val: [ " + a + " ] } } } }\n";
  nodes += R"pb(
    node { name: "b" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } } float_val: [ 10, 20 ] } } } }
    node { name: "offset" op: "AddV2" input: [ "a", "b" ] attr { key: "T" value { type: DT_FLOAT } } }
    node { name: "y" op: "AddV2" input: [ "relu", "offset" ] attr { key: "T" value { type: DT_FLOAT } } }
  )pb";
  // clang-format on
  return nodes;
}

BOOST_AUTO_TEST_CASE(a_node_of_constants_only_is_computed_at_load) {
  // a + b folds at load, so shapes that cannot broadcast fail Load, not the
  // first Run.
  const StatusOr<Tensor> y =
      RunOnX(FoldedOffsetNodes("1, 2"), Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {1, 1}));
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  const std::span<const float> values = y->flat<float>();
  BOOST_TEST(std::vector<float>(values.begin(), values.end()) == (std::vector<float>{15, 24}),
             boost::test_tools::per_element());
  const Status status = LoadStatus(FoldedOffsetNodes("1, 2, 3"));
  BOOST_TEST(Contains(status, "node 'offset' (AddV2): Incompatible shapes: [3] vs. [2]"), status);
}

BOOST_AUTO_TEST_CASE(transpose_permutes_the_dimensions_and_names_a_bad_permutation) {
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
    node { name: "perm" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: [ 1, 0 ] } } } }
    node { name: "y" op: "Transpose" input: [ "x", "perm" ] attr { key: "T" value { type: DT_FLOAT } } }
  )pb";
  // clang-format on
  const Tensor x = Tensor::FromVector<float>(DataType::kFloat, {3, 2}, {1, 2, 3, 4, 5, 6});
  const StatusOr<Tensor> y = RunOnX(nodes, x);
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  BOOST_TEST(y->shape() == (TensorShape{2, 3}), boost::test_tools::per_element());
  const std::span<const float> values = y->flat<float>();
  BOOST_TEST(std::vector<float>(values.begin(), values.end()) == (std::vector<float>{1, 3, 5, 2, 4, 6}),
             boost::test_tools::per_element());
  const StatusOr<Tensor> repeated = RunOnX(Replaced(nodes, "int_val: [ 1, 0 ]", "int_val: [ 1, 1 ]"), x);
  BOOST_TEST(Contains(repeated.status(), "node 'y' (Transpose): 1 is duplicated in the input."), repeated.status());
}

BOOST_AUTO_TEST_CASE(one_hot_sets_on_value_at_each_index_and_off_elsewhere) {
  // y = OneHot(int64(x), depth 3, on 1, off 0) on [?,2] indices: [?,2,3];
  // the index 5 is outside the depth and off everywhere.
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "depth" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 3 } } } }
    node { name: "on" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 1 } } } }
    node { name: "off" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 0 } } } }
    node { name: "y" op: "OneHot" input: [ "ids", "depth", "on", "off" ] attr { key: "T" value { type: DT_FLOAT } } attr { key: "TI" value { type: DT_INT64 } } attr { key: "axis" value { i: -1 } } }
  )pb";
  // clang-format on
  const Tensor x = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {0, 2, 5, 1});
  const StatusOr<Tensor> y = RunOnX(nodes, x);
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  BOOST_TEST(y->shape() == (TensorShape{2, 2, 3}), boost::test_tools::per_element());
  std::span<const float> values = y->flat<float>();
  BOOST_TEST(
      std::vector<float>(values.begin(), values.end()) == (std::vector<float>{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}),
      boost::test_tools::per_element());
  // On axis 0: [3,2,2], depth first.
  const StatusOr<Tensor> first = RunOnX(Replaced(nodes, "value { i: -1 }", "value { i: 0 }"), x);
  BOOST_TEST_REQUIRE(first.ok(), first.status());
  BOOST_TEST(first->shape() == (TensorShape{3, 2, 2}), boost::test_tools::per_element());
  values = first->flat<float>();
  BOOST_TEST(
      std::vector<float>(values.begin(), values.end()) == (std::vector<float>{1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(add_n_sums_its_inputs_of_one_shape) {
  // y = AddN(x, x, w) for x [2,2] and w the [2,2] constant of kDenseNodes.
  const std::string nodes =
      Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\" input: \"product\"",
               "node { name: \"y\" op: \"AddN\" input: [ \"x\", \"x\", \"w\" ] attr { key: \"N\" value { i: 3 } }");
  const Tensor x = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 3, 5, 2});
  const StatusOr<Tensor> y = RunOnX(nodes, x);
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  const std::span<const float> values = y->flat<float>();
  BOOST_TEST(std::vector<float>(values.begin(), values.end()) == (std::vector<float>{3, 4, 13, 8}),
             boost::test_tools::per_element());
  const StatusOr<Tensor> other_shape = RunOnX(nodes, Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {1, 3}));
  BOOST_TEST(Contains(other_shape.status(),
                      "node 'y' (AddN): Inputs to operation AddN of type AddN must have the same "
                      "size and shape.  Input 0: [1,2] != input 2: [2,2]"),
             other_shape.status());
}

BOOST_AUTO_TEST_CASE(where_lists_the_coordinates_of_true_elements) {
  // y = Where(int64(x) >= [2, 3]).
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "bound" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT64 tensor_shape { dim { size: 2 } } int64_val: [ 2, 3 ] } } } }
    node { name: "keep" op: "GreaterEqual" input: [ "ids", "bound" ] attr { key: "T" value { type: DT_INT64 } } }
    node { name: "y" op: "Where" input: "keep" attr { key: "T" value { type: DT_BOOL } } }
  )pb";
  // clang-format on
  const StatusOr<Tensor> y = RunOnX(nodes, Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 3, 5, 2}));
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  BOOST_TEST(y->shape() == (TensorShape{2, 2}), boost::test_tools::per_element());
  const std::span<const int64_t> coordinates = y->flat<int64_t>();
  BOOST_TEST(std::vector<int64_t>(coordinates.begin(), coordinates.end()) == (std::vector<int64_t>{0, 1, 1, 0}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unique_keeps_first_appearances_and_indexes_every_element) {
  // unique = Unique(reshape(int64(x), [-1])); y is its output 0 or 1.
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "flat_shape" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 1 } } int_val: -1 } } } }
    node { name: "flat" op: "Reshape" input: [ "ids", "flat_shape" ] attr { key: "T" value { type: DT_INT64 } } }
    node { name: "unique" op: "Unique" input: "flat" attr { key: "T" value { type: DT_INT64 } } attr { key: "out_idx" value { type: DT_INT32 } } }
    node { name: "y" op: "Identity" input: "unique:0" attr { key: "T" value { type: DT_INT64 } } }
  )pb";
  // clang-format on
  const Tensor x = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 3, 1, 2});
  const StatusOr<Tensor> values = RunOnX(nodes, x);
  BOOST_TEST_REQUIRE(values.ok(), values.status());
  const std::span<const int64_t> unique = values->flat<int64_t>();
  BOOST_TEST(std::vector<int64_t>(unique.begin(), unique.end()) == (std::vector<int64_t>{1, 3, 2}),
             boost::test_tools::per_element());
  const StatusOr<Tensor> index = RunOnX(Replaced(nodes, "input: \"unique:0\" attr { key: \"T\" value { type: DT_INT64",
                                                 "input: \"unique:1\" attr { key: \"T\" value { type: DT_INT32"),
                                        x);
  BOOST_TEST_REQUIRE(index.ok(), index.status());
  BOOST_TEST(index->dtype() == DataType::kInt32);
  const std::span<const int32_t> positions = index->flat<int32_t>();
  BOOST_TEST(std::vector<int32_t>(positions.begin(), positions.end()) == (std::vector<int32_t>{0, 1, 0, 2}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(slice_takes_the_block_from_begin_and_names_a_size_past_the_end) {
  // y = x[1:, 1:2] as Slice(x, [1, 1], [-1, 1]).
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } } } } }
    node { name: "begin" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: [ 1, 1 ] } } } }
    node { name: "size" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: [ -1, 1 ] } } } }
    node { name: "y" op: "Slice" input: [ "x", "begin", "size" ] attr { key: "T" value { type: DT_FLOAT } } attr { key: "Index" value { type: DT_INT32 } } }
  )pb";
  // clang-format on
  const Tensor x = Tensor::FromVector<float>(DataType::kFloat, {3, 2}, {1, 2, 3, 4, 5, 6});
  const StatusOr<Tensor> y = RunOnX(nodes, x);
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  BOOST_TEST(y->shape() == (TensorShape{2, 1}), boost::test_tools::per_element());
  const std::span<const float> values = y->flat<float>();
  BOOST_TEST(std::vector<float>(values.begin(), values.end()) == (std::vector<float>{4, 6}),
             boost::test_tools::per_element());
  const StatusOr<Tensor> past_end = RunOnX(Replaced(nodes, "int_val: [ -1, 1 ]", "int_val: [ -1, 2 ]"), x);
  BOOST_TEST(Contains(past_end.status(), "node 'y' (Slice): Expected size[1] in [0, 1], but got 2"), past_end.status());
}

BOOST_AUTO_TEST_CASE(gather_v2_picks_slices_along_the_axis_and_names_an_index_out_of_range) {
  // y = GatherV2(w, int64(x), axis), w the [2,2] constant [[1, -2], [3, 4]].
  std::string nodes = Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\"", "node { name: \"relu\" op: \"Relu\"");
  // clang-format off
  nodes += R"pb(
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "axis" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 0 } } } }
    node { name: "y" op: "GatherV2" input: [ "w", "ids", "axis" ] attr { key: "Tparams" value { type: DT_FLOAT } } attr { key: "Tindices" value { type: DT_INT64 } } attr { key: "Taxis" value { type: DT_INT32 } } }
  )pb";
  // clang-format on
  const Tensor x = Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {1, 0});
  const StatusOr<Tensor> rows = RunOnX(nodes, x);
  BOOST_TEST_REQUIRE(rows.ok(), rows.status());
  BOOST_TEST(rows->shape() == (TensorShape{1, 2, 2}), boost::test_tools::per_element());
  std::span<const float> values = rows->flat<float>();
  BOOST_TEST(std::vector<float>(values.begin(), values.end()) == (std::vector<float>{3, 4, 1, -2}),
             boost::test_tools::per_element());
  const StatusOr<Tensor> columns = RunOnX(Replaced(nodes, "int_val: 0", "int_val: 1"), x);
  BOOST_TEST_REQUIRE(columns.ok(), columns.status());
  BOOST_TEST(columns->shape() == (TensorShape{2, 1, 2}), boost::test_tools::per_element());
  values = columns->flat<float>();
  BOOST_TEST(std::vector<float>(values.begin(), values.end()) == (std::vector<float>{-2, 1, 4, 3}),
             boost::test_tools::per_element());
  const StatusOr<Tensor> past = RunOnX(nodes, Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {2, 0}));
  BOOST_TEST(Contains(past.status(), "node 'y' (GatherV2): indices[0,0] = 2 is not in [0, 2)"), past.status());
}

BOOST_AUTO_TEST_CASE(an_unknown_op_on_the_signature_path_fails_load_naming_op_and_node) {
  const Status status = LoadStatus(Replaced(kDenseNodes, "op: \"Relu\"", "op: \"Gelu2\""));
  BOOST_TEST(status.code() == StatusCode::kNotFound);
  BOOST_TEST(Contains(status, "signature 'predict': Op type not registered 'Gelu2'"), status);
  BOOST_TEST(Contains(status, "used by node 'y'"), status);
}

BOOST_AUTO_TEST_CASE(an_unknown_op_the_signatures_do_not_need_is_pruned_away) {
  const Status status =
      LoadStatus(std::string(kDenseNodes) + R"pb(node { name: "summary" op: "HistogramSummary" input: "y" })pb");
  BOOST_TEST(status.ok(), status);
}

BOOST_AUTO_TEST_CASE(an_attribute_the_op_does_not_have_fails_load) {
  const Status status =
      LoadStatus(Replaced(kDenseNodes, "op: \"Relu\"", "op: \"Relu\" attr { key: \"alpha\" value { f: 0.1 } }"));
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status, "NodeDef mentions attr 'alpha' not in Op<name=Relu>; NodeDef: {{node y}}"), status);
}

BOOST_AUTO_TEST_CASE(a_dtype_without_kernel_fails_load_in_tf_wording) {
  const Status status = LoadStatus(Replaced(kDenseNodes, "input: \"product\" attr { key: \"T\" value { type: DT_FLOAT",
                                            "input: \"product\" attr { key: \"T\" value { type: DT_DOUBLE"));
  BOOST_TEST(Contains(status,
                      "No OpKernel was registered to support Op 'Relu' used by node 'y' with these attrs: "
                      "[T=DT_DOUBLE]"),
             status);
}

BOOST_AUTO_TEST_CASE(an_unfed_placeholder_fails_load_naming_it) {
  const Status status = LoadStatus(Replaced(kDenseNodes, "input: [ \"x\", \"w\" ]", "input: [ \"other\", \"w\" ]") +
                                   R"pb(node {
                                          name: "other"
                                          op: "Placeholder"
                                          attr {
                                            key: "dtype"
                                            value { type: DT_FLOAT }
                                          }
                                        })pb");
  BOOST_TEST(Contains(status, "node 'other' (Placeholder): the signature's outputs need this placeholder"), status);
}

BOOST_AUTO_TEST_CASE(a_variable_the_restore_op_does_not_restore_fails_load) {
  const Status status = LoadStatus(Replaced(kDenseNodes, "input: [ \"x\", \"w\" ]", "input: [ \"x\", \"read\" ]") +
                                   R"pb(node {
                                          name: "v"
                                          op: "VarHandleOp"
                                          attr {
                                            key: "dtype"
                                            value { type: DT_FLOAT }
                                          }
                                        }
                                        node {
                                          name: "read"
                                          op: "ReadVariableOp"
                                          input: "v"
                                          attr {
                                            key: "dtype"
                                            value { type: DT_FLOAT }
                                          }
                                        })pb");
  BOOST_TEST(status.code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(Contains(status, "node 'v' (VarHandleOp): Attempting to use uninitialized value v"), status);
}

BOOST_AUTO_TEST_CASE(a_constant_declaring_more_than_the_limit_fails_before_allocating) {
  // One stored value, a declared shape of 2^40 floats: TF would broadcast the
  // value to 4 TiB.
  const Status status = LoadStatus(Replaced(kDenseNodes, "tensor_shape { dim { size: 2 } dim { size: 2 } }",
                                            "tensor_shape { dim { size: 1048576 } dim { size: 1048576 } }"));
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status,
                      "node 'w' (Const): a TensorProto of shape [1048576,1048576] and dtype DT_FLOAT needs "
                      "4398046511104 bytes"),
             status);
}

// Where a node past the limit fails: a node of constants alone is computed
// once by Load, any other by the run.
enum class FailsAt { kLoad, kRun };

// `nodes` with y an op whose output size follows from its inputs' values:
// Load or the run (`when`) fails naming y before it allocates more than
// max_tensor_bytes.
void CheckOutputPastTheLimitFails(const std::string& nodes, const std::string& error, FailsAt when) {
  TempDir dir;
  WriteModel(dir,
             Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\"", "node { name: \"relu\" op: \"Relu\"") + nodes);
  const auto model = SavedModel::Load(dir.path(), {"serve"});
  Status status = model.status();
  if (when == FailsAt::kRun) {
    BOOST_TEST_REQUIRE(model.ok(), model.status());
    std::map<std::string, Tensor> inputs;
    inputs["x"] = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 1, 2, -1});
    status = (*model)->Run("predict", inputs).status();
  }
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status, error), status);
}

BOOST_AUTO_TEST_CASE(a_tile_past_the_tensor_limit_fails_naming_the_node) {
  // 2 x 2 floats tiled 100000 x 100000 times: 160 GB.
  CheckOutputPastTheLimitFails(
      R"pb(node {
             name: "multiples"
             op: "Const"
             attr {
               key: "value"
               value {
                 tensor {
                   dtype: DT_INT32
                   tensor_shape { dim { size: 2 } }
                   int_val: [ 100000, 100000 ]
                 }
               }
             }
           }
           node {
             name: "y"
             op: "Tile"
             input: [ "relu", "multiples" ]
             attr {
               key: "T"
               value { type: DT_FLOAT }
             }
           })pb",
      "node 'y' (Tile): output of shape [200000,200000] and dtype float would take more than max_tensor_bytes "
      "(1073741824 bytes)",
      FailsAt::kRun);
}

BOOST_AUTO_TEST_CASE(a_range_past_the_tensor_limit_fails_naming_the_node) {
  // 10^9 floats: under Range's element cap of 2^31 - 1, but 4 GB.
  CheckOutputPastTheLimitFails(
      R"pb(node {
             name: "start"
             op: "Const"
             attr {
               key: "value"
               value {
                 tensor {
                   dtype: DT_FLOAT
                   tensor_shape {}
                   float_val: 0
                 }
               }
             }
           }
           node {
             name: "limit"
             op: "Const"
             attr {
               key: "value"
               value {
                 tensor {
                   dtype: DT_FLOAT
                   tensor_shape {}
                   float_val: 1e9
                 }
               }
             }
           }
           node {
             name: "delta"
             op: "Const"
             attr {
               key: "value"
               value {
                 tensor {
                   dtype: DT_FLOAT
                   tensor_shape {}
                   float_val: 1
                 }
               }
             }
           }
           node {
             name: "y"
             op: "Range"
             input: [ "start", "limit", "delta" ]
             attr {
               key: "Tidx"
               value { type: DT_FLOAT }
             }
           })pb",
      "node 'y' (Range): output of shape [1000000000] and dtype float would take more than max_tensor_bytes "
      "(1073741824 bytes)",
      FailsAt::kLoad);
}

BOOST_AUTO_TEST_CASE(a_product_of_empty_matrices_past_the_tensor_limit_fails_naming_the_node) {
  // [100000,0] x [0,100000]: no input value, 40 GB of zeros out.
  CheckOutputPastTheLimitFails(
      R"pb(node {
             name: "a"
             op: "Const"
             attr {
               key: "value"
               value {
                 tensor {
                   dtype: DT_FLOAT
                   tensor_shape {
                     dim { size: 100000 }
                     dim { size: 0 }
                   }
                 }
               }
             }
           }
           node {
             name: "b"
             op: "Const"
             attr {
               key: "value"
               value {
                 tensor {
                   dtype: DT_FLOAT
                   tensor_shape {
                     dim { size: 0 }
                     dim { size: 100000 }
                   }
                 }
               }
             }
           }
           node {
             name: "y"
             op: "MatMul"
             input: [ "a", "b" ]
             attr {
               key: "T"
               value { type: DT_FLOAT }
             }
           })pb",
      "node 'y' (MatMul): output of shape [100000,100000] and dtype float would take more than max_tensor_bytes "
      "(1073741824 bytes)",
      FailsAt::kLoad);
}

// `nodes` after kDenseNodes' relu, loaded with `max_tensor_bytes`; the run
// on `x` fails naming y and `error`.
void CheckRunPastALimitFails(const std::string& nodes, uint64_t max_tensor_bytes, const Tensor& x,
                             const std::string& error) {
  TempDir dir;
  WriteModel(dir,
             Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\"", "node { name: \"relu\" op: \"Relu\"") + nodes);
  SavedModel::Options options;
  options.max_tensor_bytes = max_tensor_bytes;
  const auto model = SavedModel::Load(dir.path(), {"serve"}, options);
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  std::map<std::string, Tensor> inputs;
  inputs["x"] = x;
  const Status status = (*model)->Run("predict", inputs).status();
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status, error), status);
}

BOOST_AUTO_TEST_CASE(a_gather_whose_fed_indices_pass_the_limit_fails_before_listing_them) {
  // y = GatherV2(w, int64(x), 0): five rows of x pick 20 floats (80 bytes),
  // listed as 20 int64 indices (160 bytes) on the way.
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "axis" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 0 } } } }
    node { name: "y" op: "GatherV2" input: [ "w", "ids", "axis" ] attr { key: "Tparams" value { type: DT_FLOAT } } attr { key: "Tindices" value { type: DT_INT64 } } attr { key: "Taxis" value { type: DT_INT32 } } }
  )pb";
  // clang-format on
  CheckRunPastALimitFails(nodes, 100, Tensor::FromVector<float>(DataType::kFloat, {5, 2}, std::vector<float>(10, 1)),
                          "node 'y' (GatherV2): output of shape [5,2,2] and dtype int64 would take more than "
                          "max_tensor_bytes (100 bytes)");
}

BOOST_AUTO_TEST_CASE(as_string_past_the_limit_counts_the_digits_it_may_write) {
  // Two int64 numbers as text: two std::strings of at most 20 characters.
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "y" op: "AsString" input: "ids" attr { key: "T" value { type: DT_INT64 } } }
  )pb";
  // clang-format on
  const uint64_t limit = 2 * (sizeof(std::string) + 20) - 1;
  CheckRunPastALimitFails(nodes, limit, Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {1, 2}),
                          "node 'y' (AsString): output of 2 strings holding 40 bytes would take more than "
                          "max_tensor_bytes (" +
                              std::to_string(limit) + " bytes)");
}

BOOST_AUTO_TEST_CASE(a_tile_of_long_strings_counts_their_contents_against_the_limit) {
  // y = Tile(AsString(int64(x)), [1, 8]): sixteen copies of "1234567890123",
  // 16 std::strings (well under the limit) holding 208 bytes.
  // clang-format off
  const std::string nodes = R"pb(
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "text" op: "AsString" input: "ids" attr { key: "T" value { type: DT_INT64 } } }
    node { name: "multiples" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: [ 1, 8 ] } } } }
    node { name: "y" op: "Tile" input: [ "text", "multiples" ] attr { key: "T" value { type: DT_STRING } } }
  )pb";
  // clang-format on
  const uint64_t limit = 16 * sizeof(std::string) + 200;
  CheckRunPastALimitFails(nodes, limit,
                          Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {1234567890123.0f, 1234567890123.0f}),
                          "node 'y' (Tile): output of 16 strings holding 208 bytes would take more than "
                          "max_tensor_bytes (" +
                              std::to_string(limit) + " bytes)");
}

BOOST_AUTO_TEST_CASE(parse_example_bounds_each_dense_output_by_the_batch_before_parsing) {
  // Our Iris export: four dense float features of shape [1]; 300 examples
  // make [300,1] outputs of 1200 bytes, past a limit the weights fit under.
  TempDir dir;
  const std::string path = testing::ExportIrisClassifier(dir);
  SavedModel::Options options;
  options.max_tensor_bytes = 1024;
  const auto model = SavedModel::Load(path, {"serve"}, options);
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  const std::string example = data::SerializeExample({{"SepalLength", std::vector<float>{5.1f}},
                                                      {"SepalWidth", std::vector<float>{3.3f}},
                                                      {"PetalLength", std::vector<float>{1.7f}},
                                                      {"PetalWidth", std::vector<float>{0.5f}}});
  std::map<std::string, Tensor> inputs;
  inputs["examples"] = Tensor::FromStrings({300}, std::vector<std::string>(300, example)).value();
  const Status status = (*model)->Run("predict", inputs).status();
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status,
                      "(ParseExampleV2): dense key 'PetalLength': output of shape [300,1] and dtype float "
                      "would take more than max_tensor_bytes (1024 bytes)"),
             status);
}

BOOST_AUTO_TEST_CASE(a_concat_of_statically_mismatched_shapes_fails_load_in_the_run_words) {
  // y = ConcatV2([relu, w3], axis): relu is [?,2], w3 a [3,3] constant.
  // Along axis 1 the rows may match (a run of 3 examples); along axis 0 the
  // columns never do.
  // clang-format off
  const std::string nodes = Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\"", "node { name: \"relu\" op: \"Relu\"") + R"pb(
    node { name: "w3" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 3 } dim { size: 3 } } float_val: 1 } } } }
    node { name: "axis" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 1 } } } }
    node { name: "y" op: "ConcatV2" input: [ "relu", "w3", "axis" ] attr { key: "N" value { i: 2 } } attr { key: "T" value { type: DT_FLOAT } } attr { key: "Tidx" value { type: DT_INT32 } } }
  )pb";
  // clang-format on
  BOOST_TEST(LoadStatus(nodes).ok(), LoadStatus(nodes));
  const Status status = LoadStatus(
      Replaced(nodes, "int_val: 1 } } } }\n    node { name: \"y\"", "int_val: 0 } } } }\n    node { name: \"y\""));
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status,
                      "node 'y' (ConcatV2): ConcatOp : Dimension 1 in both shapes must be equal: shape[0] = [?,2] "
                      "vs. shape[1] = [3,3]"),
             status);
}

BOOST_AUTO_TEST_CASE(a_reshape_no_feed_can_fit_fails_load_in_the_run_words) {
  // y = Reshape(relu, sizes), relu [?,2]: any run has an even count of
  // values, which [4] can take (two examples) and [3] never.
  // clang-format off
  const std::string nodes = Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\"", "node { name: \"relu\" op: \"Relu\"") + R"pb(
    node { name: "sizes" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 1 } } int_val: 4 } } } }
    node { name: "y" op: "Reshape" input: [ "relu", "sizes" ] attr { key: "T" value { type: DT_FLOAT } } attr { key: "Tshape" value { type: DT_INT32 } } }
  )pb";
  // clang-format on
  BOOST_TEST(LoadStatus(nodes).ok(), LoadStatus(nodes));
  const Status status = LoadStatus(Replaced(nodes, "int_val: 4", "int_val: 3"));
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status,
                      "node 'y' (Reshape): Input to reshape is a tensor with a multiple of 2 values, but the "
                      "requested shape has 3"),
             status);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(warm_runs)

std::vector<float> Floats(const Tensor& t) { return {t.flat<float>().begin(), t.flat<float>().end()}; }

// y = relu(x w) + fill(shape(x), 1): a value path and a path of the feed's
// shape only, which a warm run of the same shape keeps without running.
std::string ShapeAndValueNodes() {
  std::string nodes = Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\"", "node { name: \"relu\" op: \"Relu\"");
  // clang-format off
  nodes += R"pb(
    node { name: "shape" op: "Shape" input: "x" attr { key: "T" value { type: DT_FLOAT } } }
    node { name: "one" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 1 } } } }
    node { name: "ones" op: "Fill" input: [ "shape", "one" ] attr { key: "T" value { type: DT_FLOAT } } }
    node { name: "y" op: "AddV2" input: [ "relu", "ones" ] attr { key: "T" value { type: DT_FLOAT } } }
  )pb";
  // clang-format on
  return nodes;
}

BOOST_AUTO_TEST_CASE(runs_of_new_values_and_shapes_into_one_output_map_give_each_its_outputs) {
  TempDir dir;
  WriteModel(dir, ShapeAndValueNodes());
  const auto model = *SavedModel::Load(dir.path(), {"serve"});
  std::map<std::string, Tensor> inputs, outputs;
  outputs["not an output"] = Tensor::FromVector<float>(DataType::kFloat, {1}, {0});
  // relu(x w) + 1, w = [[1,-2],[3,4]].
  const std::vector<std::pair<Tensor, std::vector<float>>> runs = {
      {Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 1, 2, -1}), {5, 3, 1, 1}},
      {Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {0, 1, 1, 0}), {4, 5, 2, 1}},
      {Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {1, 0}), {2, 1}},
      {Tensor::FromVector<float>(DataType::kFloat, {3, 2}, {1, 1, 0, 0, 0, 1}), {5, 3, 1, 1, 4, 5}},
      {Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 1, 2, -1}), {5, 3, 1, 1}},
  };
  for (const auto& [x, expected] : runs) {
    inputs["x"] = x;
    const Status status = model->Run("predict", inputs, &outputs);
    BOOST_TEST_REQUIRE(status.ok(), status);
    BOOST_TEST_REQUIRE(outputs.size() == 1u);
    BOOST_TEST(outputs.at("y").shape() == (TensorShape{x.shape()[0], 2}), boost::test_tools::per_element());
    BOOST_TEST(Floats(outputs.at("y")) == expected, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(a_run_after_a_failed_one_computes_every_step) {
  // y = GatherV2(w, int64(x), 0) + fill(shape(y'), 1): the failing gather
  // stops the run before the steps after it.
  std::string nodes = Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\"", "node { name: \"relu\" op: \"Relu\"");
  // clang-format off
  nodes += R"pb(
    node { name: "ids" op: "Cast" input: "x" attr { key: "SrcT" value { type: DT_FLOAT } } attr { key: "DstT" value { type: DT_INT64 } } }
    node { name: "axis" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 0 } } } }
    node { name: "rows" op: "GatherV2" input: [ "w", "ids", "axis" ] attr { key: "Tparams" value { type: DT_FLOAT } } attr { key: "Tindices" value { type: DT_INT64 } } attr { key: "Taxis" value { type: DT_INT32 } } }
    node { name: "shape" op: "Shape" input: "rows" attr { key: "T" value { type: DT_FLOAT } } }
    node { name: "one" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 1 } } } }
    node { name: "ones" op: "Fill" input: [ "shape", "one" ] attr { key: "T" value { type: DT_FLOAT } } }
    node { name: "y" op: "AddV2" input: [ "rows", "ones" ] attr { key: "T" value { type: DT_FLOAT } } }
  )pb";
  // clang-format on
  TempDir dir;
  WriteModel(dir, nodes);
  const auto model = *SavedModel::Load(dir.path(), {"serve"});
  std::map<std::string, Tensor> inputs, outputs;
  inputs["x"] = Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {1, 0});
  BOOST_TEST_REQUIRE(model->Run("predict", inputs, &outputs).ok());
  BOOST_TEST(Floats(outputs.at("y")) == (std::vector<float>{4, 5, 2, -1}), boost::test_tools::per_element());
  inputs["x"] = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 0, 2, 0});
  const Status failed = model->Run("predict", inputs, &outputs);
  BOOST_TEST(Contains(failed, "node 'rows' (GatherV2): indices[1,0] = 2 is not in [0, 2)"), failed);
  inputs["x"] = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {0, 1, 1, 1});
  BOOST_TEST_REQUIRE(model->Run("predict", inputs, &outputs).ok());
  BOOST_TEST(outputs.at("y").shape() == (TensorShape{2, 2, 2}), boost::test_tools::per_element());
  BOOST_TEST(Floats(outputs.at("y")) == (std::vector<float>{2, -1, 4, 5, 4, 5, 4, 5}),
             boost::test_tools::per_element());
}

// y = relu(bias_add(x w, b)), b = [10, -10]: one fused step.
std::string DenseLayerNodes() {
  std::string nodes = Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\" input: \"product\"",
                               "node { name: \"y\" op: \"Relu\" input: \"biased\"");
  // clang-format off
  nodes += R"pb(
    node { name: "b" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } } float_val: [ 10, -10 ] } } } }
    node { name: "biased" op: "BiasAdd" input: [ "product", "b" ] attr { key: "T" value { type: DT_FLOAT } } }
  )pb";
  // clang-format on
  return nodes;
}

BOOST_AUTO_TEST_CASE(a_matmul_bias_add_and_relu_run_as_one_fused_step) {
  const StatusOr<Tensor> y =
      load_and_run::RunOnX(DenseLayerNodes(), Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 1, 2, -1}));
  BOOST_TEST_REQUIRE(y.ok(), y.status());
  // x w = [[4, 2], [-1, -8]]; + b = [[14, -8], [9, -18]]; relu.
  BOOST_TEST(Floats(*y) == (std::vector<float>{14, 0, 9, 0}), boost::test_tools::per_element());
  // Without the Relu, the BiasAdd is the fused step's last node.
  const std::string no_relu =
      Replaced(Replaced(DenseLayerNodes(), "name: \"y\" op: \"Relu\"", "name: \"r\" op: \"Relu\""), "name: \"biased\"",
               "name: \"y\"");
  const StatusOr<Tensor> biased =
      load_and_run::RunOnX(Replaced(no_relu, "input: \"biased\"", "input: \"y\""),
                           Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 1, 2, -1}));
  BOOST_TEST_REQUIRE(biased.ok(), biased.status());
  BOOST_TEST(Floats(*biased) == (std::vector<float>{14, -8, 9, -18}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_fused_step_error_names_each_node_it_runs) {
  const StatusOr<Tensor> y = load_and_run::RunOnX(
      Replaced(DenseLayerNodes(), "tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: 2 } } float_val",
               "tensor { dtype: DT_INT64 tensor_shape { dim { size: 2 } dim { size: 2 } } int64_val"),
      Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {1, 2}));
  BOOST_TEST(Contains(y.status(),
                      "node 'product' (MatMul) fused with node 'biased' (BiasAdd) and node 'y' (Relu): In[1] is int64, "
                      "expected float"),
             y.status());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
