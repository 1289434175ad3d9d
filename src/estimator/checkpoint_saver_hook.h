// SPDX-License-Identifier: Apache-2.0
// TF's CheckpointSaverHook as Estimator.train installs it: saves a
// checkpoint of every variable at the first step (the restored or initial
// global_step), then whenever save_checkpoints_steps global steps or
// save_checkpoints_secs seconds have passed since the last save, and after
// the last step unless that step was just saved. Each save is logged
// ("Saving checkpoints for 100 into <model_dir>/model.ckpt.") and recorded
// in the event file as SessionLog{CHECKPOINT}. The listeners
// (Estimator::Train's saving_listeners) hear of each save as
// checkpoint_saver_listener.h describes.
//
// With RunConfig::async_checkpoint a save only copies the variables
// (CheckpointManager::SaveAsync); its SessionLog is written, or its error
// returned, at the next save or by Finish(). End() finishes too: the last
// checkpoint is on disk when it returns.
#ifndef TFCOMPAT_SRC_ESTIMATOR_CHECKPOINT_SAVER_HOOK_H_
#define TFCOMPAT_SRC_ESTIMATOR_CHECKPOINT_SAVER_HOOK_H_

#include <cstdint>
#include <optional>
#include <span>

#include "estimator/log_format.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/estimator/checkpoint_saver_listener.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/estimator/run_config.h"
#include "tfcompat/model/trainer.h"
#include "tfcompat/model/variables.h"
#include "tfcompat/summary/summary_writer.h"

namespace tfcompat::estimator {

class CheckpointSaverHook final : public model::TrainHook {
 public:
  // `store`, `manager`, `writer`, `log` and the listeners must outlive the
  // hook.
  CheckpointSaverHook(RunConfig::CheckpointSchedule schedule, bool async, model::VariableStore* store,
                      CheckpointManager* manager, SummaryWriter* writer, const LogFn& log,
                      std::span<CheckpointSaverListener* const> listeners = {})
      : schedule_(schedule),
        async_(async),
        store_(store),
        manager_(manager),
        writer_(writer),
        log_(log),
        listeners_(listeners) {}

  [[nodiscard]] Status Begin(int64_t global_step) override;
  [[nodiscard]] Status AfterStep(const model::StepResult& result, bool* request_stop) override;
  [[nodiscard]] Status End(int64_t global_step) override;
  // Waits for the save in flight, records it and returns its outcome. The
  // Estimator calls it after training, which may have stopped before End.
  [[nodiscard]] Status Finish();

 private:
  [[nodiscard]] Status Save(int64_t step);
  // Records the checkpoint of `step` (now on disk) and tells the listeners.
  [[nodiscard]] Status Saved(const std::string& prefix, int64_t step);

  const RunConfig::CheckpointSchedule schedule_;
  const bool async_;
  model::VariableStore* store_;
  CheckpointManager* manager_;
  SummaryWriter* writer_;
  const LogFn& log_;
  const std::span<CheckpointSaverListener* const> listeners_;
  int64_t last_save_step_ = -1;
  // The step of the asynchronous save in flight, recorded once it is done.
  std::optional<int64_t> in_flight_;
  LogClock::time_point last_save_time_;
};

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_CHECKPOINT_SAVER_HOOK_H_
