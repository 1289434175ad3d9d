// SPDX-License-Identifier: Apache-2.0
// Estimator::ExportOnnx and the ONNX graph of a canned model: for small
// known models, the exact nodes (op, name, inputs, output, attributes),
// initializers (names, dims, values) and graph inputs and outputs of each
// head and activation; the errors for a GraphDescription that does not fit
// the variables and for a feature key that clashes with a graph name; the
// export directory's layout and the checkpoint's values in model.onnx; and
// atomicity: whichever file operation fails, no integer-named directory and
// no temp directory is left and earlier exports are untouched.
#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "estimator/onnx_graph.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/onnx/onnx.pb.h"
#include "unit/estimator/export_test_util.h"
#include "util/iris.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat::estimator {
namespace {

namespace fs = boost::filesystem;
using export_test::CheckEveryFailedFileOperationLeavesNoPartialExport;
using export_test::Config;
using export_test::Entries;
using export_test::kQuiet;
using export_test::TrainedClassifier;
using export_test::TrainSteps;
using model::Activation;
using model::VariableStore;
using onnx::TensorProto;
using testing::Contains;
using testing::ReadAll;
using testing::TempDir;

// A node as a row: op_type, name, inputs, output, and its attributes as
// "name=value" ("axis=-1", "alpha=1", "value=<tensor>").
struct Node {
  std::string op;
  std::string name;
  std::vector<std::string> inputs;
  std::string output;
  std::vector<std::string> attributes = {};
  bool operator==(const Node&) const = default;
};

std::ostream& boost_test_print_type(std::ostream& os, const Node& node) {
  os << node.op << " " << node.name << " (";
  for (const std::string& input : node.inputs) os << input << ",";
  os << ") -> " << node.output << " [";
  for (const std::string& attribute : node.attributes) os << attribute << ",";
  return os << "]";
}

std::vector<Node> Nodes(const onnx::GraphProto& graph) {
  std::vector<Node> nodes;
  for (const onnx::NodeProto& node : graph.node()) {
    BOOST_TEST_REQUIRE(node.output_size() == 1);
    BOOST_TEST(node.domain().empty());
    Node row{node.op_type(), node.name(), {node.input().begin(), node.input().end()}, node.output(0)};
    for (const onnx::AttributeProto& a : node.attribute()) {
      switch (a.type()) {
        case onnx::AttributeProto::INT:
          row.attributes.push_back(a.name() + "=" + std::to_string(a.i()));
          break;
        case onnx::AttributeProto::FLOAT:
          row.attributes.push_back(a.name() + "=" + std::to_string(a.f()));
          break;
        case onnx::AttributeProto::TENSOR:
          row.attributes.push_back(a.name() + "=<tensor>");
          break;
        default:
          BOOST_FAIL("unexpected attribute type of " << a.name());
      }
    }
    nodes.push_back(std::move(row));
  }
  return nodes;
}

// A graph input or output: "name:elem_type[dims]", the batch as "batch".
std::vector<std::string> Values(const google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>& values) {
  std::vector<std::string> rows;
  for (const onnx::ValueInfoProto& value : values) {
    const onnx::TypeProto::Tensor& tensor = value.type().tensor_type();
    std::string row = value.name() + ":" + TensorProto::DataType_Name(tensor.elem_type()) + "[";
    for (const onnx::TensorShapeProto::Dimension& dim : tensor.shape().dim()) {
      row += (row.back() == '[' ? "" : ",") + (dim.has_dim_param() ? dim.dim_param() : std::to_string(dim.dim_value()));
    }
    rows.push_back(row + "]");
  }
  return rows;
}

const onnx::TensorProto& Initializer(const onnx::GraphProto& graph, const std::string& name) {
  for (const onnx::TensorProto& tensor : graph.initializer()) {
    if (tensor.name() == name) return tensor;
  }
  throw std::runtime_error("no initializer " + name);
}

std::vector<std::string> InitializerNames(const onnx::GraphProto& graph) {
  std::vector<std::string> names;
  for (const onnx::TensorProto& tensor : graph.initializer()) names.push_back(tensor.name());
  return names;
}

std::vector<float> FloatData(const onnx::TensorProto& tensor) {
  BOOST_TEST(tensor.data_type() == TensorProto::FLOAT);
  return {tensor.float_data().begin(), tensor.float_data().end()};
}

std::vector<int64_t> Dims(const onnx::TensorProto& tensor) { return {tensor.dims().begin(), tensor.dims().end()}; }

// A variable of `store` with the values first, first + 0.5, ...
void AddVariable(VariableStore& store, const std::string& name, std::vector<int64_t> shape, float first) {
  const size_t offset = store.AddTrainable(name, std::move(shape)).value();
  std::span<float> params = store.params();
  // Spans are invalidated by the next Add: the values are written now.
  for (size_t i = offset; i < params.size(); ++i) params[i] = first + 0.5f * static_cast<float>(i - offset);
}

// A DNN over features "x2" and "x1" (the graph sorts them) with `hidden`
// hidden units per layer and the canned head `head`.
GraphDescription Dnn(std::vector<int64_t> hidden, GraphDescription::Head head, int n_classes,
                     Activation activation = Activation::kRelu) {
  GraphDescription d;
  d.feature_keys = {"x2", "x1"};
  for (size_t i = 0; i < hidden.size(); ++i) d.layers.push_back("dnn/hiddenlayer_" + std::to_string(i));
  d.layers.push_back("dnn/logits");
  d.activation = activation;
  d.head_scope = "dnn/head";
  d.head = head;
  d.n_classes = n_classes;
  return d;
}

// Its variables: kernel and bias of each layer, the logits `logits` wide.
void AddDnnVariables(VariableStore& store, const std::vector<int64_t>& hidden, int64_t logits) {
  int64_t width = 2;
  for (size_t i = 0; i <= hidden.size(); ++i) {
    const std::string layer = i < hidden.size() ? "dnn/hiddenlayer_" + std::to_string(i) : "dnn/logits";
    const int64_t units = i < hidden.size() ? hidden[i] : logits;
    AddVariable(store, layer + "/kernel", {width, units}, static_cast<float>(i));
    AddVariable(store, layer + "/bias", {units}, -static_cast<float>(i));
    width = units;
  }
}

BOOST_AUTO_TEST_SUITE(OnnxExportTest)

const std::string kInputLayer = "dnn/input_from_feature_columns/input_layer/concat";
const std::string kPredictions = "dnn/head/predictions";

BOOST_AUTO_TEST_CASE(multi_class_dnn_has_known_nodes_initializers_inputs_and_outputs) {
  VariableStore store;
  AddDnnVariables(store, {3}, 3);
  store.global_step() = 42;
  const onnx::ModelProto model = BuildOnnxModel(Dnn({3}, GraphDescription::Head::kMultiClass, 3), store).value();

  BOOST_TEST(model.ir_version() == 8);
  BOOST_TEST_REQUIRE(model.opset_import_size() == 1);
  BOOST_TEST(model.opset_import(0).domain() == "");
  BOOST_TEST(model.opset_import(0).version() == 17);
  BOOST_TEST(model.producer_name() == "tfcompat");
  BOOST_TEST_REQUIRE(model.metadata_props_size() == 1);
  BOOST_TEST(model.metadata_props(0).key() == "global_step");
  BOOST_TEST(model.metadata_props(0).value() == "42");
  const onnx::GraphProto& graph = model.graph();
  BOOST_TEST(graph.name() == "dnn");

  const std::vector<Node> expected = {
      {"Concat", kInputLayer, {"x1", "x2"}, kInputLayer, {"axis=1"}},
      {"MatMul", "dnn/hiddenlayer_0/MatMul", {kInputLayer, "dnn/hiddenlayer_0/kernel"}, "dnn/hiddenlayer_0/MatMul"},
      {"Add",
       "dnn/hiddenlayer_0/BiasAdd",
       {"dnn/hiddenlayer_0/MatMul", "dnn/hiddenlayer_0/bias"},
       "dnn/hiddenlayer_0/BiasAdd"},
      {"Relu", "dnn/hiddenlayer_0/Relu", {"dnn/hiddenlayer_0/BiasAdd"}, "dnn/hiddenlayer_0/Relu"},
      {"MatMul", "dnn/logits/MatMul", {"dnn/hiddenlayer_0/Relu", "dnn/logits/kernel"}, "dnn/logits/MatMul"},
      {"Add", "dnn/logits/BiasAdd", {"dnn/logits/MatMul", "dnn/logits/bias"}, "logits"},
      {"Softmax", kPredictions + "/probabilities", {"logits"}, "probabilities", {"axis=-1"}},
      {"ArgMax", kPredictions + "/class_ids", {"logits"}, "class_ids", {"axis=-1", "keepdims=1"}},
      {"Gather", kPredictions + "/str_classes", {kPredictions + "/class_names", "class_ids"}, "classes", {"axis=0"}},
      {"Shape", kPredictions + "/Shape", {"probabilities"}, kPredictions + "/Shape"},
      {"Expand",
       kPredictions + "/all_class_ids",
       {kPredictions + "/class_id_row", kPredictions + "/Shape"},
       "all_class_ids"},
      {"Gather",
       kPredictions + "/all_classes",
       {kPredictions + "/class_names", "all_class_ids"},
       "all_classes",
       {"axis=0"}},
  };
  BOOST_TEST(Nodes(graph) == expected, boost::test_tools::per_element());
  BOOST_TEST(Values(graph.input()) == (std::vector<std::string>{"x1:FLOAT[batch,1]", "x2:FLOAT[batch,1]"}),
             boost::test_tools::per_element());
  BOOST_TEST(Values(graph.output()) ==
                 (std::vector<std::string>{"logits:FLOAT[batch,3]", "probabilities:FLOAT[batch,3]",
                                           "class_ids:INT64[batch,1]", "classes:STRING[batch,1]",
                                           "all_class_ids:INT32[batch,3]", "all_classes:STRING[batch,3]"}),
             boost::test_tools::per_element());

  BOOST_TEST(
      InitializerNames(graph) ==
          (std::vector<std::string>{"dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_0/bias", "dnn/logits/kernel",
                                    "dnn/logits/bias", kPredictions + "/class_names", kPredictions + "/class_id_row"}),
      boost::test_tools::per_element());
  const onnx::TensorProto& kernel = Initializer(graph, "dnn/hiddenlayer_0/kernel");
  BOOST_TEST(Dims(kernel) == (std::vector<int64_t>{2, 3}), boost::test_tools::per_element());
  BOOST_TEST(FloatData(kernel) == (std::vector<float>{0, 0.5f, 1, 1.5f, 2, 2.5f}), boost::test_tools::per_element());
  const onnx::TensorProto& bias = Initializer(graph, "dnn/logits/bias");
  BOOST_TEST(Dims(bias) == std::vector<int64_t>{3}, boost::test_tools::per_element());
  BOOST_TEST(FloatData(bias) == (std::vector<float>{-1, -0.5f, 0}), boost::test_tools::per_element());
  const onnx::TensorProto& names = Initializer(graph, kPredictions + "/class_names");
  BOOST_TEST(names.data_type() == TensorProto::STRING);
  BOOST_TEST(std::vector<std::string>(names.string_data().begin(), names.string_data().end()) ==
                 (std::vector<std::string>{"0", "1", "2"}),
             boost::test_tools::per_element());
  const onnx::TensorProto& ids = Initializer(graph, kPredictions + "/class_id_row");
  BOOST_TEST(ids.data_type() == TensorProto::INT32);
  BOOST_TEST(Dims(ids) == (std::vector<int64_t>{1, 3}), boost::test_tools::per_element());
  BOOST_TEST(std::vector<int32_t>(ids.int32_data().begin(), ids.int32_data().end()) == (std::vector<int32_t>{0, 1, 2}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(binary_head_takes_softmax_and_argmax_of_zero_and_the_logit_and_adds_logistic) {
  VariableStore store;
  AddDnnVariables(store, {2}, 1);
  GraphDescription d = Dnn({2}, GraphDescription::Head::kBinary, 2);
  d.label_vocabulary = {"no", "yes"};
  const onnx::ModelProto model = BuildOnnxModel(d, store).value();
  const std::vector<Node> nodes = Nodes(model.graph());
  const std::vector<Node> head(nodes.begin() + 6, nodes.end());
  const std::string two = kPredictions + "/two_class_logits";
  const std::vector<Node> expected = {
      {"Sigmoid", kPredictions + "/logistic", {"logits"}, "logistic"},
      {"Shape", kPredictions + "/zeros_like/Shape", {"logits"}, kPredictions + "/zeros_like/Shape"},
      {"ConstantOfShape",
       kPredictions + "/zeros_like",
       {kPredictions + "/zeros_like/Shape"},
       kPredictions + "/zeros_like",
       {"value=<tensor>"}},
      {"Concat", two, {kPredictions + "/zeros_like", "logits"}, two, {"axis=-1"}},
      {"Softmax", kPredictions + "/probabilities", {two}, "probabilities", {"axis=-1"}},
      {"ArgMax", kPredictions + "/class_ids", {two}, "class_ids", {"axis=-1", "keepdims=1"}},
      {"Gather", kPredictions + "/str_classes", {kPredictions + "/class_names", "class_ids"}, "classes", {"axis=0"}},
      {"Shape", kPredictions + "/Shape", {"probabilities"}, kPredictions + "/Shape"},
      {"Expand",
       kPredictions + "/all_class_ids",
       {kPredictions + "/class_id_row", kPredictions + "/Shape"},
       "all_class_ids"},
      {"Gather",
       kPredictions + "/all_classes",
       {kPredictions + "/class_names", "all_class_ids"},
       "all_classes",
       {"axis=0"}},
  };
  BOOST_TEST(head == expected, boost::test_tools::per_element());
  // The zeros are float32: ConstantOfShape's value is a float [1] tensor of 0.
  const onnx::TensorProto& zero = model.graph().node(8).attribute(0).t();
  BOOST_TEST(zero.data_type() == TensorProto::FLOAT);
  BOOST_TEST(Dims(zero) == std::vector<int64_t>{1}, boost::test_tools::per_element());
  BOOST_TEST(FloatData(zero) == std::vector<float>{0}, boost::test_tools::per_element());
  BOOST_TEST(
      Values(model.graph().output()) ==
          (std::vector<std::string>{"logits:FLOAT[batch,1]", "logistic:FLOAT[batch,1]", "probabilities:FLOAT[batch,2]",
                                    "class_ids:INT64[batch,1]", "classes:STRING[batch,1]",
                                    "all_class_ids:INT32[batch,2]", "all_classes:STRING[batch,2]"}),
      boost::test_tools::per_element());
  const onnx::TensorProto& names = Initializer(model.graph(), kPredictions + "/class_names");
  BOOST_TEST(std::vector<std::string>(names.string_data().begin(), names.string_data().end()) ==
                 (std::vector<std::string>{"no", "yes"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(each_activation_follows_the_hidden_layers_as_its_onnx_op) {
  struct Case {
    Activation activation;
    std::vector<Node> nodes;  // after dnn/hiddenlayer_0/BiasAdd
    std::vector<std::string> extra_initializers;
  };
  const std::string bias_add = "dnn/hiddenlayer_0/BiasAdd";
  const auto logits_matmul = [](const std::string& input) {
    return Node{"MatMul", "dnn/logits/MatMul", {input, "dnn/logits/kernel"}, "dnn/logits/MatMul"};
  };
  const auto unary = [&](const std::string& op, const std::string& tf_op, std::vector<std::string> attributes = {}) {
    const std::string name = "dnn/hiddenlayer_0/" + tf_op;
    return std::vector<Node>{{op, name, {bias_add}, name, std::move(attributes)}, logits_matmul(name)};
  };
  const std::vector<Case> cases = {
      {Activation::kRelu, unary("Relu", "Relu"), {}},
      {Activation::kRelu6,
       {{"Clip",
         "dnn/hiddenlayer_0/Relu6",
         {bias_add, "dnn/hiddenlayer_0/Relu6/min", "dnn/hiddenlayer_0/Relu6/max"},
         "dnn/hiddenlayer_0/Relu6"},
        logits_matmul("dnn/hiddenlayer_0/Relu6")},
       {"dnn/hiddenlayer_0/Relu6/min", "dnn/hiddenlayer_0/Relu6/max"}},
      {Activation::kElu, unary("Elu", "Elu", {"alpha=" + std::to_string(1.0f)}), {}},
      {Activation::kTanh, unary("Tanh", "Tanh"), {}},
      {Activation::kSigmoid, unary("Sigmoid", "Sigmoid"), {}},
      {Activation::kLinear, {logits_matmul(bias_add)}, {}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(model::ActivationName(c.activation)) {
      VariableStore store;
      AddDnnVariables(store, {4}, 1);
      const onnx::ModelProto model =
          BuildOnnxModel(Dnn({4}, GraphDescription::Head::kRegression, 0, c.activation), store).value();
      const std::vector<Node> nodes = Nodes(model.graph());
      BOOST_TEST_REQUIRE(nodes.size() == 4 + c.nodes.size());
      BOOST_TEST(std::vector<Node>(nodes.begin() + 3, nodes.end() - 1) == c.nodes, boost::test_tools::per_element());
      // A regressor's logits are its one output, `predictions`.
      BOOST_TEST(nodes.back().output == "predictions");
      BOOST_TEST(Values(model.graph().output()) == std::vector<std::string>{"predictions:FLOAT[batch,1]"},
                 boost::test_tools::per_element());
      std::vector<std::string> initializers = {"dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_0/bias"};
      initializers.insert(initializers.end(), c.extra_initializers.begin(), c.extra_initializers.end());
      initializers.insert(initializers.end(), {"dnn/logits/kernel", "dnn/logits/bias"});
      BOOST_TEST(InitializerNames(model.graph()) == initializers, boost::test_tools::per_element());
      if (c.activation == Activation::kRelu6) {
        const onnx::TensorProto& min = Initializer(model.graph(), "dnn/hiddenlayer_0/Relu6/min");
        const onnx::TensorProto& max = Initializer(model.graph(), "dnn/hiddenlayer_0/Relu6/max");
        BOOST_TEST(Dims(min).empty());
        BOOST_TEST(FloatData(min) == std::vector<float>{0}, boost::test_tools::per_element());
        BOOST_TEST(FloatData(max) == std::vector<float>{6}, boost::test_tools::per_element());
      }
    }
  }
}

// The linear model over "x2" and "x1": weights [1, logits] per key, bias.
GraphDescription Linear(GraphDescription::Head head, int n_classes, VariableStore& store) {
  GraphDescription d;
  d.feature_keys = {"x2", "x1"};
  d.linear = true;
  d.head_scope = "linear/head";
  d.head = head;
  d.n_classes = n_classes;
  const int64_t logits = head == GraphDescription::Head::kMultiClass ? n_classes : 1;
  AddVariable(store, "linear/linear_model/x1/weights", {1, logits}, 1);
  AddVariable(store, "linear/linear_model/x2/weights", {1, logits}, 2);
  AddVariable(store, "linear/linear_model/bias_weights", {logits}, 3);
  return d;
}

BOOST_AUTO_TEST_CASE(linear_model_sums_one_matmul_per_feature_and_adds_the_bias) {
  const std::string scope = "linear/linear_model/linear_model/linear_model";
  for (const GraphDescription::Head head : {GraphDescription::Head::kMultiClass, GraphDescription::Head::kRegression}) {
    const bool regression = head == GraphDescription::Head::kRegression;
    BOOST_TEST_CONTEXT((regression ? "regressor" : "classifier")) {
      VariableStore store;
      const GraphDescription d = Linear(head, 3, store);
      const onnx::ModelProto model = BuildOnnxModel(d, store).value();
      BOOST_TEST(model.graph().name() == "linear");
      const std::vector<Node> nodes = Nodes(model.graph());
      const std::vector<Node> expected = {
          {"MatMul", scope + "/x1/weighted_sum", {"x1", "linear/linear_model/x1/weights"}, scope + "/x1/weighted_sum"},
          {"MatMul", scope + "/x2/weighted_sum", {"x2", "linear/linear_model/x2/weights"}, scope + "/x2/weighted_sum"},
          {"Sum",
           scope + "/weighted_sum_no_bias",
           {scope + "/x1/weighted_sum", scope + "/x2/weighted_sum"},
           scope + "/weighted_sum_no_bias"},
          {"Add",
           scope + "/weighted_sum",
           {scope + "/weighted_sum_no_bias", "linear/linear_model/bias_weights"},
           regression ? "predictions" : "logits"},
      };
      BOOST_TEST_REQUIRE(nodes.size() >= expected.size());
      BOOST_TEST(std::vector<Node>(nodes.begin(), nodes.begin() + 4) == expected, boost::test_tools::per_element());
      BOOST_TEST(nodes.size() == (regression ? 4u : 10u));
      const std::vector<std::string> initializers = InitializerNames(model.graph());
      BOOST_TEST(std::vector<std::string>(initializers.begin(), initializers.begin() + 3) ==
                     (std::vector<std::string>{"linear/linear_model/x1/weights", "linear/linear_model/x2/weights",
                                               "linear/linear_model/bias_weights"}),
                 boost::test_tools::per_element());
      if (!regression) BOOST_TEST(model.graph().node(4).name() == "linear/head/predictions/probabilities");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_description_that_does_not_fit_the_variables_is_refused) {
  {
    VariableStore store;
    AddDnnVariables(store, {3}, 4);
    const StatusOr<onnx::ModelProto> model = BuildOnnxModel(Dnn({3}, GraphDescription::Head::kMultiClass, 3), store);
    BOOST_TEST(model.status().code() == StatusCode::kFailedPrecondition);
    BOOST_TEST(Contains(model.status(),
                        "the model's variable dnn/logits/kernel has shape [3, 4], but its "
                        "GraphDescription needs [3, 3]"));
  }
  {
    VariableStore store;
    AddDnnVariables(store, {3}, 3);
    const StatusOr<onnx::ModelProto> model = BuildOnnxModel(Dnn({3, 3}, GraphDescription::Head::kMultiClass, 3), store);
    BOOST_TEST(model.status().code() == StatusCode::kFailedPrecondition);
    BOOST_TEST(Contains(model.status(), "the model has no float variable dnn/hiddenlayer_1/kernel"));
  }
  {
    VariableStore store;
    AddDnnVariables(store, {3}, 3);
    GraphDescription d = Dnn({3}, GraphDescription::Head::kMultiClass, 3);
    d.label_vocabulary = {"a", "b"};
    const StatusOr<onnx::ModelProto> model = BuildOnnxModel(d, store);
    BOOST_TEST(model.status().code() == StatusCode::kFailedPrecondition);
    BOOST_TEST(Contains(model.status(), "label_vocabulary has 2 names for 3 classes"));
  }
  {
    VariableStore store;
    AddDnnVariables(store, {3}, 2);
    const StatusOr<onnx::ModelProto> model = BuildOnnxModel(Dnn({3}, GraphDescription::Head::kMultiClass, 2), store);
    BOOST_TEST(model.status().code() == StatusCode::kFailedPrecondition);
    BOOST_TEST(Contains(model.status(), "the GraphDescription's multi-class head has 2 classes"));
  }
}

BOOST_AUTO_TEST_CASE(a_feature_key_that_names_another_value_of_the_graph_is_refused) {
  VariableStore store;
  AddDnnVariables(store, {3}, 3);
  GraphDescription d = Dnn({3}, GraphDescription::Head::kMultiClass, 3);
  d.feature_keys = {"logits", "x1"};
  const StatusOr<onnx::ModelProto> model = BuildOnnxModel(d, store);
  BOOST_TEST(model.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(model.status(),
                      "value 'logits' would be defined twice: by graph input 'logits' and by node dnn/logits/BiasAdd"));
}

onnx::ModelProto ReadModel(const std::string& export_dir) {
  onnx::ModelProto model;
  BOOST_TEST_REQUIRE(model.ParseFromString(ReadAll(export_dir + "/model.onnx")));
  return model;
}

BOOST_AUTO_TEST_CASE(export_writes_model_onnx_with_the_checkpoints_values_in_a_timestamped_directory) {
  TempDir dir;
  std::vector<std::string> log;
  model::DNNClassifierOptions options = testing::IrisClassifierOptions();
  std::unique_ptr<Estimator> estimator =
      Estimator::DNNClassifier(options, Config(dir), [&](const std::string& line) { log.push_back(line); }).value();
  TrainSteps(*estimator, 5);
  const std::string base = dir.file("onnx");
  const StatusOr<std::string> exported = estimator->ExportOnnx(base);
  BOOST_TEST_REQUIRE(exported.ok(), exported.status().ToString());
  const std::string name = fs::path(*exported).filename().string();
  BOOST_TEST(fs::path(*exported).parent_path().string() == base);
  BOOST_TEST(name.find_first_not_of("0123456789") == std::string::npos);
  BOOST_TEST(Entries(base) == std::set<std::string>{name});
  BOOST_TEST(Entries(*exported) == std::set<std::string>{kOnnxModelFileName});
  BOOST_TEST(log.back() == "ONNX model written to: " + *exported + "/model.onnx");

  const onnx::ModelProto model = ReadModel(*exported);
  BOOST_TEST(model.metadata_props(0).value() == "5");
  BOOST_TEST(Values(model.graph().input()) ==
                 (std::vector<std::string>{"PetalLength:FLOAT[batch,1]", "PetalWidth:FLOAT[batch,1]",
                                           "SepalLength:FLOAT[batch,1]", "SepalWidth:FLOAT[batch,1]"}),
             boost::test_tools::per_element());
  for (const std::string variable : {"dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_0/bias", "dnn/hiddenlayer_1/kernel",
                                     "dnn/hiddenlayer_1/bias", "dnn/logits/kernel", "dnn/logits/bias"}) {
    const Tensor value = estimator->GetVariableValue(variable).value();
    const std::vector<float> data = FloatData(Initializer(model.graph(), variable));
    BOOST_TEST(
        std::string_view(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float)) == value.bytes(),
        variable);
  }
}

BOOST_AUTO_TEST_CASE(each_canned_estimator_exports_the_graph_of_its_variables) {
  {
    TempDir dir;
    model::DNNRegressorOptions options;
    options.feature_columns = testing::IrisColumns();
    options.hidden_units = {4};
    options.activation_fn = Activation::kTanh;
    options.dropout = 0.5f;
    std::unique_ptr<Estimator> regressor = Estimator::DNNRegressor(options, Config(dir), kQuiet).value();
    TrainSteps(*regressor, 2);
    const onnx::ModelProto model = ReadModel(regressor->ExportOnnx(dir.file("onnx")).value());
    // Dropout is the identity at inference: Tanh feeds the logits layer.
    BOOST_TEST(model.graph().node(4).name() == "dnn/logits/MatMul");
    BOOST_TEST(model.graph().node(4).input(0) == "dnn/hiddenlayer_0/Tanh");
    BOOST_TEST(Values(model.graph().output()) == std::vector<std::string>{"predictions:FLOAT[batch,1]"},
               boost::test_tools::per_element());
  }
  {
    TempDir dir;
    model::LinearClassifierOptions options;
    options.feature_columns = testing::IrisColumns();
    options.n_classes = 3;
    options.label_vocabulary = {"setosa", "versicolor", "virginica"};
    std::unique_ptr<Estimator> linear = Estimator::LinearClassifier(options, Config(dir), kQuiet).value();
    TrainSteps(*linear, 2);
    const onnx::ModelProto model = ReadModel(linear->ExportOnnx(dir.file("onnx")).value());
    BOOST_TEST(InitializerNames(model.graph()).size() == 7u);
    const onnx::TensorProto& names = Initializer(model.graph(), "linear/head/predictions/class_names");
    BOOST_TEST(
        std::vector<std::string>(names.string_data().begin(), names.string_data().end()) == options.label_vocabulary,
        boost::test_tools::per_element());
  }
  {
    TempDir dir;
    model::DNNClassifierOptions options = testing::IrisClassifierOptions();
    options.n_classes = 2;
    std::unique_ptr<Estimator> binary = Estimator::DNNClassifier(options, Config(dir), kQuiet).value();
    auto data = std::make_shared<const data::Dataset>(
        data::ParseCsvDataset("2,4,a,b\n1,2,3,4,0\n4,3,2,1,1\n", "binary.csv", testing::IrisCsvOptions()).value());
    BOOST_TEST_REQUIRE(binary->Train(DatasetInputFn(data, {.batch_size = 2}), model::TrainSteps::Steps(1)).ok());
    const onnx::ModelProto model = ReadModel(binary->ExportOnnx(dir.file("onnx")).value());
    BOOST_TEST(Values(model.graph().output())[1] == "logistic:FLOAT[batch,1]");
  }
}

BOOST_AUTO_TEST_CASE(export_fails_without_a_checkpoint_a_description_or_with_a_normalizer_fn) {
  TempDir dir;
  std::unique_ptr<Estimator> untrained =
      Estimator::DNNClassifier(testing::IrisClassifierOptions(), Config(dir), kQuiet).value();
  const StatusOr<std::string> exported = untrained->ExportOnnx(dir.file("onnx"));
  BOOST_TEST(exported.status().code() == StatusCode::kNotFound);
  BOOST_TEST(Contains(exported.status(), "Couldn't find trained model at " + dir.file("model") + "."));

  TempDir normalized_dir;
  model::DNNClassifierOptions options = testing::IrisClassifierOptions();
  options.feature_columns[1] =
      feature_column::FeatureColumn::Numeric("SepalWidth", 1, std::nullopt, [](float x) { return x / 10; }).value();
  std::unique_ptr<Estimator> normalized = Estimator::DNNClassifier(options, Config(normalized_dir), kQuiet).value();
  TrainSteps(*normalized, 1);
  const StatusOr<std::string> refused = normalized->ExportOnnx(dir.file("onnx"));
  BOOST_TEST(refused.status().code() == StatusCode::kUnimplemented);
  BOOST_TEST(Contains(refused.status(), "SepalWidth has a normalizer_fn, which an ONNX model cannot hold"));

  // A custom model_fn: no description, or one that names other variables.
  const ModelFn model_fn = [](uint64_t seed) {
    return model::NewDNNClassifier(testing::IrisClassifierOptions({10, 10}), seed);
  };
  std::unique_ptr<Estimator> custom =
      Estimator::Create(model_fn, {Config(normalized_dir), std::nullopt, std::nullopt, kQuiet}).value();
  BOOST_TEST(custom->ExportOnnx(dir.file("onnx")).status().code() == StatusCode::kFailedPrecondition);
  GraphDescription three_layers = Dnn({10, 10, 10}, GraphDescription::Head::kMultiClass, 3);
  three_layers.feature_keys = testing::kIrisFeatures;
  std::unique_ptr<Estimator> mismatched =
      Estimator::Create(model_fn, {Config(normalized_dir), std::nullopt, three_layers, kQuiet}).value();
  const StatusOr<std::string> mismatch = mismatched->ExportOnnx(dir.file("onnx"));
  BOOST_TEST(mismatch.status().code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(Contains(mismatch.status(), "cannot export " + normalized_dir.file("model") +
                                             " as ONNX: the model has no float variable dnn/hiddenlayer_2/kernel"));
  BOOST_TEST(!fs::exists(dir.file("onnx")));
}

BOOST_AUTO_TEST_CASE(a_failed_file_operation_leaves_no_partial_onnx_export_and_earlier_exports_untouched) {
  TempDir dir;
  std::unique_ptr<Estimator> estimator = TrainedClassifier(dir);
  CheckEveryFailedFileOperationLeavesNoPartialExport(
      *estimator, dir.file("onnx"), [](Estimator& e, const std::string& base) { return e.ExportOnnx(base); });
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::estimator
