// SPDX-License-Identifier: Apache-2.0
#include "estimator/serving_graph.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "estimator/feature_column_graph.h"
#include "estimator/model_graph.h"
#include "saved_model/graph_builder.h"

namespace tfcompat::estimator {

using saved_model::FloatTensor;
using saved_model::GraphBuilder;
using saved_model::Int32Tensor;
using saved_model::StringTensor;
using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;
using tensorflow::DT_INT64;
using tensorflow::DT_STRING;

namespace {

// SignatureDef method names (tensorflow/cc/saved_model/signature_constants.h).
constexpr char kPredictMethod[] = "tensorflow/serving/predict";
constexpr char kClassifyMethod[] = "tensorflow/serving/classify";
constexpr char kRegressMethod[] = "tensorflow/serving/regress";

// "name" for k = 0, else "name_k": TF's unique names within a scope.
std::string Nth(const std::string& name, int k) { return k == 0 ? name : name + "_" + std::to_string(k); }

// One tensor of a signature.
struct TensorSpec {
  std::string op;  // "<op>" or "<op>:<output>"
  tensorflow::DataType dtype;
  std::vector<int64_t> shape;
};

tensorflow::TensorInfo Info(const TensorSpec& spec) {
  tensorflow::TensorInfo info;
  info.set_name(spec.op.find(':') == std::string::npos ? spec.op + ":0" : spec.op);
  info.set_dtype(spec.dtype);
  *info.mutable_tensor_shape() = saved_model::ShapeProto(spec.shape);
  return info;
}

using TensorMap = std::map<std::string, TensorSpec>;

void AddSignature(const std::string& key, const char* method, const TensorMap& inputs, const TensorMap& outputs,
                  tensorflow::MetaGraphDef* meta_graph) {
  tensorflow::SignatureDef& signature = (*meta_graph->mutable_signature_def())[key];
  for (const auto& [name, spec] : inputs) (*signature.mutable_inputs())[name] = Info(spec);
  for (const auto& [name, spec] : outputs) (*signature.mutable_outputs())[name] = Info(spec);
  signature.set_method_name(method);
}

class ServingGraphBuilder {
 public:
  ServingGraphBuilder(const GraphDescription& description, tensorflow::GraphDef* graph)
      : d_(description), b_(graph), keys_(description.feature_keys) {
    // The input layers and ParseExample order the columns by key.
    std::sort(keys_.begin(), keys_.end());
  }

  const std::vector<std::string>& keys() const { return keys_; }

  // The serialized Examples and one parsed float [-1, 1] tensor per key.
  std::vector<std::string> ParsingReceiver() {
    const size_t n = keys_.size();
    const std::string examples = ExamplesPlaceholder();
    std::vector<std::string> inputs = {examples};
    const std::string scope = "ParseExample/ParseExampleV2";
    inputs.push_back(b_.Const(scope + "/names", StringTensor({0}, {})));
    inputs.push_back(b_.Const(scope + "/sparse_keys", StringTensor({0}, {})));
    inputs.push_back(b_.Const(scope + "/dense_keys", StringTensor({static_cast<int64_t>(n)}, keys_)));
    inputs.push_back(b_.Const(scope + "/ragged_keys", StringTensor({0}, {})));
    // No defaults: every feature is required, as numeric_column's are.
    for (size_t i = 0; i < n; ++i) {
      inputs.push_back(b_.Const(Nth("ParseExample/Const", static_cast<int>(i)), FloatTensor({0}, {})));
    }
    b_.Op("ParseExampleV2", scope, inputs)
        .Types("Tdense", std::vector<tensorflow::DataType>(n, DT_FLOAT))
        .Int("num_sparse", 0)
        .Types("sparse_types", {})
        .Types("ragged_value_types", {})
        .Types("ragged_split_types", {})
        .Shapes("dense_shapes", std::vector<std::vector<int64_t>>(n, {1}));
    std::vector<std::string> features;
    for (size_t i = 0; i < n; ++i) features.push_back(i == 0 ? scope : scope + ":" + std::to_string(i));
    return features;
  }

  // The parsing receiver's input: serialized tf.train.Examples.
  std::string ExamplesPlaceholder() { return b_.Placeholder("input_example_tensor", DT_STRING, {-1}); }

  // One float [-1] placeholder per key.
  std::vector<std::string> RawReceiver() {
    std::vector<std::string> features;
    for (size_t i = 0; i < keys_.size(); ++i) {
      features.push_back(b_.Placeholder(Nth("Placeholder", static_cast<int>(i)), DT_FLOAT, {-1}));
    }
    return features;
  }

