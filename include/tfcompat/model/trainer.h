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
// Data-parallel training (a Communicator of N > 1 ranks, communicator.h):
// every rank runs the same Trainer on the same input. Train() first checks
// that the ranks hold the same variables and steps, and copies rank 0's
// variables to the others (SyncVariables). Then, each step:
//   - every rank draws the same batch of B examples from its input (the
//     global batch: N times the per-rank batch size), and computes the
//     gradient of its share, rows ShardRows(B, N, rank) (contiguous, the
//     first B % N ranks one row more);
//   - the gradients are summed over the ranks in rank order, each weighed
//     by the share of the batch's loss it carries (1 for a summed loss,
//     its rows / B for a mean), so the step applies the whole batch's
//     gradient and a rerun gives the same bits; sparse gradients are summed
//     over the union of the rows the ranks touched;
//   - every rank applies the same update, so the variables stay equal;
//   - the hooks see the whole batch's loss; a hook's error or stop request
//     on any rank ends training on every rank (with that rank's error).
// A rank's error (bad data in its share, ...) is returned on every rank,
// prefixed "rank r of N: ". The first batch's fingerprint is compared
// across ranks before any update: ranks reading other data fail with
// InvalidArgument. Dropout masks are drawn per rank, so a model with dropout
// trains as well but not to the same bits as one process would.
// The model's own summaries (TrainingSummaries) are those of the rank's share.
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
#include "tfcompat/distribute/communicator.h"
#include "tfcompat/model/model.h"
#include "tfcompat/model/optimizer.h"

namespace tfcompat::distribute {
class GradientAllreduce;  // internal (src/distribute/gradient_allreduce.h)
}  // namespace tfcompat::distribute

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
  // cover every trainable once, in order. With a `communicator` of more
  // than one rank, training is data-parallel (see above).
  [[nodiscard]] static StatusOr<std::unique_ptr<Trainer>> Create(
      std::unique_ptr<Model> model, std::unique_ptr<Optimizer> optimizer, uint64_t seed,
      std::shared_ptr<distribute::Communicator> communicator = nullptr);

  // Data-parallel: checks that every rank's model has the same variables
  // (InvalidArgument naming the rank otherwise) and copies rank 0's values,
  // slots and global_step to the other ranks. Train() does it before its
  // first step; call it earlier to read the global_step every rank will
  // start from. Nothing to do in one process.
  [[nodiscard]] Status SyncVariables();

  ~Trainer();

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
  Trainer(std::unique_ptr<Model> model, std::vector<std::unique_ptr<Optimizer>> optimizers, uint64_t seed,
          std::shared_ptr<distribute::Communicator> communicator);

  bool data_parallel() const { return communicator_ != nullptr && communicator_->size() > 1; }
  // The loops of Train() after its checks, up to global step `last_step`.
  [[nodiscard]] Status RunSteps(data::BatchSource* input, int64_t last_step, std::span<TrainHook* const> hooks);
  [[nodiscard]] Status RunStepsDataParallel(data::BatchSource* input, int64_t last_step,
                                            std::span<TrainHook* const> hooks);
  // `local`, or in data-parallel training the status every rank agrees on
  // (AgreeOnStatus: one rank's error is every rank's).
  [[nodiscard]] Status Agree(const Status& local);
  // Every optimizer's update from the gradients in the store.
  [[nodiscard]] Status ApplyGradients(std::span<const SparseRows> sparse_rows);

  std::unique_ptr<Model> model_;
  std::vector<std::unique_ptr<Optimizer>> optimizers_;  // one per part
  uint64_t seed_;
  data::Batch batch_;
  // Data-parallel training: the ranks, this rank's share of batch_, and the
  // gradient sum's buffers.
  std::shared_ptr<distribute::Communicator> communicator_;
  data::Batch shard_;
  std::unique_ptr<distribute::GradientAllreduce> gradient_allreduce_;
  bool synced_ = false;
};

}  // namespace tfcompat::model

#endif  // TFCOMPAT_MODEL_TRAINER_H_
