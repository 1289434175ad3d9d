// SPDX-License-Identifier: Apache-2.0
// CheckpointSaverListener: TF's tf.estimator.CheckpointSaverListener, the
// callbacks around the checkpoints Estimator::Train saves (its
// `saving_listeners`). Every callback runs on the training thread, so
// training waits while one runs (TF's train_and_evaluate evaluates from
// AfterSave).
//
// Order within one Train():
//   Begin()                  before the first save
//   BeforeSave(step)         before each save
//   AfterSave(step)          once that checkpoint is on disk and listed in
//                            the state file (with RunConfig::async_checkpoint:
//                            when the next save begins, or training ends,
//                            and the background write has finished)
//   End(step)                after the save of the last step, training done
// An error returned by a callback ends Train() with that error. End is not
// called when training fails, nor when Train() has nothing to do (the
// checkpoint is already at max_steps).
#ifndef TFCOMPAT_ESTIMATOR_CHECKPOINT_SAVER_LISTENER_H_
#define TFCOMPAT_ESTIMATOR_CHECKPOINT_SAVER_LISTENER_H_

#include <cstdint>

#include "tfcompat/base/status.h"

namespace tfcompat::estimator {

class CheckpointSaverListener {
 public:
  virtual ~CheckpointSaverListener() = default;
  [[nodiscard]] virtual Status Begin() { return OkStatus(); }
  [[nodiscard]] virtual Status BeforeSave(int64_t /*global_step*/) { return OkStatus(); }
  [[nodiscard]] virtual Status AfterSave(int64_t /*global_step*/) { return OkStatus(); }
  [[nodiscard]] virtual Status End(int64_t /*global_step*/) { return OkStatus(); }
};

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_ESTIMATOR_CHECKPOINT_SAVER_LISTENER_H_
