// SPDX-License-Identifier: Apache-2.0
#include "estimator/onnx_graph.h"

#include <algorithm>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "estimator/model_graph.h"
#include "onnx/graph_builder.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/base/version.h"

namespace tfcompat::estimator {

using model::Activation;
using model::VariableRef;
using model::VariableStore;
using onnx::FloatTensor;
using onnx::GraphBuilder;
using onnx::Int32Tensor;
using onnx::kBatch;
using onnx::StringTensor;
using onnx::TensorProto;

namespace {

// A dimension a variable may have any size in.
constexpr int64_t kAnySize = -1;

std::string ShapeString(std::span<const int64_t> dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i) text += (i == 0 ? "" : ", ") + std::to_string(dims[i]);
  return text + "]";
}

class OnnxGraphBuilder {
 public:
  OnnxGraphBuilder(const GraphDescription& description, VariableStore& store, onnx::GraphProto* graph)
      : d_(description), store_(store), b_(graph), keys_(description.feature_keys) {
    // The input layers order the columns by key.
    std::sort(keys_.begin(), keys_.end());
  }

  Status Build() {
    if (keys_.empty()) return FailedPreconditionError("the GraphDescription names no feature column");
    for (const std::string& key : keys_) b_.Input(key, TensorProto::FLOAT, {kBatch, 1});
    const bool regression = d_.head == GraphDescription::Head::kRegression;
    if (!regression) TFCOMPAT_RETURN_IF_ERROR(CheckClasses());
    const int64_t logits_dimension = d_.head == GraphDescription::Head::kMultiClass ? d_.n_classes : 1;
    const std::string logits = regression ? "predictions" : "logits";
    TFCOMPAT_RETURN_IF_ERROR(d_.linear ? LinearLogits(logits, logits_dimension) : DnnLogits(logits, logits_dimension));
    b_.Output(logits, TensorProto::FLOAT, {kBatch, logits_dimension});
    if (!regression) TFCOMPAT_RETURN_IF_ERROR(ClassifierOutputs(logits));
    return b_.status();
  }

 private:
  // Adds the model's variable `name` as an initializer, after checking that
  // its shape is `shape` (kAnySize: any size); returns its shape.
  StatusOr<std::vector<int64_t>> Variable(const std::string& name, const std::vector<int64_t>& shape) {
    StatusOr<VariableRef> found = store_.Find(name);
    if (!found.ok() || !std::holds_alternative<std::span<float>>(found->values)) {
      return FailedPreconditionError("the model has no float variable " + name + ", which its GraphDescription names");
    }
    const std::vector<int64_t> dims(found->shape.begin(), found->shape.end());
    bool matches = dims.size() == shape.size();
    for (size_t i = 0; matches && i < dims.size(); ++i) matches = shape[i] == kAnySize || shape[i] == dims[i];
    if (!matches) {
      std::string wanted = "[";
      for (size_t i = 0; i < shape.size(); ++i) {
        wanted += (i == 0 ? "" : ", ") + (shape[i] == kAnySize ? std::string("?") : std::to_string(shape[i]));
      }
      return FailedPreconditionError("the model's variable " + name + " has shape " + ShapeString(dims) +
                                     ", but its GraphDescription needs " + wanted + "]");
    }
    b_.Initializer(FloatTensor(name, dims, std::get<std::span<float>>(found->values)));
    return dims;
  }

  // TF's activation after a hidden layer; returns its output.
  std::string Activate(const std::string& layer, const std::string& input) {
    const std::string name = layer + "/" + std::string(ActivationOp(d_.activation));
    switch (d_.activation) {
      case Activation::kRelu:
        return b_.Node("Relu", name, {input}).output();
      case Activation::kRelu6: {
        const float min = 0.0f, max = 6.0f;
        const std::string lower = b_.Initializer(FloatTensor(name + "/min", {}, {&min, 1}));
        const std::string upper = b_.Initializer(FloatTensor(name + "/max", {}, {&max, 1}));
        return b_.Node("Clip", name, {input, lower, upper}).output();
      }
      case Activation::kElu:
        return b_.Node("Elu", name, {input}).Float("alpha", 1.0f).output();
      case Activation::kTanh:
        return b_.Node("Tanh", name, {input}).output();
      case Activation::kSigmoid:
        return b_.Node("Sigmoid", name, {input}).output();
      case Activation::kLinear:
        break;
    }
    return input;
  }

  Status DnnLogits(const std::string& output, int64_t logits_dimension) {
    if (d_.layers.empty()) return FailedPreconditionError("the GraphDescription has no dense layer");
    std::string previous =
        b_.Node("Concat", "dnn/input_from_feature_columns/input_layer/concat", keys_).Int("axis", 1).output();
    int64_t width = static_cast<int64_t>(keys_.size());
    for (size_t i = 0; i < d_.layers.size(); ++i) {
      const std::string& layer = d_.layers[i];
      const bool last = i + 1 == d_.layers.size();
      TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<int64_t> kernel,
                                Variable(layer + "/kernel", {width, last ? logits_dimension : kAnySize}));
      width = kernel[1];
      TFCOMPAT_RETURN_IF_ERROR(Variable(layer + "/bias", {width}).status());
      const std::string matmul = b_.Node("MatMul", layer + "/MatMul", {previous, layer + "/kernel"}).output();
      previous = b_.Node("Add", layer + "/BiasAdd", {matmul, layer + "/bias"}, last ? output : "").output();
      if (!last) previous = Activate(layer, previous);
    }
    return OkStatus();
  }