  // The logits [-1, logits dimension].
  std::string Logits(const std::vector<std::string>& features) {
    return d_.linear ? LinearLogits(features) : DnnLogits(features);
  }

  // The logits of a model over feature columns, from the serialized
  // Examples: DNN logits + linear logits.
  std::string ColumnLogits(const std::string& examples) {
    std::vector<feature_column::FeatureColumn> columns = d_.dnn_columns;
    columns.insert(columns.end(), d_.linear_columns.begin(), d_.linear_columns.end());
    // The model was built from these columns, so their specs agree.
    const data::ExampleSpec spec = feature_column::MakeParseExampleSpec(columns).value();
    const GraphFeatures features = AddParseExample(spec, examples, &b_);
    const std::string shape =
        b_.Op("Shape", "batch_size/Shape", {examples}).Type("T", DT_STRING).Type("out_type", DT_INT64).name();
    const std::string batch_size = b_.Op("StridedSlice", "batch_size",
                                         {shape, b_.Const("batch_size/stack", Int32Tensor({1}, {0})),
                                          b_.Const("batch_size/stack_1", Int32Tensor({1}, {1})),
                                          b_.Const("batch_size/stack_2", Int32Tensor({1}, {1}))})
                                       .Type("T", DT_INT64)
                                       .Type("Index", DT_INT32)
                                       .Int("shrink_axis_mask", 1)
                                       .name();
    FeatureColumnGraph graph(&b_, features, batch_size);
    std::string logits;
    if (!d_.dnn_columns.empty()) logits = DenseLayers(graph.InputLayer(d_.dnn_columns));
    if (!d_.linear_columns.empty()) {
      const std::string linear = graph.LinearLogits(d_.linear_columns, d_.linear_sparse_combiner);
      logits = logits.empty() ? linear : b_.FloatOp("AddV2", "add", {logits, linear});
    }
    return logits;
  }

  // The head's outputs from the logits; sets the signatures.
  void Head(const std::string& logits, ServingReceiver receiver, tensorflow::MetaGraphDef* meta_graph,
            const std::vector<std::string>& features) {
    TensorMap predict_inputs, example_inputs;
    if (receiver == ServingReceiver::kParsing) {
      const TensorSpec examples{"input_example_tensor", DT_STRING, {-1}};
      predict_inputs["examples"] = examples;
      example_inputs["inputs"] = examples;
    } else {
      for (size_t i = 0; i < keys_.size(); ++i) predict_inputs[keys_[i]] = {features[i], DT_FLOAT, {-1}};
    }
    TensorMap predict, classify, regress;
    if (d_.head == GraphDescription::Head::kRegression) {
      predict["predictions"] = {logits, DT_FLOAT, {-1, 1}};
      regress["outputs"] = predict["predictions"];
    } else {
      ClassifierOutputs(logits, &predict, &classify);
      if (d_.head == GraphDescription::Head::kBinary) regress["outputs"] = predict["logistic"];
    }
    AddSignature("predict", kPredictMethod, predict_inputs, predict, meta_graph);
    // Classify and regress take serialized Examples only.
    if (receiver != ServingReceiver::kParsing) return;
    if (!classify.empty()) {
      AddSignature("classification", kClassifyMethod, example_inputs, classify, meta_graph);
      AddSignature("serving_default", kClassifyMethod, example_inputs, classify, meta_graph);
    }
    if (!regress.empty()) {
      AddSignature("regression", kRegressMethod, example_inputs, regress, meta_graph);
      if (classify.empty()) AddSignature("serving_default", kRegressMethod, example_inputs, regress, meta_graph);
    }
  }

 private:
  // A feature as a [-1, 1] column.
  std::string Reshape(const std::string& scope, const std::string& feature) {
    const std::string shape = b_.Const(scope + "/Reshape/shape", Int32Tensor({2}, {-1, 1}));
    return b_.Op("Reshape", scope + "/Reshape", {feature, shape}).Type("T", DT_FLOAT).Type("Tshape", DT_INT32).name();
  }

  std::string DnnLogits(const std::vector<std::string>& features) {
    const std::string input_layer = "dnn/input_from_feature_columns/input_layer";
    std::vector<std::string> columns;
    for (size_t i = 0; i < keys_.size(); ++i) columns.push_back(Reshape(input_layer + "/" + keys_[i], features[i]));
    columns.push_back(b_.Const(input_layer + "/concat/axis", Int32Tensor({}, {1})));
    return DenseLayers(b_.Op("ConcatV2", input_layer + "/concat", columns)
                           .Int("N", static_cast<int64_t>(keys_.size()))
                           .Type("T", DT_FLOAT)
                           .Type("Tidx", DT_INT32)
                           .name());
  }

