// SPDX-License-Identifier: Apache-2.0
// RunConfig: tf.estimator.RunConfig's checkpoint, summary and logging
// settings and the task's role in a cluster, with TF's defaults and TF's
// validation messages.
#ifndef TFCOMPAT_ESTIMATOR_RUN_CONFIG_H_
#define TFCOMPAT_ESTIMATOR_RUN_CONFIG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tfcompat/base/status.h"
#include "tfcompat/distribute/communicator.h"

namespace tfcompat::estimator {

struct RunConfig {
  // Where checkpoints and event files go; empty: a fresh temporary directory.
  std::string model_dir;
  // Seed of every initialiser, dropout mask and shuffle; empty: random.
  std::optional<int64_t> tf_random_seed;
  int64_t save_summary_steps = 100;
  // At most one of the two; neither set means every 600 seconds.
  std::optional<int64_t> save_checkpoints_steps;
  std::optional<double> save_checkpoints_secs;
  int64_t keep_checkpoint_max = 5;
  double keep_checkpoint_every_n_hours = 10000.0;
  int64_t log_step_count_steps = 100;
  // Not a tf.estimator setting: also write, every save_summary_steps, a
  // histogram of every trainable variable tagged with its checkpoint name
  // ("dnn/hiddenlayer_0/kernel"), holding the values after that step (what a
  // checkpoint of the step saves). The model's own summaries (the DNN's
  // activation histograms, ...) are written regardless, as TF does.
  bool weight_histograms = false;
  // Not a tf.estimator setting (TF 2's closest is tf.train.CheckpointOptions
  // (enable_async=True) of tf.train.Checkpoint): save checkpoints without
  // stopping training. The step that triggers a save waits only for the
  // variables to be copied (and for the previous save, if still running);
  // the write, fsync and state file follow on a background thread. A failed
  // save's error is returned at the next save or by train(), and the
  // checkpoint after the last step is on disk when train() returns. The
  // files and guarantees are those of a synchronous save.
  bool async_checkpoint = false;
  // TF's RunConfig(train_distribute=...): train() runs data-parallel on the
  // ranks of this communicator (an MpiCommunicator under mpirun), as
  // Trainer describes (tfcompat/model/trainer.h): every rank calls train()
  // with the same model, input_fn and steps; the input_fn yields the global
  // batch (ranks × the per-rank batch size), of which each rank trains on
  // its share. Rank 0 restores the latest checkpoint, and its variables
  // are copied to the other ranks; rank 0 alone writes into model_dir
  // (checkpoints, event files, graph.pbtxt) and logs; the other ranks write
  // nothing and need not see model_dir. Empty, or one rank: one process.
  // evaluate(), predict() and the exports ignore it.
  std::shared_ptr<distribute::Communicator> train_distribute;

  // The task's role in a cluster (TF's task_type: kChief, kWorker,
  // kMaster, kEvaluator, kPs) and its index among the tasks of that type
  // (task_id). Empty: no cluster, a local run (TF's RunConfig then reports
  // "worker" 0 and an empty cluster_spec). TrainAndEvaluate (training.h)
  // picks what to do by it.
  std::string task_type;
  int64_t task_id = 0;

  // Sets task_type and task_id from a TF_CONFIG JSON string, checked as
  // TF's RunConfig checks the environment variable:
  //   {"cluster": {"chief": ["host0:2222"], "worker": ["host1:2222", ...]},
  //    "task": {"type": "worker", "index": 1}}
  // With a cluster, the task's type must be one of its jobs (or
  // "evaluator", which is no part of it) and its index within that job;
  // the cluster has exactly one "chief" (or one "master", and then no
  // "chief"). Without one ("{}", or a task only), the task can only be
  // worker 0: a local run, so task_type is left empty. InvalidArgument
  // with TF's message otherwise (or naming what is not JSON of that shape);
  // nothing is set then.
  [[nodiscard]] Status SetTaskFromTfConfig(std::string_view tf_config);

  // InvalidArgument with TF's message (both checkpoint schedules set, a
  // negative count, ...).
  [[nodiscard]] Status Validate() const;

  // The checkpoint schedule in effect: exactly one of the two is set.
  struct CheckpointSchedule {
    std::optional<int64_t> steps;
    std::optional<double> secs;
  };
  CheckpointSchedule checkpoint_schedule() const;
};

inline constexpr double kDefaultSaveCheckpointsSecs = 600.0;

// TF's TaskType values.
inline constexpr char kChief[] = "chief";
inline constexpr char kWorker[] = "worker";
inline constexpr char kMaster[] = "master";
inline constexpr char kEvaluator[] = "evaluator";
inline constexpr char kPs[] = "ps";

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_ESTIMATOR_RUN_CONFIG_H_
