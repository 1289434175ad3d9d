// SPDX-License-Identifier: Apache-2.0
// ModelDirLock: one writer per model directory. Two trainers saving into one
// model_dir would interleave checkpoints and state files; the second one to
// start is refused instead.
//
// Usage:
//   const std::string model_dir = "models/iris";
//   TFCOMPAT_ASSIGN_OR_RETURN(auto lock, ModelDirLock::Acquire(model_dir));
//   // Train, save checkpoints, write events; ~ModelDirLock removes the lock file.
//
// The lock is the file model_dir/.tfcompat.lock, held with flock(LOCK_EX)
// for the lifetime of the object and holding its owner, one field a line:
//
//   pid 12345
//   host trainer-7
//
// The kernel drops a flock when its process dies, however it dies, so a
// lock file left behind by a killed process is taken over by the next
// Acquire on the same host. A lock file naming another host is never taken
// over (its process cannot be checked from here): the error says so.
#ifndef TFCOMPAT_CHECKPOINT_MODEL_DIR_LOCK_H_
#define TFCOMPAT_CHECKPOINT_MODEL_DIR_LOCK_H_

#include <memory>
#include <string>

#include "tfcompat/base/status.h"

namespace tfcompat {

class ModelDirLock {
 public:
  // The lock file's name inside the model directory.
  static constexpr const char* kFileName = ".tfcompat.lock";

  // Creates `dir` if needed and takes its lock. FailedPrecondition
  //   "Model directory <dir> is in use by pid <pid> on host <host> (lock file <path>)"
  // when another live process holds it.
  static StatusOr<std::unique_ptr<ModelDirLock>> Acquire(const std::string& dir);

  // Removes the lock file and releases the lock.
  ~ModelDirLock();
  ModelDirLock(const ModelDirLock&) = delete;
  ModelDirLock& operator=(const ModelDirLock&) = delete;

  const std::string& path() const { return path_; }
  // The owner a stale lock file named when it was taken over ("" if the
  // file was new), e.g. "pid 12345 on host trainer-7".
  const std::string& previous_owner() const { return previous_owner_; }

 private:
  ModelDirLock(std::string path, int fd, std::string previous_owner);

  std::string path_;
  int fd_;
  std::string previous_owner_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_CHECKPOINT_MODEL_DIR_LOCK_H_
