// SPDX-License-Identifier: Apache-2.0
// The canned models: a Network (input layer + dense layers) and a Head,
// with TF1's variable names:
//
//   DNN      dnn/hiddenlayer_<i>/kernel [in, units]   dnn/hiddenlayer_<i>/bias [units]
//            dnn/logits/kernel [units, logits]        dnn/logits/bias [logits]
//            slots "<var>/t_0/<slot>", non-slot scalars "dnn/head/<name>"
//   Linear   linear/linear_model/<key>/weights [1, logits] (one per column)
//            linear/linear_model/bias_weights [logits]
//            slots "<var>/part_0/<slot>", non-slot scalars "linear/head/<name>"
//
// The linear model's per-column weights are consecutive in the parameter
// block, sorted by key, so together they are one [#columns, logits] kernel.
//
// This is the path of numeric columns of one value each; other columns make
// the model over feature columns (dnn_linear_combined.h) with the canned
// models' names.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/random.h"
#include "model/dnn_linear_combined.h"
#include "model/heads.h"
#include "model/network.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {
namespace {

class CannedModel final : public Model {
 public:
  CannedModel(VariableStore store, Network network, std::unique_ptr<Head> head, LossReduction reduction,
              std::string scope, OptimizerOptions optimizer, SummarySpec summaries)
      : store_(std::move(store)),
        network_(std::move(network)),
        head_(std::move(head)),
        reduction_(reduction),
        scope_(std::move(scope)),
        optimizer_(std::move(optimizer)),
        summaries_(std::move(summaries), reduction) {}

  VariableStore& variables() override { return store_; }
  std::string_view optimizer_scope() const override { return scope_; }
  const OptimizerOptions& default_optimizer() const override { return optimizer_; }

  StatusOr<StepLoss> ComputeGradients(const data::Batch& batch, uint64_t seed) override {
    Random dropout_rng(seed);
    TFCOMPAT_ASSIGN_OR_RETURN(const Matrix* logits, network_.Forward(batch, store_.params(), &dropout_rng));
    TFCOMPAT_ASSIGN_OR_RETURN(const StepLoss loss,
                              ReducedLoss(*head_, *logits, batch, reduction_, &losses_, &d_logits_));
    network_.Backward(store_.params(), &d_logits_, store_.gradients());
    summaries_.Record(store_.params(), loss);
    return loss;
  }

  std::vector<ModelSummary> TrainingSummaries() const override { return summaries_.Summaries(&network_); }

  StatusOr<Predictions> Predict(const data::Batch& batch) override {
    TFCOMPAT_ASSIGN_OR_RETURN(const Matrix* logits, network_.Forward(batch, store_.params(), nullptr));
    Predictions predictions;
    predictions.batch_size = batch.size;
    predictions.logits_dimension = logits->cols();
    CopyToRowMajor(*logits, &predictions.logits);
    head_->Predict(*logits, &predictions);
    return predictions;
  }

  Status UpdateMetrics(const data::Batch& batch, Metrics* metrics) override {
    TFCOMPAT_ASSIGN_OR_RETURN(const Matrix* logits, network_.Forward(batch, store_.params(), nullptr));
    return AddEvaluationMetrics(*head_, *logits, batch, reduction_, metrics);
  }

 private:
  VariableStore store_;
  Network network_;
  std::unique_ptr<Head> head_;
  LossReduction reduction_;
  std::string scope_;
  OptimizerOptions optimizer_;
  TrainingSummaryRecorder summaries_;
  Eigen::VectorXf losses_;
  Matrix d_logits_;
};

// Numeric columns of one value each: the columns the numeric path reads.
std::optional<std::vector<NumericColumn>> ScalarNumericColumns(
    const std::vector<feature_column::FeatureColumn>& columns) {
  std::vector<NumericColumn> numeric;
  for (const feature_column::FeatureColumn& column : columns) {
    if (column.kind() != feature_column::FeatureColumn::Kind::kNumeric || column.dense_dimension() != 1) {
      return std::nullopt;
    }
    numeric.push_back({column.key(), column.normalizer_fn()});
  }
  return numeric;
}

// Feature columns sorted by key, as TF's input layer orders them.
StatusOr<std::vector<NumericColumn>> SortedColumns(std::vector<NumericColumn> columns) {
  if (columns.empty()) return InvalidArgumentError("feature_columns must be defined.");
  std::sort(columns.begin(), columns.end(),
            [](const NumericColumn& a, const NumericColumn& b) { return a.key < b.key; });
  for (size_t i = 1; i < columns.size(); ++i) {
    if (columns[i].key == columns[i - 1].key) {
      return InvalidArgumentError("Duplicate feature column key found for column: " + columns[i].key);
    }
  }
  return columns;
}

// The DNN's variables and layers: hidden layers, then the logits layer.
StatusOr<std::unique_ptr<Model>> NewNumericDNN(std::vector<NumericColumn> feature_columns,
                                               const std::vector<int64_t>& hidden_units, Activation activation,
                                               std::optional<float> dropout, std::unique_ptr<Head> head,
                                               LossReduction reduction, const OptimizerOptions& optimizer,
                                               uint64_t seed) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::vector<NumericColumn> columns, SortedColumns(std::move(feature_columns)));
  if (dropout.has_value() && !(*dropout >= 0.0f && *dropout < 1.0f)) {
    return InvalidArgumentError("dropout must be in [0, 1), got " + std::to_string(*dropout));
  }
  VariableStore store;
  TFCOMPAT_ASSIGN_OR_RETURN(std::vector<DenseLayer> layers,
                            AddDnnLayers(static_cast<int64_t>(columns.size()), hidden_units, activation,
                                         head->logits_dimension(), "t_0/", &store));
  InitializeDnnKernels(layers, seed, &store);
  SummarySpec summaries;
  for (size_t i = 0; i < layers.size(); ++i) summaries.layer_scopes.push_back("dnn/" + DnnLayerScope(i, layers.size()));
  Network network(std::move(columns), std::move(layers), dropout);
  return std::unique_ptr<Model>(new CannedModel(std::move(store), std::move(network), std::move(head), reduction,
                                                "dnn/head/", optimizer, std::move(summaries)));
}

