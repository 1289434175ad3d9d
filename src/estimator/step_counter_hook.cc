// SPDX-License-Identifier: Apache-2.0
#include "estimator/step_counter_hook.h"

#include "tfcompat/base/status_macros.h"

namespace tfcompat::estimator {

Status StepCounterHook::AfterStep(const model::StepResult& result, bool*) {
  const int64_t step = result.global_step;
  if (!last_step_) {
    last_step_ = step;
    last_time_ = LogClock::now();
    return OkStatus();
  }
  if (step < *last_step_ + every_n_steps_) return OkStatus();
  const double rate = static_cast<double>(step - *last_step_) / SecondsSince(last_time_);
  log_("global_step/sec: " + FormatG(rate));
  TFCOMPAT_RETURN_IF_ERROR(writer_->AddScalar("global_step/sec", static_cast<float>(rate), step));
  last_step_ = step;
  last_time_ = LogClock::now();
  return OkStatus();
}

}  // namespace tfcompat::estimator
