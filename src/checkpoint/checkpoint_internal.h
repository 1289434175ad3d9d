// SPDX-License-Identifier: Apache-2.0
// What code inside tfcompat may do with checkpoints beyond the public API
// (internal): do the file I/O through another Env, as tests that inject
// faults do.
#ifndef TFCOMPAT_SRC_CHECKPOINT_CHECKPOINT_INTERNAL_H_
#define TFCOMPAT_SRC_CHECKPOINT_CHECKPOINT_INTERNAL_H_

#include <memory>
#include <string>

#include "io/file.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/checkpoint.h"

namespace tfcompat {

class CheckpointAccess {
 public:
  // BundleWriter::Create writing through `env`.
  static StatusOr<std::unique_ptr<BundleWriter>> NewBundleWriter(Env* env, const std::string& prefix,
                                                                 BundleWriter::Options options);
  // CheckpointManager::Create whose saves write (and delete) through `env`.
  static StatusOr<std::unique_ptr<CheckpointManager>> NewManager(Env* env, const std::string& dir,
                                                                 CheckpointManager::Options options);
};

// WriteCheckpointState through `env`. `*replaced` tells whether the state
// file was replaced, which a failure can still have done: only the final
// fsync of the directory failed (see WriteFileAtomically).
Status WriteCheckpointState(Env* env, const std::string& dir, const CheckpointState& state, bool* replaced);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_CHECKPOINT_CHECKPOINT_INTERNAL_H_