// The linear model's variables: one weight per column and logit, a bias
// per logit, all zero.
StatusOr<std::unique_ptr<Model>> NewNumericLinear(std::vector<NumericColumn> feature_columns,
                                                  std::unique_ptr<Head> head, LossReduction reduction,
                                                  const OptimizerOptions& optimizer) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::vector<NumericColumn> columns, SortedColumns(std::move(feature_columns)));
  const int64_t units = head->logits_dimension();
  VariableStore store;
  size_t kernel = 0;
  for (size_t i = 0; i < columns.size(); ++i) {
    TFCOMPAT_ASSIGN_OR_RETURN(
        const size_t offset,
        store.AddTrainable("linear/linear_model/" + columns[i].key + "/weights", {1, units}, "part_0/"));
    if (i == 0) kernel = offset;
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const size_t bias,
                            store.AddTrainable("linear/linear_model/bias_weights", {units}, "part_0/"));
  const int64_t in = static_cast<int64_t>(columns.size());
  Network network(std::move(columns), {DenseLayer{kernel, bias, in, units, Activation::kLinear}}, std::nullopt);
  const SummarySpec summaries{.layer_scopes = {},
                              .weights_offset = kernel,
                              .weights_size = static_cast<size_t>(in * units),
                              .bias_offset = bias,
                              .bias_size = static_cast<size_t>(units)};
  return std::unique_ptr<Model>(new CannedModel(std::move(store), std::move(network), std::move(head), reduction,
                                                "linear/head/", optimizer, summaries));
}

// The settings DNNClassifierOptions and DNNRegressorOptions share.
template <typename Options>
StatusOr<std::unique_ptr<Model>> NewDNN(const Options& options, std::unique_ptr<Head> head, uint64_t seed) {
  if (std::optional<std::vector<NumericColumn>> numeric = ScalarNumericColumns(options.feature_columns)) {
    return NewNumericDNN(*std::move(numeric), options.hidden_units, options.activation_fn, options.dropout,
                         std::move(head), options.loss_reduction, options.optimizer, seed);
  }
  DNNLinearCombinedOptions combined;
  combined.dnn_feature_columns = options.feature_columns;
  combined.dnn_optimizer = options.optimizer;
  combined.dnn_hidden_units = options.hidden_units;
  combined.dnn_activation_fn = options.activation_fn;
  combined.dnn_dropout = options.dropout;
  combined.loss_reduction = options.loss_reduction;
  const CombinedLayout layout{.dnn_slot_infix = "t_0/",
                              .linear_slot_infix = "",
                              .dnn_scope = "dnn/head/",
                              .linear_scope = "",
                              .canned_summaries = true};
  return NewCombinedModel(combined, std::move(head), layout, seed);
}

// The settings LinearClassifierOptions and LinearRegressorOptions share.
template <typename Options>
StatusOr<std::unique_ptr<Model>> NewLinear(const Options& options, std::unique_ptr<Head> head) {
  const OptimizerOptions optimizer = options.optimizer.value_or(OptimizerOptions{"Ftrl", kLinearLearningRate});
  if (std::optional<std::vector<NumericColumn>> numeric = ScalarNumericColumns(options.feature_columns)) {
    return NewNumericLinear(*std::move(numeric), std::move(head), options.loss_reduction, optimizer);
  }
  DNNLinearCombinedOptions combined;
  combined.linear_feature_columns = options.feature_columns;
  combined.linear_optimizer = optimizer;
  combined.linear_sparse_combiner = options.sparse_combiner;
  combined.loss_reduction = options.loss_reduction;
  const CombinedLayout layout{.dnn_slot_infix = "",
                              .linear_slot_infix = "part_0/",
                              .dnn_scope = "",
                              .linear_scope = "linear/head/",
                              .canned_summaries = true};
  // Linear weights start at zero: the seed draws nothing.
  return NewCombinedModel(combined, std::move(head), layout, /*seed=*/0);
}

}  // namespace

std::vector<OptimizerPart> Model::optimizer_parts() {
  return {OptimizerPart{0, variables().num_trainables(), std::string(optimizer_scope()), default_optimizer()}};
}

StatusOr<std::unique_ptr<Model>> NewDNNClassifier(const DNNClassifierOptions& options, uint64_t seed) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Head> head, NewClassifierHead(options.n_classes, options.label_vocabulary));
  return NewDNN(options, std::move(head), seed);
}

StatusOr<std::unique_ptr<Model>> NewDNNRegressor(const DNNRegressorOptions& options, uint64_t seed) {
  return NewDNN(options, NewRegressionHead(), seed);
}

StatusOr<std::unique_ptr<Model>> NewLinearClassifier(const LinearClassifierOptions& options) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Head> head, NewClassifierHead(options.n_classes, options.label_vocabulary));
  return NewLinear(options, std::move(head));
}

StatusOr<std::unique_ptr<Model>> NewLinearRegressor(const LinearRegressorOptions& options) {
  return NewLinear(options, NewRegressionHead());
}

}  // namespace tfcompat::model
