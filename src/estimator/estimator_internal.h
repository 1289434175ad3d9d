// SPDX-License-Identifier: Apache-2.0
// What code inside tfcompat may do with an Estimator beyond its public API
// (internal): do the file I/O of Train and Evaluate through another Env, as
// tests that inject faults do; log to its log, as train_and_evaluate does.
#ifndef TFCOMPAT_SRC_ESTIMATOR_ESTIMATOR_INTERNAL_H_
#define TFCOMPAT_SRC_ESTIMATOR_ESTIMATOR_INTERNAL_H_

#include <string>

#include "io/file.h"
#include "tfcompat/estimator/estimator.h"

namespace tfcompat::estimator {

class EstimatorAccess {
 public:
  // Checkpoints, event files and graph.pbtxt go through `env` (the
  // model_dir lock stays a POSIX file: it needs flock).
  static void SetEnv(Estimator& estimator, Env* env);
  static Env* GetEnv(const Estimator& estimator) { return estimator.env_; }
  // One line of TF's INFO log, to the Estimator's LogFn.
  static void Log(const Estimator& estimator, const std::string& line) { estimator.Log(line); }
};

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_ESTIMATOR_INTERNAL_H_
