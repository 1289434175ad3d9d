// SPDX-License-Identifier: Apache-2.0
// TF's StepCounterHook as Estimator.train installs it: counts from the first
// step it sees and, every `every_n_steps` global steps after it, logs
// "global_step/sec: <rate>" and writes the rate as the scalar
// `global_step/sec` at the current step.
#ifndef TFCOMPAT_SRC_ESTIMATOR_STEP_COUNTER_HOOK_H_
#define TFCOMPAT_SRC_ESTIMATOR_STEP_COUNTER_HOOK_H_

#include <cstdint>
#include <optional>

#include "estimator/log_format.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/model/trainer.h"
#include "tfcompat/summary/summary_writer.h"

namespace tfcompat::estimator {

class StepCounterHook final : public model::TrainHook {
 public:
  // `every_n_steps` > 0; `writer` and `log` must outlive the hook.
  StepCounterHook(int64_t every_n_steps, SummaryWriter* writer, const LogFn& log)
      : every_n_steps_(every_n_steps), writer_(writer), log_(log) {}

  [[nodiscard]] Status AfterStep(const model::StepResult& result, bool* request_stop) override;

 private:
  const int64_t every_n_steps_;
  SummaryWriter* writer_;
  const LogFn& log_;
  std::optional<int64_t> last_step_;
  LogClock::time_point last_time_;
};

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_STEP_COUNTER_HOOK_H_
