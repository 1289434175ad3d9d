// SPDX-License-Identifier: Apache-2.0
// Models: TF1's canned DNNClassifier, DNNRegressor, LinearClassifier and
// LinearRegressor, and the Model interface a user implements for a custom
// model_fn.
//
// A Model owns its variables (see variables.h) under TensorFlow's names and
// computes, for a batch, the loss and its gradient, the predictions, and the
// evaluation metrics, exactly as TF1's canned heads do:
//
//   head          logits   loss per example                  predictions
//   multi-class   [B, n]   softmax cross-entropy             logits, probabilities, class_ids, classes
//   binary        [B, 1]   sigmoid cross-entropy             + logistic
//   regression    [B, 1]   squared error                     predictions
//
// The training loss is reduced over the batch with `loss_reduction` (TF1's
// default SUM); the `average_loss` metric is the mean per-example loss and
// the `loss` metric the mean over batches of the reduced batch loss (the
// Estimator's `metrics.mean(loss)`). The heads add TF1's evaluation metrics:
//
//   multi-class   accuracy
//   binary        accuracy, accuracy_baseline, auc, auc_precision_recall,
//                 label/mean, precision, prediction/mean, recall
//   regression    label/mean, prediction/mean
//
// The canned models take any feature columns (feature_column.h), as TF's
// do. Over numeric columns of one value each they read the batch's float
// features directly; over other columns (or a numeric one of several
// values) they read them through the input layer (DNN) or the linear model,
// as wide & deep does, with the same variable names and sparse updates,
// e.g. `dnn/input_from_feature_columns/input_layer/<c>_embedding/embedding_weights`
// and `linear/linear_model/<c>/weights` [buckets, logits]. Slots:
// `<var>/t_0/<slot>` (DNN), `<var>/part_0/<slot>` (linear).
//
// Usage:
//   DNNClassifierOptions options;
//   const std::vector<std::string> keys = {"SepalLength", "SepalWidth", "PetalLength", "PetalWidth"};
//   TFCOMPAT_ASSIGN_OR_RETURN(options.feature_columns, feature_column::NumericColumns(keys));
//   options.hidden_units = {10, 10};
//   options.n_classes = 3;
//   TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, NewDNNClassifier(options, /*seed=*/42));
#ifndef TFCOMPAT_MODEL_MODEL_H_
#define TFCOMPAT_MODEL_MODEL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/data/dataset.h"
#include "tfcompat/feature_column/feature_column.h"
#include "tfcompat/model/metrics.h"
#include "tfcompat/model/optimizer.h"
#include "tfcompat/model/variables.h"

