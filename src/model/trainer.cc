// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/model/trainer.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

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

}  // namespace

StatusOr<std::unique_ptr<Trainer>> Trainer::Create(std::unique_ptr<Model> model, std::unique_ptr<Optimizer> optimizer,
                                                   uint64_t seed) {
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
  return std::unique_ptr<Trainer>(new Trainer(std::move(model), std::move(optimizers), seed));
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
  VariableStore& store = model_->variables();
  int64_t& global_step = store.global_step();
  // No limit given: until the input ends, as TF.
  const int64_t last_step = steps.steps.has_value() ? global_step + *steps.steps : steps.max_steps.value_or(INT64_MAX);
  if (global_step >= last_step) return OkStatus();  // TF: "Skipping training since max_steps has already saved."

  for (TrainHook* hook : hooks) TFCOMPAT_RETURN_IF_ERROR(hook->Begin(global_step));
  bool stop = false;
  while (!stop && global_step < last_step) {
    const Status next = input->Next(&batch_);
    if (next.code() == StatusCode::kOutOfRange) break;
    TFCOMPAT_RETURN_IF_ERROR(next);
    // A different dropout stream for every step, fixed by the seed.
    const uint64_t step_seed = seed_ ^ (static_cast<uint64_t>(global_step) * 0x9e3779b97f4a7c15ull);
    TFCOMPAT_ASSIGN_OR_RETURN(const StepLoss loss, model_->ComputeGradients(batch_, step_seed));
    if (!std::isfinite(loss.loss)) return InvalidArgumentError("NaN loss during training.");
    // Every optimizer checks the sparse rows before updating, so bad ones
    // fail at the first part with nothing updated.
    for (const std::unique_ptr<Optimizer>& optimizer : optimizers_) {
      TFCOMPAT_RETURN_IF_ERROR(optimizer->Apply(&store, model_->sparse_gradients()));
    }
    ++global_step;
    const StepResult result{global_step, loss.loss, loss.average_loss};
    for (TrainHook* hook : hooks) TFCOMPAT_RETURN_IF_ERROR(hook->AfterStep(result, &stop));
  }
  for (TrainHook* hook : hooks) TFCOMPAT_RETURN_IF_ERROR(hook->End(global_step));
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
