// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/model/trainer.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "data/batch_fingerprint.h"
#include "data/batch_shard.h"
#include "distribute/agreement.h"
#include "distribute/gradient_allreduce.h"
#include "distribute/variable_broadcast.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {

Status TrainHook::Begin(int64_t) { return OkStatus(); }
Status TrainHook::AfterStep(const StepResult&, bool*) { return OkStatus(); }
Status TrainHook::End(int64_t) { return OkStatus(); }

namespace {

Status CheckParts(const std::vector<OptimizerPart>& parts, size_t num_trainables) {
  size_t next = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const OptimizerPart& part = parts[i];
    if (part.first_variable != next || part.end_variable <= part.first_variable) {
      return InvalidArgumentError("optimizer part " + std::to_string(i) + " covers trainable variables [" +
                                  std::to_string(part.first_variable) + ", " + std::to_string(part.end_variable) +
                                  "), expected a non-empty range from " + std::to_string(next));
    }
    next = part.end_variable;
  }
  if (next != num_trainables) {
    return InvalidArgumentError("optimizer parts cover " + std::to_string(next) + " of the " +
                                std::to_string(num_trainables) + " trainable variables");
  }
  return OkStatus();
}

// A different dropout stream for every step, fixed by the seed; in
// data-parallel training also for every rank (rank 0's is one process's).
uint64_t StepSeed(uint64_t seed, int64_t global_step, int rank) {
  return seed ^ (static_cast<uint64_t>(global_step) * 0x9e3779b97f4a7c15ull) ^
         (static_cast<uint64_t>(rank) * 0xbf58476d1ce4e5b9ull);
}

std::string StepsFact(const TrainSteps& steps) {
  return steps.steps.has_value() ? "steps=" + std::to_string(*steps.steps)
                                 : "max_steps=" + std::to_string(steps.max_steps.value_or(0));
}

}  // namespace

Trainer::Trainer(std::unique_ptr<Model> model, std::vector<std::unique_ptr<Optimizer>> optimizers, uint64_t seed,
                 std::shared_ptr<distribute::Communicator> communicator)
    : model_(std::move(model)),
      optimizers_(std::move(optimizers)),
      seed_(seed),
      communicator_(std::move(communicator)) {
  if (data_parallel()) gradient_allreduce_ = std::make_unique<distribute::GradientAllreduce>(communicator_.get());
}

Trainer::~Trainer() = default;

StatusOr<std::unique_ptr<Trainer>> Trainer::Create(std::unique_ptr<Model> model, std::unique_ptr<Optimizer> optimizer,
                                                   uint64_t seed,
                                                   std::shared_ptr<distribute::Communicator> communicator) {
  if (model == nullptr) return InvalidArgumentError("model must not be null");
  const std::vector<OptimizerPart> parts = model->optimizer_parts();
  TFCOMPAT_RETURN_IF_ERROR(CheckParts(parts, model->variables().num_trainables()));
  std::vector<std::unique_ptr<Optimizer>> optimizers;
  if (optimizer != nullptr) {
    if (parts.size() != 1) {
      return InvalidArgumentError("the model has " + std::to_string(parts.size()) +
                                  " optimizer parts, which carry their own optimizers; expected no optimizer");
    }
    optimizers.push_back(std::move(optimizer));
  } else {
    for (const OptimizerPart& part : parts) {
      TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Optimizer> part_optimizer, NewOptimizer(part.default_optimizer));
      optimizers.push_back(std::move(part_optimizer));
    }
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    TFCOMPAT_RETURN_IF_ERROR(optimizers[i]->CreateSlots(&model->variables(), parts[i]));
  }
  return std::unique_ptr<Trainer>(new Trainer(std::move(model), std::move(optimizers), seed, std::move(communicator)));
}

Status Trainer::SyncVariables() {
  if (!data_parallel() || synced_) return OkStatus();
  VariableStore& store = model_->variables();
  const distribute::LaunchFact facts[] = {{"model (variables)", distribute::VariablesFingerprint(store)}};
  TFCOMPAT_RETURN_IF_ERROR(distribute::CheckSameLaunch(*communicator_, facts));
  TFCOMPAT_RETURN_IF_ERROR(distribute::BroadcastVariables(*communicator_, &store));
  synced_ = true;
  return OkStatus();
}