  // The DNN's dense layers on its input.
  std::string DenseLayers(std::string previous) {
    const std::string_view activation = ActivationOp(d_.activation);
    for (size_t i = 0; i < d_.layers.size(); ++i) {
      const std::string& layer = d_.layers[i];
      const std::string matmul = b_.FloatOp("MatMul", layer + "/MatMul", {previous, layer + "/kernel"});
      previous = b_.FloatOp("BiasAdd", layer + "/BiasAdd", {matmul, layer + "/bias"});
      if (i + 1 < d_.layers.size() && !activation.empty()) {
        previous = b_.FloatOp(std::string(activation), layer + "/" + std::string(activation), {previous});
      }
    }
    return previous;
  }

  std::string LinearLogits(const std::vector<std::string>& features) {
    const std::string scope = "linear/linear_model/linear_model/linear_model";
    std::vector<std::string> sums;
    for (size_t i = 0; i < keys_.size(); ++i) {
      const std::string column = Reshape(scope + "/" + keys_[i], features[i]);
      sums.push_back(b_.FloatOp("MatMul", scope + "/" + keys_[i] + "/weighted_sum",
                                {column, "linear/linear_model/" + keys_[i] + "/weights"}));
    }
    const std::string no_bias = b_.Op("AddN", scope + "/weighted_sum_no_bias", sums)
                                    .Int("N", static_cast<int64_t>(sums.size()))
                                    .Type("T", DT_FLOAT)
                                    .name();
    return b_.FloatOp("BiasAdd", scope + "/weighted_sum", {no_bias, "linear/linear_model/bias_weights"});
  }

  std::string ExpandDims(const std::string& name, const std::string& input, tensorflow::DataType dtype, int dim) {
    const std::string axis = b_.Const(name + "/dim", Int32Tensor({}, {dim}));
    return b_.Op("ExpandDims", name, {input, axis}).Type("T", dtype).Type("Tdim", DT_INT32).name();
  }

  // The batch size: dimension 0 of `like` (Shape -> strided_slice).
  std::string BatchSize(const std::string& scope, int k, const std::string& like) {
    const std::string shape = b_.Op("Shape", Nth(scope + "/Shape", k), {like}).Type("T", DT_FLOAT).name();
    const std::string slice = Nth(scope + "/strided_slice", k);
    const std::string begin = b_.Const(slice + "/stack", Int32Tensor({1}, {0}));
    const std::string end = b_.Const(slice + "/stack_1", Int32Tensor({1}, {1}));
    const std::string stride = b_.Const(slice + "/stack_2", Int32Tensor({1}, {1}));
    return b_.Op("StridedSlice", slice, {shape, begin, end, stride})
        .Type("T", DT_INT32)
        .Type("Index", DT_INT32)
        .Int("shrink_axis_mask", 1)
        .name();
  }

  // [0, 1, ..., n_classes - 1] (int32).
  std::string ClassIdRange(const std::string& scope, int k) {
    const std::string range = Nth(scope + "/range", k);
    const std::string start = b_.Const(range + "/start", Int32Tensor({}, {0}));
    const std::string limit = b_.Const(range + "/limit", Int32Tensor({}, {d_.n_classes}));
    const std::string delta = b_.Const(range + "/delta", Int32Tensor({}, {1}));
    return b_.Op("Range", range, {start, limit, delta}).Type("Tidx", DT_INT32).name();
  }

  // The class names [n_classes]: the vocabulary, or the ids as strings.
  std::string ClassNames(const std::string& scope, int k) {
    if (!d_.label_vocabulary.empty()) {
      return b_.Const(Nth(scope + "/label_vocabulary", k),
                      StringTensor({static_cast<int64_t>(d_.label_vocabulary.size())}, d_.label_vocabulary));
    }
    return b_.Op("AsString", Nth(scope + "/AsString", k), {ClassIdRange(scope, k)}).Type("T", DT_INT32).name();
  }

  // `row` [n] repeated for every example of `like`: [-1, n].
  std::string TileRows(const std::string& tile, const std::string& expand, const std::string& row,
                       tensorflow::DataType dtype, const std::string& batch) {
    const std::string expanded = ExpandDims(expand, row, dtype, 0);
    const std::string one = b_.Const(tile + "/multiples/1", Int32Tensor({}, {1}));
    const std::string multiples =
        b_.Op("Pack", tile + "/multiples", {batch, one}).Int("N", 2).Type("T", DT_INT32).name();
    return b_.Op("Tile", tile, {expanded, multiples}).Type("T", dtype).Type("Tmultiples", DT_INT32).name();
  }

