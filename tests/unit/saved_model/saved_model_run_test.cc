// SPDX-License-Identifier: Apache-2.0
// SavedModel::Load and Run on small hand-written graphs, and the Graph they
// are checked and pruned by: dangling inputs, repeated names, cycles, graphs
// deeper than any stack, unknown ops, attributes and dtypes, unfed
// placeholders, uninitialized variables, constants declaring more than the
// limit and kernels whose outputs would pass it, each error naming the
// node; and the values of a run.
#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <vector>

#include "io/text_proto.h"
#include "saved_model/graph.h"
#include "tfcompat/saved_model/saved_model.h"
#include "tfcompat/tensorflow/graph.pb.h"
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
// "predict": input "x" (x:0, float [?,2]) and output "y" (y:0).
void WriteModel(const TempDir& dir, const std::string& nodes) {
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
      }
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
  TempDir dir;
  WriteModel(dir, Replaced(Replaced(nodes, "size: 2 } }\n", "size: 3 } }\n"), "[ 10, 20 ]", "[ 10, 20, 30 ]"));
  const auto model = SavedModel::Load(dir.path(), {"serve"});
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  const Status status = (*model)->Run("predict", inputs).status();
  BOOST_TEST(Contains(status, "node 'y' (AddV2): Incompatible shapes: [2,2] vs. [3]"), status);
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

// `nodes` with y an op whose output size follows from its inputs' values:
// the run fails naming y before it allocates more than max_tensor_bytes.
void CheckOutputPastTheLimitFailsTheRun(const std::string& nodes, const std::string& error) {
  TempDir dir;
  WriteModel(dir,
             Replaced(kDenseNodes, "node { name: \"y\" op: \"Relu\"", "node { name: \"relu\" op: \"Relu\"") + nodes);
  const auto model = SavedModel::Load(dir.path(), {"serve"});
  BOOST_TEST_REQUIRE(model.ok(), model.status());
  std::map<std::string, Tensor> inputs;
  inputs["x"] = Tensor::FromVector<float>(DataType::kFloat, {2, 2}, {1, 1, 2, -1});
  const Status status = (*model)->Run("predict", inputs).status();
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status, error), status);
}

BOOST_AUTO_TEST_CASE(a_tile_past_the_tensor_limit_fails_naming_the_node) {
  // 2 x 2 floats tiled 100000 x 100000 times: 160 GB.
  CheckOutputPastTheLimitFailsTheRun(
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
      "(1073741824 bytes)");
}

BOOST_AUTO_TEST_CASE(a_range_past_the_tensor_limit_fails_naming_the_node) {
  // 10^9 floats: under Range's element cap of 2^31 - 1, but 4 GB.
  CheckOutputPastTheLimitFailsTheRun(
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
      "(1073741824 bytes)");
}

BOOST_AUTO_TEST_CASE(a_product_of_empty_matrices_past_the_tensor_limit_fails_naming_the_node) {
  // [100000,0] x [0,100000]: no input value, 40 GB of zeros out.
  CheckOutputPastTheLimitFailsTheRun(
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
      "(1073741824 bytes)");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
