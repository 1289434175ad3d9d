// SPDX-License-Identifier: Apache-2.0
// TF's CheckpointSaverHook as Estimator.train installs it: saves a
// checkpoint of every variable at the first step (the restored or initial
// global_step), then whenever save_checkpoints_steps global steps or
// save_checkpoints_secs seconds have passed since the last save, and after
// the last step unless that step was just saved. Each save is logged
// ("Saving checkpoints for 100 into <model_dir>/model.ckpt.") and recorded
// in the event file as SessionLog{CHECKPOINT}.
#ifndef TFCOMPAT_SRC_ESTIMATOR_CHECKPOINT_SAVER_HOOK_H_
#define TFCOMPAT_SRC_ESTIMATOR_CHECKPOINT_SAVER_HOOK_H_

#include <cstdint>

#include "estimator/log_format.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/estimator/run_config.h"
#include "tfcompat/model/trainer.h"
#include "tfcompat/model/variables.h"
#include "tfcompat/summary/summary_writer.h"

namespace tfcompat::estimator {

class CheckpointSaverHook final : public model::TrainHook {
 public:
  // `store`, `manager`, `writer` and `log` must outlive the hook.
  CheckpointSaverHook(RunConfig::CheckpointSchedule schedule, model::VariableStore* store, CheckpointManager* manager,
                      SummaryWriter* writer, const LogFn& log)
      : schedule_(schedule), store_(store), manager_(manager), writer_(writer), log_(log) {}

  [[nodiscard]] Status Begin(int64_t global_step) override;
  [[nodiscard]] Status AfterStep(const model::StepResult& result, bool* request_stop) override;
  [[nodiscard]] Status End(int64_t global_step) override;

 private:
  [[nodiscard]] Status Save(int64_t step);

  const RunConfig::CheckpointSchedule schedule_;
  model::VariableStore* store_;
  CheckpointManager* manager_;
  SummaryWriter* writer_;
  const LogFn& log_;
  int64_t last_save_step_ = -1;
  LogClock::time_point last_save_time_;
};

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_CHECKPOINT_SAVER_HOOK_H_
