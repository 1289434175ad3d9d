// SPDX-License-Identifier: Apache-2.0
#include "estimator/logging_tensor_hook.h"

#include <string>

namespace tfcompat::estimator {

Status LoggingTensorHook::Begin(int64_t global_step) {
  start_step_ = global_step;
  return OkStatus();
}

Status LoggingTensorHook::AfterStep(const model::StepResult& result, bool*) {
  // The loss was computed at the step before the increment; iterations count
  // from this Train() call's first step.
  const int64_t step = result.global_step - 1;
  const int64_t iteration = step - start_step_;
  if (iteration % every_n_iter_ != 0) return OkStatus();
  std::string line = "loss = " + FormatNumber(result.loss) + ", step = " + std::to_string(step);
  if (iteration > 0) line += " (" + FormatSeconds(SecondsSince(last_log_time_)) + " sec)";
  log_(line);
  last_log_time_ = LogClock::now();
  return OkStatus();
}

}  // namespace tfcompat::estimator