namespace tfcompat::model {

enum class Activation { kRelu, kRelu6, kElu, kTanh, kSigmoid, kLinear };

// TF's name of an activation ("relu", "tanh", ...), and back.
std::string_view ActivationName(Activation activation);
[[nodiscard]] StatusOr<Activation> ParseActivation(std::string_view name);

// tf.compat.v1.losses.Reduction values the canned heads accept.
enum class LossReduction { kSum, kSumOverBatchSize };

struct DNNClassifierOptions {
  std::vector<feature_column::FeatureColumn> feature_columns;
  std::vector<int64_t> hidden_units;
  int n_classes = 2;
  // Class names, index = class id; empty: the ids themselves ("0", "1", ...).
  std::vector<std::string> label_vocabulary;
  Activation activation_fn = Activation::kRelu;
  std::optional<float> dropout;  // drop probability after each hidden layer
  OptimizerOptions optimizer = {"Adagrad", 0.05f};
  LossReduction loss_reduction = LossReduction::kSum;
};

struct DNNRegressorOptions {
  std::vector<feature_column::FeatureColumn> feature_columns;
  std::vector<int64_t> hidden_units;
  Activation activation_fn = Activation::kRelu;
  std::optional<float> dropout;
  OptimizerOptions optimizer = {"Adagrad", 0.05f};
  LossReduction loss_reduction = LossReduction::kSum;
};

// The canned linear models' optimizer when none is given: TF1's
// optimizer='Ftrl', which TF builds with the linear model's learning rate.
inline constexpr float kLinearLearningRate = 0.2f;

struct LinearClassifierOptions {
  std::vector<feature_column::FeatureColumn> feature_columns;
  int n_classes = 2;
  std::vector<std::string> label_vocabulary;
  // Empty: TF1's default, Ftrl with learning rate kLinearLearningRate.
  std::optional<OptimizerOptions> optimizer;
  LossReduction loss_reduction = LossReduction::kSum;
  // How a categorical column combines an example's ids: TF's sparse_combiner.
  feature_column::Combiner sparse_combiner = feature_column::Combiner::kSum;
};

struct LinearRegressorOptions {
  std::vector<feature_column::FeatureColumn> feature_columns;
  // Empty: TF1's default, Ftrl with learning rate kLinearLearningRate.
  std::optional<OptimizerOptions> optimizer;
  LossReduction loss_reduction = LossReduction::kSum;
  feature_column::Combiner sparse_combiner = feature_column::Combiner::kSum;
};

// TF1's wide & deep (DNNLinearCombinedClassifier/Regressor): the logits are
// the sum of a linear model over `linear_feature_columns` and a DNN over
// `dnn_feature_columns` (feature_column.h), each part trained by its own
// optimizer. Variables (TF1's names; slots without an infix, e.g.
// `dnn/hiddenlayer_0/kernel/Adagrad`, `linear/linear_model/island/weights/Ftrl`):
//
//   dnn/input_from_feature_columns/input_layer/<c>_embedding/embedding_weights  [buckets, dimension]
//   dnn/hiddenlayer_<i>/kernel, /bias; dnn/logits/kernel, /bias                as the DNN's
//   linear/linear_model/<column name>/weights                                  [rows, logits]
//   linear/linear_model/bias_weights                                           [logits]
//
// Embedding and linear weights of categorical columns get sparse gradients:
// an optimizer step updates only the rows the batch used, as TF's sparse
// apply ops do.
struct DNNLinearCombinedOptions {
  std::vector<feature_column::FeatureColumn> linear_feature_columns;
  // Empty: TF1's 'Ftrl' with DnnLinearCombinedLinearLearningRate.
  std::optional<OptimizerOptions> linear_optimizer;
  std::vector<feature_column::FeatureColumn> dnn_feature_columns;
  // Empty: TF1's 'Adagrad' with kDnnLinearCombinedDnnLearningRate.
  std::optional<OptimizerOptions> dnn_optimizer;
  std::vector<int64_t> dnn_hidden_units;
  Activation dnn_activation_fn = Activation::kRelu;
  std::optional<float> dnn_dropout;
  // How the linear model combines a categorical column's ids: TF's
  // linear_sparse_combiner ('sum').
  feature_column::Combiner linear_sparse_combiner = feature_column::Combiner::kSum;
  // Classifier: n_classes >= 2 and the class names (see DNNClassifierOptions);
  // ignored by the regressor.
  int n_classes = 2;
  std::vector<std::string> label_vocabulary;
  LossReduction loss_reduction = LossReduction::kSum;
};

// What a model predicts for a batch of B examples (unused fields are empty).
struct Predictions {
  int64_t batch_size = 0;
  int64_t logits_dimension = 0;
  std::vector<float> logits;         // [B, logits_dimension]
  std::vector<float> logistic;       // binary: [B]
  std::vector<float> probabilities;  // classifiers: [B, n_classes]
  std::vector<int64_t> class_ids;    // classifiers: [B]
  std::vector<std::string> classes;  // classifiers: [B]
  std::vector<float> predictions;    // regressor: [B]
};

// Loss of one training step.
struct StepLoss {
  double loss = 0;          // reduced with the model's loss_reduction
  double average_loss = 0;  // mean per-example loss
  // How `loss` reduces the per-example losses. Data-parallel training weighs
  // each rank's gradient by it: 1 for a sum, the rank's share of the batch
  // for a mean (the gradient of the whole batch's loss either way).
  LossReduction reduction = LossReduction::kSum;
};

// A summary a model_fn adds to the training graph, which Estimator.train
// writes every save_summary_steps: a scalar (tf.compat.v1.summary.scalar) or
// the values of a histogram (tf.compat.v1.summary.histogram).
struct ModelSummary {
  std::string tag;
  std::variant<float, std::vector<double>> value;
};

// The interface of every model: canned ones, and a user's (TF's model_fn).
class Model {
 public:
  virtual ~Model() = default;

  virtual VariableStore& variables() = 0;

