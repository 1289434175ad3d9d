// SPDX-License-Identifier: Apache-2.0
// The model over feature columns (dnn_linear_combined.h): logits = DNN
// logits + linear logits (model.h has the variables). The DNN part reads its
// columns through the input layer; the two parts are trained by their own
// optimizers.
//
//   trainables [ embedding_weights... | dnn/hiddenlayer_*... | dnn/logits | linear/linear_model/*/weights... | bias ]
//                \______________________ part 0: DNN ______________/   \______________ part 1: linear ________/
#include "model/dnn_linear_combined.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/random.h"
#include "model/heads.h"
#include "model/input_layer.h"
#include "model/linear_model.h"
#include "model/network.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {
namespace {

using feature_column::FeatureMap;

constexpr std::string_view kInputLayerScope = "dnn/input_from_feature_columns/input_layer/";
constexpr std::string_view kLinearScope = "linear/linear_model/";
// dnn_linear_combined.py's _LINEAR_LEARNING_RATE (not linear.py's 0.2).
constexpr float kMaxLinearLearningRate = 0.005f;

// The DNN part: input layer, dense layers.
struct DnnPart {
  InputLayer input;
  Network network;
};

class DNNLinearCombinedModel final : public Model {
 public:
  DNNLinearCombinedModel(VariableStore store, std::optional<DnnPart> dnn, std::optional<LinearModel> linear,
                         std::unique_ptr<Head> head, LossReduction reduction, std::vector<OptimizerPart> parts,
                         SummarySpec summaries)
      : store_(std::move(store)),
        dnn_(std::move(dnn)),
        linear_(std::move(linear)),
        head_(std::move(head)),
        reduction_(reduction),
        parts_(std::move(parts)),
        summaries_(std::move(summaries), reduction) {}

  VariableStore& variables() override { return store_; }
  // Each part names its own scope and optimizer (optimizer_parts).
  std::string_view optimizer_scope() const override { return parts_.front().scope; }
  const OptimizerOptions& default_optimizer() const override { return parts_.front().default_optimizer; }
  std::vector<OptimizerPart> optimizer_parts() override { return parts_; }
  std::span<const SparseRows> sparse_gradients() const override { return sparse_rows_; }

  StatusOr<StepLoss> ComputeGradients(const data::Batch& batch, uint64_t seed) override {
    Random dropout_rng(seed);
    TFCOMPAT_RETURN_IF_ERROR(Logits(batch, &dropout_rng));
    TFCOMPAT_ASSIGN_OR_RETURN(const StepLoss loss,
                              ReducedLoss(*head_, logits_, batch, reduction_, &losses_, &d_logits_));
    const std::span<float> grads = store_.gradients();
    sparse_rows_.clear();
    if (linear_.has_value()) {
      linear_->Backward(d_logits_, grads);
      linear_->AppendSparseRows(&sparse_rows_);
    }
    if (dnn_.has_value()) {
      dnn_->network.Backward(store_.params(), &d_logits_, grads, &d_input_);
      dnn_->input.Backward(d_input_, grads);
      dnn_->input.AppendSparseRows(&sparse_rows_);
    }
    std::sort(sparse_rows_.begin(), sparse_rows_.end(),
              [](const SparseRows& a, const SparseRows& b) { return a.variable < b.variable; });
    summaries_.Record(store_.params(), loss);
    return loss;
  }

  std::vector<ModelSummary> TrainingSummaries() const override {
    return summaries_.Summaries(dnn_.has_value() ? &dnn_->network : nullptr);
  }

  StatusOr<Predictions> Predict(const data::Batch& batch) override {
    TFCOMPAT_RETURN_IF_ERROR(Logits(batch, nullptr));
    Predictions predictions;
    predictions.batch_size = batch.size;
    predictions.logits_dimension = logits_.cols();
    CopyToRowMajor(logits_, &predictions.logits);
    head_->Predict(logits_, &predictions);
    return predictions;
  }

  Status UpdateMetrics(const data::Batch& batch, Metrics* metrics) override {
    TFCOMPAT_RETURN_IF_ERROR(Logits(batch, nullptr));
    return AddEvaluationMetrics(*head_, logits_, batch, reduction_, metrics);
  }

 private:
  // logits_ = DNN logits + linear logits for the batch; features_ holds the
  // batch's raw features until the next call.
  Status Logits(const data::Batch& batch, Random* dropout_rng) {
    TFCOMPAT_ASSIGN_OR_RETURN(features_, feature_column::BatchFeatures(batch));
    const std::span<const float> params = store_.params();
    logits_.setZero(batch.size, head_->logits_dimension());
    if (dnn_.has_value()) {
      TFCOMPAT_RETURN_IF_ERROR(dnn_->input.Forward(features_, batch.size, params, &input_));
      logits_ += *dnn_->network.ForwardInput(input_, params, dropout_rng);
    }
    if (linear_.has_value()) {
      TFCOMPAT_RETURN_IF_ERROR(linear_->Forward(features_, batch.size, params, &linear_logits_));
      logits_ += linear_logits_;
    }
    return OkStatus();
  }

  VariableStore store_;
  std::optional<DnnPart> dnn_;
  std::optional<LinearModel> linear_;
  std::unique_ptr<Head> head_;
  LossReduction reduction_;
  std::vector<OptimizerPart> parts_;

  FeatureMap features_;
  Matrix input_, linear_logits_, logits_, d_logits_, d_input_;
  Eigen::VectorXf losses_;
  std::vector<SparseRows> sparse_rows_;
  TrainingSummaryRecorder summaries_;
};

// tf.compat.v1.truncated_normal_initializer(0, stddev): normal values
// redrawn until within two standard deviations, from `seed`.
void TruncatedNormal(std::span<float> values, float stddev, uint64_t seed) {
  Random random(seed);
  for (float& value : values) {
    float z;
    do {
      // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
      const float u = 1.0f - random.Uniform();
      const float v = random.Uniform();
      z = std::sqrt(-2.0f * std::log(u)) * std::cos(6.2831853f * v);
    } while (std::abs(z) > 2.0f);
    value = z * stddev;
  }
}

}  // namespace

