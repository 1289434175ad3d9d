// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/model/trainer.h"

#include <cmath>
#include <utility>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {

Status TrainHook::Begin(int64_t) { return OkStatus(); }
Status TrainHook::AfterStep(const StepResult&, bool*) { return OkStatus(); }
Status TrainHook::End(int64_t) { return OkStatus(); }

StatusOr<std::unique_ptr<Trainer>> Trainer::Create(std::unique_ptr<Model> model, std::unique_ptr<Optimizer> optimizer,
                                                   uint64_t seed) {
  if (model == nullptr) return InvalidArgumentError("model must not be null");
  if (optimizer == nullptr) {
    TFCOMPAT_ASSIGN_OR_RETURN(optimizer, NewOptimizer(model->default_optimizer()));
  }
  TFCOMPAT_RETURN_IF_ERROR(optimizer->CreateSlots(&model->variables(), model->optimizer_scope()));
  return std::unique_ptr<Trainer>(new Trainer(std::move(model), std::move(optimizer), seed));
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
    optimizer_->Apply(&store);
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