  Status LinearLogits(const std::string& output, int64_t logits_dimension) {
    const std::string scope = "linear/linear_model/linear_model/linear_model";
    std::vector<std::string> sums;
    for (const std::string& key : keys_) {
      const std::string weights = "linear/linear_model/" + key + "/weights";
      TFCOMPAT_RETURN_IF_ERROR(Variable(weights, {1, logits_dimension}).status());
      sums.push_back(b_.Node("MatMul", scope + "/" + key + "/weighted_sum", {key, weights}).output());
    }
    const std::string bias = "linear/linear_model/bias_weights";
    TFCOMPAT_RETURN_IF_ERROR(Variable(bias, {logits_dimension}).status());
    const std::string no_bias = b_.Node("Sum", scope + "/weighted_sum_no_bias", sums).output();
    b_.Node("Add", scope + "/weighted_sum", {no_bias, bias}, output);
    return OkStatus();
  }

  // The classifier heads' class count: 2 for the binary head (one
  // logit), more for the multi-class one; a vocabulary names each class.
  Status CheckClasses() const {
    const bool binary = d_.head == GraphDescription::Head::kBinary;
    const int64_t n = d_.n_classes;
    if (binary ? n != 2 : n <= 2) {
      return FailedPreconditionError("the GraphDescription's " + std::string(binary ? "binary" : "multi-class") +
                                     " head has " + std::to_string(n) + " classes");
    }
    if (!d_.label_vocabulary.empty() && static_cast<int64_t>(d_.label_vocabulary.size()) != n) {
      return FailedPreconditionError("the GraphDescription's label_vocabulary has " +
                                     std::to_string(d_.label_vocabulary.size()) + " names for " + std::to_string(n) +
                                     " classes");
    }
    return OkStatus();
  }

  Status ClassifierOutputs(const std::string& logits) {
    const bool binary = d_.head == GraphDescription::Head::kBinary;
    const int64_t n = d_.n_classes;
    const std::string scope = d_.head_scope + "/predictions";
    // The binary head's probabilities and class ids are those of [0, logit].
    std::string class_logits = logits;
    if (binary) {
      b_.Node("Sigmoid", scope + "/logistic", {logits}, "logistic");
      const std::string shape = b_.Node("Shape", scope + "/zeros_like/Shape", {logits}).output();
      const float zero = 0.0f;
      const std::string zeros = b_.Node("ConstantOfShape", scope + "/zeros_like", {shape})
                                    .Tensor("value", FloatTensor("", {1}, {&zero, 1}))
                                    .output();
      class_logits = b_.Node("Concat", scope + "/two_class_logits", {zeros, logits}).Int("axis", -1).output();
    }
    const std::string probabilities =
        b_.Node("Softmax", scope + "/probabilities", {class_logits}, "probabilities").Int("axis", -1).output();
    const std::string class_ids = b_.Node("ArgMax", scope + "/class_ids", {class_logits}, "class_ids")
                                      .Int("axis", -1)
                                      .Int("keepdims", 1)
                                      .output();
    std::vector<std::string> names = d_.label_vocabulary;
    std::vector<int32_t> ids(static_cast<size_t>(n));
    std::iota(ids.begin(), ids.end(), 0);
    if (names.empty()) {
      for (const int32_t id : ids) names.push_back(std::to_string(id));
    }
    const std::string class_names = b_.Initializer(StringTensor(scope + "/class_names", {n}, names));
    b_.Node("Gather", scope + "/str_classes", {class_names, class_ids}, "classes").Int("axis", 0);
    // [0, ..., n - 1] on every row: the one row broadcast to the batch.
    const std::string id_row = b_.Initializer(Int32Tensor(scope + "/class_id_row", {1, n}, ids));
    const std::string shape = b_.Node("Shape", scope + "/Shape", {probabilities}).output();
    const std::string all_class_ids =
        b_.Node("Expand", scope + "/all_class_ids", {id_row, shape}, "all_class_ids").output();
    b_.Node("Gather", scope + "/all_classes", {class_names, all_class_ids}, "all_classes").Int("axis", 0);

    if (binary) b_.Output("logistic", TensorProto::FLOAT, {kBatch, 1});
    b_.Output("probabilities", TensorProto::FLOAT, {kBatch, n});
    b_.Output("class_ids", TensorProto::INT64, {kBatch, 1});
    b_.Output("classes", TensorProto::STRING, {kBatch, 1});
    b_.Output("all_class_ids", TensorProto::INT32, {kBatch, n});
    b_.Output("all_classes", TensorProto::STRING, {kBatch, n});
    return OkStatus();
  }

  const GraphDescription& d_;
  VariableStore& store_;
  GraphBuilder b_;
  std::vector<std::string> keys_;
};

}  // namespace

StatusOr<onnx::ModelProto> BuildOnnxModel(const GraphDescription& description, VariableStore& store) {
  onnx::ModelProto model;
  model.set_ir_version(kOnnxIrVersion);
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  model.set_producer_name("tfcompat");
  model.set_producer_version(TFCOMPAT_VERSION_STRING);
  onnx::StringStringEntryProto* global_step = model.add_metadata_props();
  global_step->set_key(std::string(model::kGlobalStepName));
  global_step->set_value(std::to_string(std::as_const(store).global_step()));
  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name(description.linear ? "linear" : "dnn");
  TFCOMPAT_RETURN_IF_ERROR(OnnxGraphBuilder(description, store, graph).Build());
  return model;
}

}  // namespace tfcompat::estimator