StatusOr<std::unique_ptr<Model>> NewCombinedModel(const DNNLinearCombinedOptions& options, std::unique_ptr<Head> head,
                                                  const CombinedLayout& layout, uint64_t seed) {
  if (options.linear_feature_columns.empty() && options.dnn_feature_columns.empty()) {
    return InvalidArgumentError("Either linear_feature_columns or dnn_feature_columns must be defined.");
  }
  if (!options.dnn_feature_columns.empty() && options.dnn_hidden_units.empty()) {
    return InvalidArgumentError("dnn_hidden_units cannot be empty when dnn_feature_columns are given.");
  }
  if (options.dnn_dropout.has_value() && !(*options.dnn_dropout >= 0.0f && *options.dnn_dropout < 1.0f)) {
    return InvalidArgumentError("dropout must be in [0, 1), got " + std::to_string(*options.dnn_dropout));
  }
  const int64_t units = head->logits_dimension();
  VariableStore store;
  std::vector<OptimizerPart> parts;
  std::optional<DnnPart> dnn;
  std::vector<DenseLayer> dense_layers;
  SummarySpec summaries;
  if (!options.dnn_feature_columns.empty()) {
    TFCOMPAT_ASSIGN_OR_RETURN(InputLayer input, InputLayer::Create(options.dnn_feature_columns, kInputLayerScope,
                                                                   layout.dnn_slot_infix, &store));
    TFCOMPAT_ASSIGN_OR_RETURN(dense_layers,
                              AddDnnLayers(input.width(), options.dnn_hidden_units, options.dnn_activation_fn, units,
                                           layout.dnn_slot_infix, &store));
    Network network({}, dense_layers, options.dnn_dropout);
    dnn.emplace(DnnPart{std::move(input), std::move(network)});
    parts.push_back({0, store.num_trainables(), layout.dnn_scope, options.dnn_optimizer.value()});
    if (layout.canned_summaries) {
      for (size_t i = 0; i < dense_layers.size(); ++i) {
        summaries.layer_scopes.push_back("dnn/" + DnnLayerScope(i, dense_layers.size()));
      }
    }
  }
  std::optional<LinearModel> linear;
  if (!options.linear_feature_columns.empty()) {
    const size_t first = store.num_trainables();
    TFCOMPAT_ASSIGN_OR_RETURN(
        linear, LinearModel::Create(options.linear_feature_columns, units, options.linear_sparse_combiner, kLinearScope,
                                    layout.linear_slot_infix, &store));
    parts.push_back({first, store.num_trainables(), layout.linear_scope, options.linear_optimizer.value()});
    if (layout.canned_summaries) {
      summaries.weights_offset = linear->weights_offset();
      summaries.weights_size = linear->weights_size();
      summaries.bias_offset = linear->bias_offset();
      summaries.bias_size = static_cast<size_t>(units);
    }
  }
  // Initialised once every variable exists: spans into the block are stable now.
  if (dnn.has_value()) {
    for (const TableVariable& table : dnn->input.embeddings()) {
      const std::string name(store.ListTrainable()[table.variable].name);
      TruncatedNormal(store.params().subspan(table.offset, static_cast<size_t>(table.rows * table.width)),
                      1.0f / std::sqrt(static_cast<float>(table.width)), SeedFor(seed, name));
    }
    InitializeDnnKernels(dense_layers, seed, &store);
  }
  return std::unique_ptr<Model>(new DNNLinearCombinedModel(std::move(store), std::move(dnn), std::move(linear),
                                                           std::move(head), options.loss_reduction, std::move(parts),
                                                           std::move(summaries)));
}

namespace {

// Wide & deep: TF1's default optimizers and its slot and scope names.
StatusOr<std::unique_ptr<Model>> NewWideDeep(DNNLinearCombinedOptions options, std::unique_ptr<Head> head,
                                             uint64_t seed) {
  if (!options.dnn_optimizer.has_value()) {
    options.dnn_optimizer = OptimizerOptions{"Adagrad", kDnnLinearCombinedDnnLearningRate};
  }
  if (!options.linear_optimizer.has_value()) {
    options.linear_optimizer =
        OptimizerOptions{"Ftrl", DnnLinearCombinedLinearLearningRate(options.linear_feature_columns.size())};
  }
  const CombinedLayout layout{.dnn_slot_infix = "",
                              .linear_slot_infix = "",
                              .dnn_scope = "dnn/",
                              .linear_scope = "linear/",
                              .canned_summaries = false};
  return NewCombinedModel(options, std::move(head), layout, seed);
}

}  // namespace

float DnnLinearCombinedLinearLearningRate(size_t num_linear_columns) {
  if (num_linear_columns == 0) return kMaxLinearLearningRate;
  return std::min(kMaxLinearLearningRate, 1.0f / std::sqrt(static_cast<float>(num_linear_columns)));
}

StatusOr<std::unique_ptr<Model>> NewDNNLinearCombinedClassifier(const DNNLinearCombinedOptions& options,
                                                                uint64_t seed) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Head> head, NewClassifierHead(options.n_classes, options.label_vocabulary));
  return NewWideDeep(options, std::move(head), seed);
}

StatusOr<std::unique_ptr<Model>> NewDNNLinearCombinedRegressor(const DNNLinearCombinedOptions& options, uint64_t seed) {
  return NewWideDeep(options, NewRegressionHead(), seed);
}

}  // namespace tfcompat::model