  // The prefix of optimizer variables that belong to no trainable variable
  // ("dnn/head/" for the canned DNN: `dnn/head/beta1_power`).
  virtual std::string_view optimizer_scope() const = 0;

  // The optimizer to use when the caller names none.
  virtual const OptimizerOptions& default_optimizer() const = 0;

  // Forward and backward pass on a training batch: writes d(loss)/d(params)
  // into variables().gradients(). `seed` drives dropout.
  [[nodiscard]] virtual StatusOr<StepLoss> ComputeGradients(const data::Batch& batch, uint64_t seed) = 0;

  [[nodiscard]] virtual StatusOr<Predictions> Predict(const data::Batch& batch) = 0;

  // The optimizers of the model (OptimizerPart, optimizer.h; TF1's wide & deep
  // model trains its linear part with Ftrl, slots `linear/.../Ftrl`, and its
  // DNN part with Adagrad, `dnn/.../Adagrad`): parts in order of their variables, which
  // together cover every trainable once (Trainer::Create checks). A part's
  // optimizer has slots for its variables only. Default: one part over every
  // trainable, {optimizer_scope(), default_optimizer()}.
  virtual std::vector<OptimizerPart> optimizer_parts();

  // After ComputeGradients: the variables whose gradient is row-sparse, each
  // with the sorted, unique rows (indices into the variable's first
  // dimension) the batch touched; the other rows' gradients are zero, and the
  // optimizers (but Adam, as TF1's) update only the touched rows, values and
  // slots. Default: none (every gradient dense).
  virtual std::span<const SparseRows> sparse_gradients() const { return {}; }

  // The summaries of the last ComputeGradients, tagged as TF1's canned
  // model_fns tag them (none by default). The canned DNN: for each hidden
  // layer's output (after dropout) and the logits, a histogram
  // `dnn/dnn/<layer>/activation` and a scalar
  // `dnn/dnn/<layer>/fraction_of_zero_values`; the canned linear model:
  // `linear/bias` (a scalar for one logit, else a histogram) and
  // `linear/fraction_of_zero_weights`, read before the step's update; both:
  // `average_loss` with the SUM loss reduction. Ask before the next Predict
  // or UpdateMetrics, which run the network again.
  virtual std::vector<ModelSummary> TrainingSummaries() const { return {}; }

  // Adds the batch to the evaluation metrics (`loss`, `average_loss`, and
  // the head's own: `accuracy`, ...).
  [[nodiscard]] virtual Status UpdateMetrics(const data::Batch& batch, Metrics* metrics) = 0;
};

// Glorot-uniform kernels, zero biases; `seed` makes them reproducible.
[[nodiscard]] StatusOr<std::unique_ptr<Model>> NewDNNClassifier(const DNNClassifierOptions& options, uint64_t seed);
[[nodiscard]] StatusOr<std::unique_ptr<Model>> NewDNNRegressor(const DNNRegressorOptions& options, uint64_t seed);
// Zero-initialised weights, as TF's linear model.
[[nodiscard]] StatusOr<std::unique_ptr<Model>> NewLinearClassifier(const LinearClassifierOptions& options);
[[nodiscard]] StatusOr<std::unique_ptr<Model>> NewLinearRegressor(const LinearRegressorOptions& options);

// dnn_linear_combined.py's default learning rates: the DNN part's, and the
// linear part's min(0.005, 1/sqrt(#linear columns)) (0.005 without
// linear columns).
inline constexpr float kDnnLinearCombinedDnnLearningRate = 0.001f;
float DnnLinearCombinedLinearLearningRate(size_t num_linear_columns);

// Wide & deep. At least one of the two column lists; dnn_hidden_units
// non-empty when there are DNN columns. Embedding weights are drawn from
// TF's truncated normal and DNN kernels from Glorot uniform with `seed`;
// linear weights start at zero.
[[nodiscard]] StatusOr<std::unique_ptr<Model>> NewDNNLinearCombinedClassifier(const DNNLinearCombinedOptions& options,
                                                                              uint64_t seed);
[[nodiscard]] StatusOr<std::unique_ptr<Model>> NewDNNLinearCombinedRegressor(const DNNLinearCombinedOptions& options,
                                                                             uint64_t seed);

}  // namespace tfcompat::model

#endif  // TFCOMPAT_MODEL_MODEL_H_
