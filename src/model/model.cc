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
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/random.h"
#include "model/heads.h"
#include "model/network.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {
namespace {

// What a canned model_fn summarises while training: the DNN its layers'
// outputs, the linear model its weights.
struct SummarySpec {
  // DNN: the name scope of each layer's summaries ("dnn/dnn/hiddenlayer_0",
  // ..., "dnn/dnn/logits"; the variable scope inside the model's name scope).
  std::vector<std::string> layer_scopes;
  // Linear: where the weights (every column) and the bias lie in the
  // parameter block; bias_size 0 for the DNN.
  size_t weights_offset = 0;
  size_t weights_size = 0;
  size_t bias_offset = 0;
  size_t bias_size = 0;
};

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
        summaries_(std::move(summaries)) {}

  VariableStore& variables() override { return store_; }
  std::string_view optimizer_scope() const override { return scope_; }
  const OptimizerOptions& default_optimizer() const override { return optimizer_; }

  StatusOr<StepLoss> ComputeGradients(const data::Batch& batch, uint64_t seed) override {
    Random dropout_rng(seed);
    TFCOMPAT_ASSIGN_OR_RETURN(const Matrix* logits, network_.Forward(batch, store_.params(), &dropout_rng));
    TFCOMPAT_ASSIGN_OR_RETURN(const StepLoss loss,
                              ReducedLoss(*head_, *logits, batch, reduction_, &losses_, &d_logits_));
    network_.Backward(store_.params(), &d_logits_, store_.gradients());
    last_loss_ = loss;
    if (summaries_.bias_size > 0) {
      // TF reads the linear summaries in the step's session.run, before the
      // update is applied; the trainer applies it after this call.
      const std::span<const float> params = store_.params();
      const auto bias = params.subspan(summaries_.bias_offset, summaries_.bias_size);
      const auto weights = params.subspan(summaries_.weights_offset, summaries_.weights_size);
      linear_bias_.assign(bias.begin(), bias.end());
      linear_zero_fraction_ =
          static_cast<float>(std::count(weights.begin(), weights.end(), 0.0f)) / static_cast<float>(weights.size());
    }
    return loss;
  }

  std::vector<ModelSummary> TrainingSummaries() const override {
    std::vector<ModelSummary> summaries;
    if (!last_loss_.has_value()) return summaries;
    for (size_t i = 0; i < summaries_.layer_scopes.size(); ++i) {
      const Matrix& a = network_.layer_output(i);
      const std::string& scope = summaries_.layer_scopes[i];
      const float zeros = static_cast<float>((a.array() == 0.0f).count());
      summaries.push_back({scope + "/fraction_of_zero_values", zeros / static_cast<float>(a.size())});
      summaries.push_back({scope + "/activation", std::vector<double>(a.data(), a.data() + a.size())});
    }
    if (summaries_.bias_size == 1) {
      summaries.push_back({"linear/bias", linear_bias_[0]});
    } else if (summaries_.bias_size > 1) {
      summaries.push_back({"linear/bias", std::vector<double>(linear_bias_.begin(), linear_bias_.end())});
    }
    if (summaries_.bias_size > 0) summaries.push_back({"linear/fraction_of_zero_weights", linear_zero_fraction_});
    // The head's mean loss, which it summarises only when the loss is a sum.
    if (reduction_ == LossReduction::kSum) {
      summaries.push_back({"average_loss", static_cast<float>(last_loss_->average_loss)});
    }
    return summaries;
  }

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
  SummarySpec summaries_;
  Eigen::VectorXf losses_;
  Matrix d_logits_;
  std::optional<StepLoss> last_loss_;
  std::vector<float> linear_bias_;
  float linear_zero_fraction_ = 0;
};

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
StatusOr<std::unique_ptr<Model>> NewDNN(std::vector<NumericColumn> feature_columns,
                                        const std::vector<int64_t>& hidden_units, Activation activation,
                                        std::optional<float> dropout, std::unique_ptr<Head> head,
                                        LossReduction reduction, const OptimizerOptions& optimizer, uint64_t seed) {
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
StatusOr<std::unique_ptr<Model>> NewLinear(std::vector<NumericColumn> feature_columns, std::unique_ptr<Head> head,
                                           LossReduction reduction, const std::optional<OptimizerOptions>& optimizer) {
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
  return std::unique_ptr<Model>(
      new CannedModel(std::move(store), std::move(network), std::move(head), reduction, "linear/head/",
                      optimizer.value_or(OptimizerOptions{"Ftrl", kLinearLearningRate}), summaries));
}

}  // namespace

std::vector<OptimizerPart> Model::optimizer_parts() const {
  Model& model = const_cast<Model&>(*this);
  return {OptimizerPart{0, model.variables().num_trainables(), std::string(optimizer_scope()), default_optimizer()}};
}

StatusOr<std::unique_ptr<Model>> NewDNNClassifier(const DNNClassifierOptions& options, uint64_t seed) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Head> head, NewClassifierHead(options.n_classes, options.label_vocabulary));
  return NewDNN(options.feature_columns, options.hidden_units, options.activation_fn, options.dropout, std::move(head),
                options.loss_reduction, options.optimizer, seed);
}

StatusOr<std::unique_ptr<Model>> NewDNNRegressor(const DNNRegressorOptions& options, uint64_t seed) {
  return NewDNN(options.feature_columns, options.hidden_units, options.activation_fn, options.dropout,
                NewRegressionHead(), options.loss_reduction, options.optimizer, seed);
}

StatusOr<std::unique_ptr<Model>> NewLinearClassifier(const LinearClassifierOptions& options) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Head> head, NewClassifierHead(options.n_classes, options.label_vocabulary));
  return NewLinear(options.feature_columns, std::move(head), options.loss_reduction, options.optimizer);
}

StatusOr<std::unique_ptr<Model>> NewLinearRegressor(const LinearRegressorOptions& options) {
  return NewLinear(options.feature_columns, NewRegressionHead(), options.loss_reduction, options.optimizer);
}

}  // namespace tfcompat::model