  void ClassifierOutputs(const std::string& logits, TensorMap* predict, TensorMap* classify) {
    const std::string& head = d_.head_scope;
    const std::string scope = head + "/predictions";
    const bool binary = d_.head == GraphDescription::Head::kBinary;
    const int64_t n = d_.n_classes;
    // The binary head's probabilities are the softmax of [0, logit].
    std::string class_logits = logits;
    if (binary) {
      (*predict)["logistic"] = {b_.FloatOp("Sigmoid", scope + "/logistic", {logits}), DT_FLOAT, {-1, 1}};
      const std::string zeros = b_.FloatOp("ZerosLike", scope + "/zeros_like", {logits});
      const std::string axis = b_.Const(scope + "/two_class_logits/axis", Int32Tensor({}, {-1}));
      class_logits = b_.Op("ConcatV2", scope + "/two_class_logits", {zeros, logits, axis})
                         .Int("N", 2)
                         .Type("T", DT_FLOAT)
                         .Type("Tidx", DT_INT32)
                         .name();
    }
    const std::string probabilities = b_.FloatOp("Softmax", scope + "/probabilities", {class_logits});
    const std::string dimension = b_.Const(scope + "/class_ids/dimension", Int32Tensor({}, {-1}));
    const std::string ids = b_.Op("ArgMax", scope + "/class_ids", {class_logits, dimension})
                                .Type("T", DT_FLOAT)
                                .Type("Tidx", DT_INT32)
                                .name();
    // TF's names: the binary head expands the ids first, the multi-class
    // head after the two tiles.
    const std::string class_ids = ExpandDims(scope + (binary ? "/ExpandDims" : "/ExpandDims_2"), ids, DT_INT64, -1);
    std::string classes;
    if (d_.label_vocabulary.empty()) {
      classes = b_.Op("AsString", scope + "/str_classes", {class_ids}).Type("T", DT_INT64).name();
    } else {
      const std::string vocabulary = b_.Const(scope + "/vocabulary", StringTensor({n}, d_.label_vocabulary));
      const std::string axis = b_.Const(scope + "/str_classes/axis", Int32Tensor({}, {0}));
      classes = b_.Op("GatherV2", scope + "/str_classes", {vocabulary, class_ids, axis})
                    .Type("Tparams", DT_STRING)
                    .Type("Tindices", DT_INT64)
                    .Type("Taxis", DT_INT32)
                    .name();
    }
    const std::string all_class_ids = TileRows(scope + "/Tile", scope + (binary ? "/ExpandDims_1" : "/ExpandDims"),
                                               ClassIdRange(scope, 0), DT_INT32, BatchSize(scope, 0, logits));
    const std::string all_classes = TileRows(scope + "/Tile_1", scope + (binary ? "/ExpandDims_2" : "/ExpandDims_1"),
                                             ClassNames(scope, 1), DT_STRING, BatchSize(scope, 1, logits));
    const std::string head_classes = TileRows(head + "/Tile", head + "/ExpandDims", ClassNames(head, 0), DT_STRING,
                                              BatchSize(head, 0, probabilities));
    const int64_t dimension_of_logits = binary ? 1 : n;
    (*predict)["logits"] = {logits, DT_FLOAT, {-1, dimension_of_logits}};
    (*predict)["probabilities"] = {probabilities, DT_FLOAT, {-1, n}};
    (*predict)["class_ids"] = {class_ids, DT_INT64, {-1, 1}};
    (*predict)["classes"] = {classes, DT_STRING, {-1, 1}};
    (*predict)["all_class_ids"] = {all_class_ids, DT_INT32, {-1, n}};
    (*predict)["all_classes"] = {all_classes, DT_STRING, {-1, n}};
    (*classify)["classes"] = {head_classes, DT_STRING, {-1, n}};
    (*classify)["scores"] = {probabilities, DT_FLOAT, {-1, n}};
  }

  const GraphDescription& d_;
  GraphBuilder b_;
  std::vector<std::string> keys_;
};

}  // namespace

void AddServingGraph(const GraphDescription& description, ServingReceiver receiver,
                     tensorflow::MetaGraphDef* meta_graph) {
  ServingGraphBuilder builder(description, meta_graph->mutable_graph_def());
  if (!description.dnn_columns.empty() || !description.linear_columns.empty()) {
    const std::string examples = builder.ExamplesPlaceholder();
    builder.Head(builder.ColumnLogits(examples), ServingReceiver::kParsing, meta_graph, {});
    return;
  }
  const std::vector<std::string> features =
      receiver == ServingReceiver::kParsing ? builder.ParsingReceiver() : builder.RawReceiver();
  const std::string logits = builder.Logits(features);
  builder.Head(logits, receiver, meta_graph, features);
}

}  // namespace tfcompat::estimator
