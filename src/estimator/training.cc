// SPDX-License-Identifier: Apache-2.0
// TrainAndEvaluate: the executor of TF's training.py (_TrainingExecutor),
// with its checks and log lines.
#include "tfcompat/estimator/training.h"

#include <cmath>
#include <cstdio>
#include <thread>
#include <utility>

#include "estimator/estimator_internal.h"
#include "estimator/log_format.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/estimator/checkpoint_saver_listener.h"

namespace tfcompat::estimator {
namespace {

using Metrics = std::map<std::string, double>;

// '{}'.format(x) of a number a user gives as an int (600) or a float (0.5).
std::string PythonNumber(double value) {
  if (value == std::floor(value) && std::abs(value) < 1e15) return std::to_string(static_cast<int64_t>(value));
  return FormatG(value);
}

// Python's '%f'.
std::string PercentF(double value) {
  char text[64];
  std::snprintf(text, sizeof(text), "%f", value);
  return text;
}

void SleepSeconds(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

// _TrainSpec and _EvalSpec's checks (and train_and_evaluate's of the
// evaluator's index), in TF's words.
Status ValidateSpecs(const RunConfig& config, const TrainSpec& train, const EvalSpec& eval) {
  if (!train.input_fn) return InvalidArgumentError("`input_fn` must be callable, given: None (TrainSpec)");
  if (train.max_steps.has_value() && *train.max_steps <= 0) {
    return InvalidArgumentError("Must specify max_steps > 0, given: " + std::to_string(*train.max_steps));
  }
  if (!eval.input_fn) return InvalidArgumentError("`input_fn` must be callable, given: None (EvalSpec)");
  if (eval.steps.has_value() && *eval.steps <= 0) {
    return InvalidArgumentError("Must specify steps > 0, given: " + std::to_string(*eval.steps));
  }
  if (!(eval.start_delay_secs >= 0)) {
    return InvalidArgumentError("Must specify start_delay_secs >= 0, given: " + PythonNumber(eval.start_delay_secs));
  }
  if (!(eval.throttle_secs >= 0)) {
    return InvalidArgumentError("Must specify throttle_secs >= 0, given: " + PythonNumber(eval.throttle_secs));
  }
  if (config.task_type == kEvaluator && config.task_id > 0) {
    return InvalidArgumentError(
        "For distributed training, there can only be one `evaluator` task (with task id 0).  Given task id " +
        std::to_string(config.task_id));
  }
  return OkStatus();
}

// TF's _Evaluator: evaluates the latest checkpoint when it is not the one
// evaluated last.
class Evaluator {
 public:
  Evaluator(Estimator& estimator, const EvalSpec& spec) : estimator_(estimator), spec_(spec) {}

  // The metrics of the latest checkpoint, or none when there is no
  // checkpoint, no new one, or it was deleted before it could be read.
  [[nodiscard]] StatusOr<std::optional<Metrics>> EvaluateLatest() {
    StatusOr<std::string> latest = estimator_.LatestCheckpoint();
    if (latest.status().code() == StatusCode::kNotFound) {
      LogOnce("Estimator is not trained yet. Will start an evaluation when a checkpoint is ready.");
      return std::optional<Metrics>();
    }
    TFCOMPAT_RETURN_IF_ERROR(latest.status());
    if (*latest == previous_checkpoint_) {
      LogOnce(
          "No new checkpoint ready for evaluation. Skip the current evaluation pass as evaluation results are "
          "expected to be same for the same checkpoint.");
      return std::optional<Metrics>();
    }
    previous_checkpoint_ = *latest;
    StatusOr<Metrics> metrics = estimator_.Evaluate(spec_.input_fn, spec_.steps, spec_.name, *latest);
    if (!metrics.ok() && Deleted(*latest)) {
      // The trainer's retention removed it between the listing and the
      // read (its index goes first); the next pass finds a newer one.
      Log("Checkpoint " + *latest + " was deleted before it could be evaluated (" + metrics.status().ToString() +
          "); skipping it.");
      return std::optional<Metrics>();
    }
    TFCOMPAT_RETURN_IF_ERROR(metrics.status());
    return std::optional<Metrics>(*std::move(metrics));
  }

  void Log(const std::string& line) const { EstimatorAccess::Log(estimator_, line); }

 private:
  bool Deleted(const std::string& prefix) const {
    return EstimatorAccess::GetEnv(estimator_)->FileExists(IndexFileName(prefix)).code() == StatusCode::kNotFound;
  }
  // _log_err_msg: a message repeated pass after pass is logged once.
  void LogOnce(const std::string& line) {
    if (line == last_warning_) return;
    Log(line);
    last_warning_ = line;
  }

  Estimator& estimator_;
  const EvalSpec& spec_;
  std::string previous_checkpoint_;
  std::string last_warning_;
};

// TF's _NewCheckpointListenerForEvaluate: evaluates after each save but the
// first, at most once per throttle_secs, and the last checkpoint at the end.
class EvaluateListener final : public CheckpointSaverListener {
 public:
  EvaluateListener(Evaluator& evaluator, double throttle_secs) : evaluator_(evaluator), throttle_secs_(throttle_secs) {}

  Status Begin() override {
    first_run_ = true;
    return OkStatus();
  }
  Status AfterSave(int64_t global_step) override {
    // The first save holds the model before this Train()'s steps.
    if (std::exchange(first_run_, false)) return OkStatus();
    if (ShouldTrigger(global_step)) return Evaluate(global_step);
    evaluator_.Log("Skip the current checkpoint eval due to throttle secs (" + PythonNumber(throttle_secs_) +
                   " secs).");
    return OkStatus();
  }
  Status End(int64_t global_step) override {
    if (global_step != last_step_) return Evaluate(global_step);
    return OkStatus();
  }

  const std::optional<Metrics>& metrics() const { return metrics_; }

 private:
  // SecondOrStepTimer(every_secs=throttle_secs).should_trigger_for_step.
  bool ShouldTrigger(int64_t global_step) const {
    if (!last_step_.has_value()) return true;
    if (*last_step_ == global_step) return false;
    return SecondsSince(last_time_) >= throttle_secs_;
  }
  Status Evaluate(int64_t global_step) {
    last_step_ = global_step;
    last_time_ = LogClock::now();
    TFCOMPAT_ASSIGN_OR_RETURN(std::optional<Metrics> metrics, evaluator_.EvaluateLatest());
    if (!metrics.has_value()) {
      // The save before this listener ran is the latest: only a concurrent
      // trainer of the same model_dir (which its lock forbids) or a deleted
      // checkpoint gets here.
      return InternalError("There was no new checkpoint after the training at global step " +
                           std::to_string(global_step));
    }
    metrics_ = std::move(metrics);
    return OkStatus();
  }

  Evaluator& evaluator_;
  const double throttle_secs_;
  bool first_run_ = true;
  std::optional<int64_t> last_step_;
  LogClock::time_point last_time_;
  std::optional<Metrics> metrics_;
};

model::TrainSteps Steps(const TrainSpec& spec) { return {.steps = std::nullopt, .max_steps = spec.max_steps}; }

StatusOr<Metrics> RunLocal(Estimator& estimator, const TrainSpec& train, const EvalSpec& eval) {
  const RunConfig& config = estimator.config();
  if (config.train_distribute != nullptr && config.train_distribute->rank() != 0) {
    // Data-parallel: rank 0 saves the checkpoints and evaluates them; the
    // other ranks only train.
    TFCOMPAT_RETURN_IF_ERROR(estimator.Train(train.input_fn, Steps(train), train.hooks));
    return Metrics();
  }
  Evaluator evaluator(estimator, eval);
  evaluator.Log("Running training and evaluation locally (non-distributed).");
  const auto or_none = [](const auto& value) { return value.has_value() ? PythonNumber(*value) : "None"; };
  evaluator.Log(
      "Start train and evaluate loop. The evaluate will happen after every checkpoint. Checkpoint frequency is "
      "determined based on RunConfig arguments: save_checkpoints_steps " +
      or_none(config.checkpoint_schedule().steps) + " or save_checkpoints_secs " +
      or_none(config.checkpoint_schedule().secs) + ".");
  EvaluateListener listener(evaluator, eval.throttle_secs);
  CheckpointSaverListener* const listeners[] = {&listener};
  TFCOMPAT_RETURN_IF_ERROR(estimator.Train(train.input_fn, Steps(train), train.hooks, listeners));
  if (listener.metrics().has_value()) return *listener.metrics();
  // Train() had nothing to do (the checkpoint is at max_steps already), so
  // no listener ran; TF would fail here, the latest checkpoint's metrics
  // are the answer.
  TFCOMPAT_ASSIGN_OR_RETURN(std::optional<Metrics> metrics, evaluator.EvaluateLatest());
  if (!metrics.has_value()) return NotFoundError("Couldn't find trained model at " + estimator.model_dir() + ".");
  return *std::move(metrics);
}

// _start_continuous_evaluation.
StatusOr<Metrics> RunEvaluator(Estimator& estimator, const TrainSpec& train, const EvalSpec& eval) {
  Evaluator evaluator(estimator, eval);
  if (eval.start_delay_secs > 0) {
    evaluator.Log("Waiting " + PercentF(eval.start_delay_secs) + " secs before starting eval.");
    SleepSeconds(eval.start_delay_secs);
  }
  while (true) {
    const LogClock::time_point start = LogClock::now();
    TFCOMPAT_ASSIGN_OR_RETURN(const std::optional<Metrics> metrics, evaluator.EvaluateLatest());
    if (metrics.has_value() && train.max_steps.has_value()) {
      // TF checks this after the pass's throttle wait; before it, the
      // evaluator exits as soon as its work is done.
      const auto global_step = static_cast<int64_t>(metrics->at("global_step"));
      if (global_step >= *train.max_steps) {
        evaluator.Log("Exiting evaluation, global_step=" + std::to_string(global_step) +
                      " >= train max_steps=" + std::to_string(*train.max_steps));
        return *metrics;
      }
    }
    const double difference = eval.throttle_secs - SecondsSince(start);
    if (difference > 0) {
      evaluator.Log("Waiting " + PercentF(difference) + " secs before starting next eval run.");
      SleepSeconds(difference);
    } else if (eval.throttle_secs == 0 && !metrics.has_value()) {
      evaluator.Log(
          "EvalSpec.throttle_secs is set as 0. This might overload the job before finding (next) new checkpoint. "
          "Please consider to increase it.");
    }
  }
}

}  // namespace

StatusOr<Metrics> TrainAndEvaluate(Estimator& estimator, const TrainSpec& train_spec, const EvalSpec& eval_spec) {
  const RunConfig& config = estimator.config();
  TFCOMPAT_RETURN_IF_ERROR(ValidateSpecs(config, train_spec, eval_spec));
  const std::string& type = config.task_type;
  if (type.empty()) return RunLocal(estimator, train_spec, eval_spec);
  if (type == kEvaluator) return RunEvaluator(estimator, train_spec, eval_spec);
  if (type == kChief || type == kWorker || type == kMaster) {
    TFCOMPAT_RETURN_IF_ERROR(estimator.Train(train_spec.input_fn, Steps(train_spec), train_spec.hooks));
    return Metrics();
  }
  if (type == "local") {
    return InvalidArgumentError(
        "`task.type` in TF_CONFIG cannot be `local`. Leaving `cluster` and `task` properties in TF_CONFIG absent "
        "triggers train and evaluate `Estimator` locally (non-distributed).");
  }
  return InvalidArgumentError("Task type " + type +
                              " is not supported. Supported task types are ['chief', 'evaluator', 'master', "
                              "'worker'] (no parameter servers: the workers train data-parallel)");
}

}  // namespace tfcompat::estimator
