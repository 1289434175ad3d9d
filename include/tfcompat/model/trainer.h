// SPDX-License-Identifier: Apache-2.0
// Trainer: the checkpoint- and summary-agnostic core of Estimator.train,
// evaluate and predict. It runs steps (forward, backward, optimizer update,
// global_step += 1) over batches and calls hooks, so an Estimator adds
// checkpoints and event files as hooks around it.
//
// Evaluation and prediction need no optimizer: EvaluateModel() and
// Model::Predict() run on a bare Model, whose variables are the model's own
// and global_step (no slots), as TF's EVAL and PREDICT graphs hold them.
//
// Usage:
//   const uint64_t seed = 42;
//   TFCOMPAT_ASSIGN_OR_RETURN(Dataset train, ReadCsvDataset("data/iris_training.csv", {}));
//   auto dataset = std::make_shared<const Dataset>(std::move(train));
//   DNNClassifierOptions options;
//   TFCOMPAT_ASSIGN_OR_RETURN(options.feature_columns, feature_column::NumericColumns(*dataset->feature_names));
//   options.hidden_units = {10, 10};
//   options.n_classes = 3;
//   TFCOMPAT_ASSIGN_OR_RETURN(auto model, NewDNNClassifier(options, seed));
//   TFCOMPAT_ASSIGN_OR_RETURN(auto trainer, Trainer::Create(std::move(model), /*optimizer=*/nullptr, seed));
//   TFCOMPAT_ASSIGN_OR_RETURN(auto batches, DatasetBatches::Create(dataset, {.batch_size = 100, .seed = seed}));
//   TFCOMPAT_RETURN_IF_ERROR(trainer->Train(batches.get(), TrainSteps::Steps(1000), {}));
//   TFCOMPAT_ASSIGN_OR_RETURN(auto test_batches, DatasetBatches::Create(dataset, {.shuffle = false, .num_epochs = 1}));
//   TFCOMPAT_ASSIGN_OR_RETURN(auto metrics, trainer->Evaluate(test_batches.get(), std::nullopt));
#ifndef TFCOMPAT_MODEL_TRAINER_H_
#define TFCOMPAT_MODEL_TRAINER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/data/dataset.h"
#include "tfcompat/model/model.h"
#include "tfcompat/model/optimizer.h"

namespace tfcompat::model {

// What a hook sees after each step.
struct StepResult {
  int64_t global_step;  // after the step
  double loss;          // the training loss (model's reduction)
  double average_loss;  // mean per-example loss
};

// TF's SessionRunHook, reduced to what training needs. A non-OK status
// stops training and is returned by Train().
class TrainHook {
 public:
  virtual ~TrainHook() = default;
  [[nodiscard]] virtual Status Begin(int64_t global_step);
  // Set *request_stop to end training after this step.
  [[nodiscard]] virtual Status AfterStep(const StepResult& result, bool* request_stop);
  // Called once training ends without error (also when input ran out).
  [[nodiscard]] virtual Status End(int64_t global_step);
};

// Estimator.train's `steps` (this many more) or `max_steps` (up to this
// global step); exactly one.
struct TrainSteps {
  std::optional<int64_t> steps;
  std::optional<int64_t> max_steps;
  static TrainSteps Steps(int64_t n) { return {n, std::nullopt}; }
  static TrainSteps MaxSteps(int64_t n) { return {std::nullopt, n}; }
};

// Metrics of `model` over `steps` batches, or until the input ends; plus
// "global_step". `after_batch`, when set, is called with the number of
// batches done after each one (for progress lines). InvalidArgument with
// TF's message for steps <= 0.
[[nodiscard]] StatusOr<std::map<std::string, double>> EvaluateModel(
    Model& model, data::BatchSource* input, std::optional<int64_t> steps,
    const std::function<void(int64_t batches)>& after_batch = {});

class Trainer {
 public:
  // With a null `optimizer`, one optimizer per part of the model
  // (Model::optimizer_parts()) from the part's default_optimizer; otherwise
  // `optimizer` for a one-part model, and InvalidArgument for a model of
  // several parts, which carry their own optimizers. Creates the optimizers'
  // slots in the model's variables. InvalidArgument when the parts do not
  // cover every trainable once, in order.
  [[nodiscard]] static StatusOr<std::unique_ptr<Trainer>> Create(std::unique_ptr<Model> model,
                                                                 std::unique_ptr<Optimizer> optimizer, uint64_t seed);

  // Trains until the step count is reached, a hook requests a stop, or the
  // input ends (OutOfRange from the source). InvalidArgument with TF's
  // messages for bad step counts; "NaN loss during training." when the
  // loss is not finite (TF's NanTensorHook); the optimizers' InvalidArgument
  // for bad Model::sparse_gradients() (no variable updated).
  [[nodiscard]] Status Train(data::BatchSource* input, const TrainSteps& steps, std::span<TrainHook* const> hooks);

  // EvaluateModel() of the trained model.
  [[nodiscard]] StatusOr<std::map<std::string, double>> Evaluate(
      data::BatchSource* input, std::optional<int64_t> steps,
      const std::function<void(int64_t batches)>& after_batch = {}) {
    return EvaluateModel(*model_, input, steps, after_batch);
  }

  [[nodiscard]] StatusOr<Predictions> Predict(const data::Batch& batch) { return model_->Predict(batch); }

  Model& model() { return *model_; }
  VariableStore& variables() { return model_->variables(); }
  int64_t global_step() { return model_->variables().global_step(); }

 private:
  Trainer(std::unique_ptr<Model> model, std::vector<std::unique_ptr<Optimizer>> optimizers, uint64_t seed)
      : model_(std::move(model)), optimizers_(std::move(optimizers)), seed_(seed) {}

  std::unique_ptr<Model> model_;
  std::vector<std::unique_ptr<Optimizer>> optimizers_;  // one per part
  uint64_t seed_;
  data::Batch batch_;
};

}  // namespace tfcompat::model

#endif  // TFCOMPAT_MODEL_TRAINER_H_
