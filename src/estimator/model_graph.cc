// SPDX-License-Identifier: Apache-2.0
#include "estimator/model_graph.h"

#include <set>
#include <string>
#include <variant>

namespace tfcompat::estimator {

using model::Activation;
using model::VariableRef;
using model::VariableStore;
namespace {

std::string_view ActivationOp(Activation activation) {
  switch (activation) {
    case Activation::kRelu:
      return "Relu";
    case Activation::kRelu6:
      return "Relu6";
    case Activation::kElu:
      return "Elu";
    case Activation::kTanh:
      return "Tanh";
    case Activation::kSigmoid:
      return "Sigmoid";
    case Activation::kLinear:
      return {};
  }
  return {};
}

class GraphBuilder {
 public:
  explicit GraphBuilder(tensorflow::GraphDef* graph) : graph_(graph) {}

  // A node computing a float tensor from `inputs`.
  tensorflow::NodeDef* Op(std::string name, std::string_view op, std::initializer_list<std::string> inputs) {
    tensorflow::NodeDef* node = graph_->add_node();
    node->set_name(std::move(name));
    node->set_op(std::string(op));
    for (const std::string& input : inputs) node->add_input(input);
    SetType(node, "T", tensorflow::DT_FLOAT);
    return node;
  }

  void Placeholder(const std::string& name, tensorflow::DataType dtype) {
    tensorflow::NodeDef* node = graph_->add_node();
    node->set_name(name);
    node->set_op("Placeholder");
    SetType(node, "dtype", dtype);
    (*node->mutable_attr())["shape"].mutable_shape()->add_dim()->set_size(-1);
  }

  void Variable(const VariableRef& v) {
    const bool is_float = std::holds_alternative<std::span<float>>(v.values);
    const tensorflow::DataType dtype = is_float ? tensorflow::DT_FLOAT : tensorflow::DT_INT64;
    tensorflow::NodeDef* node = graph_->add_node();
    node->set_name(std::string(v.name));
    node->set_op("VariableV2");
    SetType(node, "dtype", dtype);
    tensorflow::TensorShapeProto* shape = (*node->mutable_attr())["shape"].mutable_shape();
    for (const int64_t dim : v.shape) shape->add_dim()->set_size(dim);
    tensorflow::NodeDef* read = Op(std::string(v.name) + "/read", "Identity", {std::string(v.name)});
    SetType(read, "T", dtype);
  }

 private:
  static void SetType(tensorflow::NodeDef* node, const char* attr, tensorflow::DataType dtype) {
    (*node->mutable_attr())[attr].set_type(dtype);
  }

  tensorflow::GraphDef* graph_;
};

}  // namespace

tensorflow::GraphDef BuildModelGraph(VariableStore& store, const GraphDescription* description) {
  tensorflow::GraphDef graph;
  graph.mutable_versions()->set_producer(1645);  // TF 2.15's GraphDef version
  GraphBuilder builder(&graph);
  for (const VariableRef& v : store.List()) builder.Variable(v);
  if (description == nullptr || description->layers.empty()) return graph;

  const std::string input_layer = "dnn/input_from_feature_columns/input_layer/concat";
  for (const std::string& key : description->feature_keys) builder.Placeholder(key, tensorflow::DT_FLOAT);
  builder.Op(input_layer + "/axis", "Const", {});
  tensorflow::NodeDef* concat = builder.Op(input_layer, "ConcatV2", {});
  for (const std::string& key : description->feature_keys) concat->add_input(key);
  concat->add_input(input_layer + "/axis");

  std::string previous = input_layer;
  for (size_t i = 0; i < description->layers.size(); ++i) {
    const std::string& layer = description->layers[i];
    builder.Op(layer + "/MatMul", "MatMul", {previous, layer + "/kernel/read"});
    builder.Op(layer + "/BiasAdd", "BiasAdd", {layer + "/MatMul", layer + "/bias/read"});
    previous = layer + "/BiasAdd";
    const std::string_view activation = ActivationOp(description->activation);
    if (i + 1 < description->layers.size() && !activation.empty()) {
      const std::string activated = layer + "/" + std::string(activation);
      builder.Op(activated, activation, {previous});
      previous = activated;
    }
  }
  const std::string& head = description->head_scope;
  builder.Placeholder("labels", tensorflow::DT_FLOAT);
  builder.Op(head + "/predictions", description->predictions_op, {previous});
  builder.Op(head + "/loss", description->loss_op, {previous, "labels"});
  return graph;
}

}  // namespace tfcompat::estimator