Status Trainer::ApplyGradients(std::span<const SparseRows> sparse_rows) {
  // Every optimizer checks the sparse rows before updating, so bad ones
  // fail at the first part with nothing updated.
  for (const std::unique_ptr<Optimizer>& optimizer : optimizers_) {
    TFCOMPAT_RETURN_IF_ERROR(optimizer->Apply(&model_->variables(), sparse_rows));
  }
  return OkStatus();
}

Status Trainer::Train(data::BatchSource* input, const TrainSteps& steps, std::span<TrainHook* const> hooks) {
  // Messages as estimator.py's Estimator.train.
  if (steps.steps.has_value() && steps.max_steps.has_value()) {
    return InvalidArgumentError("Can not provide both steps and max_steps.");
  }
  if (steps.steps.has_value() && *steps.steps <= 0) {
    return InvalidArgumentError("Must specify steps > 0, given: " + std::to_string(*steps.steps));
  }
  if (steps.max_steps.has_value() && *steps.max_steps <= 0) {
    return InvalidArgumentError("Must specify max_steps > 0, given: " + std::to_string(*steps.max_steps));
  }
  if (data_parallel()) {
    TFCOMPAT_RETURN_IF_ERROR(SyncVariables());
    const distribute::LaunchFact facts[] = {{"number of steps", StepsFact(steps)}};
    TFCOMPAT_RETURN_IF_ERROR(distribute::CheckSameLaunch(*communicator_, facts));
  }
  const int64_t global_step = model_->variables().global_step();
  // No limit given: until the input ends, as TF.
  const int64_t last_step = steps.steps.has_value() ? global_step + *steps.steps : steps.max_steps.value_or(INT64_MAX);
  if (global_step >= last_step) return OkStatus();  // TF: "Skipping training since max_steps has already saved."
  Status begun;
  for (TrainHook* hook : hooks) {
    begun = hook->Begin(global_step);
    if (!begun.ok()) break;
  }
  TFCOMPAT_RETURN_IF_ERROR(Agree(begun));
  TFCOMPAT_RETURN_IF_ERROR(data_parallel() ? RunStepsDataParallel(input, last_step, hooks)
                                           : RunSteps(input, last_step, hooks));
  Status ended;
  for (TrainHook* hook : hooks) {
    ended = hook->End(model_->variables().global_step());
    if (!ended.ok()) break;
  }
  return Agree(ended);
}

Status Trainer::Agree(const Status& local) {
  return data_parallel() ? distribute::AgreeOnStatus(*communicator_, local) : local;
}

Status Trainer::RunSteps(data::BatchSource* input, int64_t last_step, std::span<TrainHook* const> hooks) {
  int64_t& global_step = model_->variables().global_step();
  bool stop = false;
  while (!stop && global_step < last_step) {
    const Status next = input->Next(&batch_);
    if (next.code() == StatusCode::kOutOfRange) break;
    TFCOMPAT_RETURN_IF_ERROR(next);
    TFCOMPAT_ASSIGN_OR_RETURN(const StepLoss loss,
                              model_->ComputeGradients(batch_, StepSeed(seed_, global_step, /*rank=*/0)));
    if (!std::isfinite(loss.loss)) return InvalidArgumentError("NaN loss during training.");
    TFCOMPAT_RETURN_IF_ERROR(ApplyGradients(model_->sparse_gradients()));
    ++global_step;
    const StepResult result{global_step, loss.loss, loss.average_loss};
    for (TrainHook* hook : hooks) TFCOMPAT_RETURN_IF_ERROR(hook->AfterStep(result, &stop));
  }
  return OkStatus();
}

