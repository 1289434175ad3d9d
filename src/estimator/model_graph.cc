// SPDX-License-Identifier: Apache-2.0
#include "estimator/model_graph.h"

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "saved_model/graph_builder.h"

namespace tfcompat::estimator {

using model::Activation;
using model::VariableRef;
using model::VariableStore;
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

namespace {

void AddVariable(saved_model::GraphBuilder& builder, const VariableRef& v) {
  const bool is_float = std::holds_alternative<std::span<float>>(v.values);
  const tensorflow::DataType dtype = is_float ? tensorflow::DT_FLOAT : tensorflow::DT_INT64;
  const std::string name(v.name);
  builder.Op("VariableV2", name).Type("dtype", dtype).Shape("shape", {v.shape.begin(), v.shape.end()});
  builder.Op("Identity", name + "/read", {name}).Type("T", dtype);
}

}  // namespace

tensorflow::GraphDef BuildModelGraph(VariableStore& store, const GraphDescription* description) {
  tensorflow::GraphDef graph;
  graph.mutable_versions()->set_producer(1645);  // TF 2.15's GraphDef version
  saved_model::GraphBuilder builder(&graph);
  for (const VariableRef& v : store.List()) AddVariable(builder, v);
  // Models over feature columns draw their variables only.
  if (description == nullptr || description->layers.empty() || !description->dnn_columns.empty() ||
      !description->linear_columns.empty()) {
    return graph;
  }

  const std::string input_layer = "dnn/input_from_feature_columns/input_layer/concat";
  for (const std::string& key : description->feature_keys) builder.Placeholder(key, tensorflow::DT_FLOAT, {-1});
  builder.FloatOp("Const", input_layer + "/axis", {});
  std::vector<std::string> concat_inputs = description->feature_keys;
  concat_inputs.push_back(input_layer + "/axis");
  builder.Op("ConcatV2", input_layer, concat_inputs).Type("T", tensorflow::DT_FLOAT);

  std::string previous = input_layer;
  for (size_t i = 0; i < description->layers.size(); ++i) {
    const std::string& layer = description->layers[i];
    builder.FloatOp("MatMul", layer + "/MatMul", {previous, layer + "/kernel/read"});
    builder.FloatOp("BiasAdd", layer + "/BiasAdd", {layer + "/MatMul", layer + "/bias/read"});
    previous = layer + "/BiasAdd";
    const std::string_view activation = ActivationOp(description->activation);
    if (i + 1 < description->layers.size() && !activation.empty()) {
      const std::string activated = layer + "/" + std::string(activation);
      builder.FloatOp(std::string(activation), activated, {previous});
      previous = activated;
    }
  }
  const std::string& head = description->head_scope;
  builder.Placeholder("labels", tensorflow::DT_FLOAT, {-1});
  builder.FloatOp(description->predictions_op, head + "/predictions", {previous});
  builder.FloatOp(description->loss_op, head + "/loss", {previous, "labels"});
  return graph;
}

}  // namespace tfcompat::estimator
