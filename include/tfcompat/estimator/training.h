// SPDX-License-Identifier: Apache-2.0
// TrainAndEvaluate: TF's tf.estimator.train_and_evaluate, training and
// evaluating an Estimator in one call, locally or as one task of a cluster.
//
// What it does is picked by the Estimator's RunConfig::task_type (set it, or
// fill it from TF_CONFIG with RunConfig::SetTaskFromTfConfig):
//   ""            TF's run_local: trains up to train_spec.max_steps, and
//                 after every checkpoint saved but the first (the model
//                 before training) evaluates it, unless less than
//                 eval_spec.throttle_secs have passed since the last
//                 evaluation began ("Skip the current checkpoint eval due to
//                 throttle secs (600 secs)."); at the end evaluates the last
//                 checkpoint unless it was. How often checkpoints come is the
//                 RunConfig's save_checkpoints_steps or _secs. Returns the
//                 last evaluation's metrics.
//   chief, worker, master
//                 trains up to max_steps and returns no metrics: the
//                 data-parallel job runs this on every process and an
//                 evaluator task evaluates.
//   evaluator     TF's run_evaluator: waits start_delay_secs, then in
//                 passes of at least throttle_secs evaluates the latest
//                 checkpoint whenever it is a new one (each checkpoint at
//                 most once; those saved and superseded between two passes
//                 are not evaluated), into model_dir/eval (eval_<name>).
//                 Returns the metrics of the first checkpoint at or past
//                 max_steps ("Exiting evaluation, global_step=1000 >= train
//                 max_steps=1000"); without max_steps it runs until killed,
//                 as TF's. It writes nothing but the eval directory and takes
//                 no lock: it runs beside the trainer of the same model_dir.
//                 A checkpoint the trainer's retention (keep_checkpoint_max)
//                 deletes before it is read is logged and skipped.
//   ps, other     InvalidArgument (there are no parameter servers here).
//
// The role from the TF_CONFIG environment variable (local without one).
// Usage:
//   #include <cstdlib>
//   TFCOMPAT_ASSIGN_OR_RETURN(data::Dataset iris, data::ReadCsvDataset("data/iris_training.csv", {}));
//   auto train_data = std::make_shared<const data::Dataset>(std::move(iris));
//   model::DNNClassifierOptions options;
//   TFCOMPAT_ASSIGN_OR_RETURN(options.feature_columns, feature_column::NumericColumns(*train_data->feature_names));
//   options.n_classes = 3;
//   RunConfig config;
//   config.model_dir = "models/iris";
//   config.save_checkpoints_steps = 100;
//   if (const char* tf_config = std::getenv("TF_CONFIG")) {
//     TFCOMPAT_RETURN_IF_ERROR(config.SetTaskFromTfConfig(tf_config));
//   }
//   TFCOMPAT_ASSIGN_OR_RETURN(auto estimator, Estimator::DNNClassifier(options, config));
//   TrainSpec train;
//   train.input_fn = DatasetInputFn(train_data, {.batch_size = 100});
//   train.max_steps = 1000;
//   EvalSpec eval;
//   eval.input_fn = DatasetInputFn(train_data, {.batch_size = 100, .shuffle = false, .num_epochs = 1});
//   eval.throttle_secs = 60;
//   TFCOMPAT_ASSIGN_OR_RETURN(auto metrics, TrainAndEvaluate(*estimator, train, eval));
#ifndef TFCOMPAT_ESTIMATOR_TRAINING_H_
#define TFCOMPAT_ESTIMATOR_TRAINING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/model/trainer.h"

namespace tfcompat::estimator {

// TF's TrainSpec.
struct TrainSpec {
  InputFn input_fn;  // required
  // Train up to this global step (> 0); empty: until the input ends.
  std::optional<int64_t> max_steps;
  // Run by Train() before its own (not owned).
  std::vector<model::TrainHook*> hooks;
};

// TF's EvalSpec, with TF's defaults.
struct EvalSpec {
  InputFn input_fn;  // required
  // Batches per evaluation (> 0); empty: until the input ends.
  std::optional<int64_t> steps = 100;
  // Evaluations go to model_dir/eval_<name>; empty: model_dir/eval.
  std::string name;
  // The evaluator's wait before its first pass (>= 0).
  double start_delay_secs = 120;
  // The least time between two evaluations (>= 0).
  double throttle_secs = 600;
};

// Trains and evaluates `estimator` in the role its RunConfig names (see
// above). InvalidArgument with TF's message for a spec TF rejects (no
// input_fn, max_steps or steps <= 0, a negative delay or throttle) and for
// an evaluator other than task 0; otherwise the errors of Train and
// Evaluate.
[[nodiscard]] StatusOr<std::map<std::string, double>> TrainAndEvaluate(Estimator& estimator,
                                                                       const TrainSpec& train_spec,
                                                                       const EvalSpec& eval_spec);

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_ESTIMATOR_TRAINING_H_