Status Trainer::RunStepsDataParallel(data::BatchSource* input, int64_t last_step, std::span<TrainHook* const> hooks) {
  distribute::Communicator& communicator = *communicator_;
  const int rank = communicator.rank(), size = communicator.size();
  int64_t& global_step = model_->variables().global_step();
  bool first_step = true, stop = false;
  while (!stop && global_step < last_step) {
    // This rank's part of the step: the global batch, its share, and the
    // share's gradient, or the error that ends the step on every rank.
    Status local = input->Next(&batch_);
    const bool ended = local.code() == StatusCode::kOutOfRange;
    if (ended) local = OkStatus();
    StepLoss loss;
    bool has_examples = false;
    double weight = 0;
    if (local.ok() && !ended) {
      local = data::SliceBatch(batch_, data::ShardRows(batch_.size, size, rank), &shard_);
      has_examples = local.ok() && shard_.size > 0;
    }
    if (has_examples) {
      StatusOr<StepLoss> computed = model_->ComputeGradients(shard_, StepSeed(seed_, global_step, rank));
      local = computed.status();
      if (computed.ok()) {
        loss = *computed;
        const double share = static_cast<double>(shard_.size) / static_cast<double>(batch_.size);
        weight = loss.reduction == LossReduction::kSum ? 1.0 : share;
      }
    }
    const bool has_sparse = has_examples && local.ok() && !model_->sparse_gradients().empty();
    // One collective agrees on the errors and sums the step's losses:
    // [ranks at the end of their input, loss, average loss, ranks with sparse gradients].
    double sums[] = {
        ended ? 1.0 : 0.0, weight * loss.loss,
        has_examples ? loss.average_loss * static_cast<double>(shard_.size) / static_cast<double>(batch_.size) : 0.0,
        has_sparse ? 1.0 : 0.0};
    TFCOMPAT_RETURN_IF_ERROR(distribute::AgreeOnStatus(communicator, local, sums));
    if (sums[0] == size) break;
    if (sums[0] > 0) {
      return InvalidArgumentError("the input of " + std::to_string(static_cast<int>(sums[0])) + " of " +
                                  std::to_string(size) + " ranks ended at global step " + std::to_string(global_step) +
                                  ", the others' did not: every rank must read the same data");
    }
    if (first_step) {
      // The check that the ranks draw the same batches, before any update.
      const distribute::LaunchFact facts[] = {
          {"first batch (size and fingerprint)",
           std::to_string(batch_.size) + " examples, " + distribute::FingerprintHex(data::BatchFingerprint(batch_))}};
      TFCOMPAT_RETURN_IF_ERROR(distribute::CheckSameLaunch(communicator, facts));
      first_step = false;
    }
    if (!std::isfinite(sums[1])) return InvalidArgumentError("NaN loss during training.");
    TFCOMPAT_RETURN_IF_ERROR(gradient_allreduce_->Reduce(&model_->variables(), model_->sparse_gradients(), has_examples,
                                                         static_cast<float>(weight), sums[3] > 0));
    // The ranks hold the same variables, gradients and rows, so an update
    // that fails fails on every rank alike.
    TFCOMPAT_RETURN_IF_ERROR(ApplyGradients(gradient_allreduce_->sparse_rows()));
    gradient_allreduce_->ClearOthersRows(&model_->variables());
    ++global_step;
    const StepResult result{global_step, sums[1], sums[2]};
    Status hooks_status;
    for (TrainHook* hook : hooks) {
      hooks_status = hook->AfterStep(result, &stop);
      if (!hooks_status.ok()) break;
    }
    double stops[] = {stop ? 1.0 : 0.0};
    TFCOMPAT_RETURN_IF_ERROR(distribute::AgreeOnStatus(communicator, hooks_status, stops));
    stop = stops[0] > 0;
  }
  return OkStatus();
}

StatusOr<std::map<std::string, double>> EvaluateModel(Model& model, data::BatchSource* input,
                                                      std::optional<int64_t> steps,
                                                      const std::function<void(int64_t batches)>& after_batch) {
  if (steps.has_value() && *steps <= 0) {
    return InvalidArgumentError("Must specify steps > 0, given: " + std::to_string(*steps));
  }
  Metrics metrics;
  data::Batch batch;
  for (int64_t n = 0; !steps.has_value() || n < *steps; ++n) {
    const Status next = input->Next(&batch);
    if (next.code() == StatusCode::kOutOfRange) break;
    TFCOMPAT_RETURN_IF_ERROR(next);
    TFCOMPAT_RETURN_IF_ERROR(model.UpdateMetrics(batch, &metrics));
    if (after_batch) after_batch(n + 1);
  }
  std::map<std::string, double> result = metrics.Result();
  result["global_step"] = static_cast<double>(model.variables().global_step());
  return result;
}

}  // namespace tfcompat::model
