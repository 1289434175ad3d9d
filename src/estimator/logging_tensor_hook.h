// SPDX-License-Identifier: Apache-2.0
// TF's LoggingTensorHook as Estimator.train installs it: every
// log_step_count_steps iterations it logs the loss and the global step the
// loss was computed at, with the time since the previous line:
//
//   loss = 1.0986123, step = 0
//   loss = 0.0913217, step = 100 (0.012 sec)
#ifndef TFCOMPAT_SRC_ESTIMATOR_LOGGING_TENSOR_HOOK_H_
#define TFCOMPAT_SRC_ESTIMATOR_LOGGING_TENSOR_HOOK_H_

#include <cstdint>

#include "estimator/log_format.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/model/trainer.h"

namespace tfcompat::estimator {

class LoggingTensorHook final : public model::TrainHook {
 public:
  // `every_n_iter` > 0; `log` must outlive the hook.
  LoggingTensorHook(int64_t every_n_iter, const LogFn& log) : every_n_iter_(every_n_iter), log_(log) {}

  [[nodiscard]] Status Begin(int64_t global_step) override;
  [[nodiscard]] Status AfterStep(const model::StepResult& result, bool* request_stop) override;

 private:
  const int64_t every_n_iter_;
  const LogFn& log_;
  int64_t start_step_ = 0;
  LogClock::time_point last_log_time_;
};

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_LOGGING_TENSOR_HOOK_H_
