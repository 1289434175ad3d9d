// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/estimator/run_config.h"

namespace tfcompat::estimator {

Status RunConfig::Validate() const {
  // Messages as run_config.py's _validate_properties / _SAVE_CKPT_ERR.
  if (save_checkpoints_steps.has_value() && save_checkpoints_secs.has_value()) {
    return InvalidArgumentError("`save_checkpoints_steps` and `save_checkpoints_secs` cannot be both set.");
  }
  if (save_summary_steps < 0) return InvalidArgumentError("save_summary_steps should be >= 0");
  if (save_checkpoints_steps.value_or(0) < 0) return InvalidArgumentError("save_checkpoints_steps should be >= 0");
  if (!(save_checkpoints_secs.value_or(0.0) >= 0.0)) {
    return InvalidArgumentError("save_checkpoints_secs should be >= 0");
  }
  if (keep_checkpoint_max < 0) return InvalidArgumentError("keep_checkpoint_max should be >= 0");
  if (!(keep_checkpoint_every_n_hours > 0.0)) {
    return InvalidArgumentError("keep_checkpoint_every_n_hours should be > 0");
  }
  if (log_step_count_steps <= 0) return InvalidArgumentError("log_step_count_steps should be > 0");
  return OkStatus();
}

RunConfig::CheckpointSchedule RunConfig::checkpoint_schedule() const {
  if (save_checkpoints_steps.has_value()) return {save_checkpoints_steps, std::nullopt};
  return {std::nullopt, save_checkpoints_secs.value_or(kDefaultSaveCheckpointsSecs)};
}

}  // namespace tfcompat::estimator
