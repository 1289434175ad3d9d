// SPDX-License-Identifier: Apache-2.0
// The subcommands of the `estimator` tool: train, evaluate, predict and
// export a canned estimator in a model directory, as tf.estimator does.
// Each has an options struct, a setup function registering it with CLI11,
// and a run function writing results to `out`, log lines to `err`, and
// returning the exit code (cli.h: 0 ok, 1 usage, 2 bad input or I/O).
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_COMMANDS_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli.h"
#include "model_flags.h"
#include "tfcompat/estimator/estimator.h"

namespace tfcompat::estimator_tool {

using cli::Action;

// Names `app` "estimator" and registers every subcommand, one of which is
// required; the one parsed sets *action.
void SetupCommands(CLI::App& app, Action* action);

struct TrainOptions {
  ModelFlags model;
  std::optional<int64_t> steps;
  std::optional<int64_t> max_steps;
  // A progress bar on `err` (cli::ProgressBar); the flags default it to
  // whether stderr is a terminal.
  bool progress = false;
  bool quiet = false;  // no INFO lines and no progress bar
  // Examples in file order, repeated, instead of shuffled every epoch (to
  // follow another trainer's steps batch for batch).
  bool no_shuffle = false;
  // Under mpirun: how long a rank waits for the others at a collective.
  double mpi_timeout_secs = 600;
};
int RunTrain(const TrainOptions& options, std::ostream& out, std::ostream& err);
void SetupTrain(CLI::App& app, Action* action);

struct EvaluateOptions {
  ModelFlags model;
  std::string eval_csv;
  std::optional<int64_t> steps;
  std::string name;
  bool json = false;  // a JSON object of the metrics instead of the table
  bool quiet = false;
};
int RunEvaluate(const EvaluateOptions& options, std::ostream& out, std::ostream& err);
void SetupEvaluate(CLI::App& app, Action* action);

struct TrainAndEvaluateOptions {
  ModelFlags model;
  int64_t max_steps = 0;  // required
  std::string eval_csv;   // required
  std::optional<int64_t> eval_steps = 100;
  std::string eval_name;
  double start_delay_secs = 120;
  double throttle_secs = 600;
  // The role (chief, worker, master, evaluator) and its index; empty: the
  // TF_CONFIG environment variable's task, or without one a local run.
  std::string task_type;
  int64_t task_index = 0;
  bool json = false;  // the final metrics as one JSON object
  bool quiet = false;
  // Under mpirun (the trainer): how long a rank waits for the others.
  double mpi_timeout_secs = 600;
};
// `tf_config`: the TF_CONFIG environment variable's value, or null.
int RunTrainAndEvaluate(const TrainAndEvaluateOptions& options, const char* tf_config, std::ostream& out,
                        std::ostream& err);
void SetupTrainAndEvaluate(CLI::App& app, Action* action);

struct PredictOptions {
  ModelFlags model;
  std::string predict_csv;
  std::vector<std::string> rows;  // inline examples "5.1,3.3,1.7,0.5"
  // When set, the SavedModel (saved_model_predict.h) predicts instead of
  // model_dir; of the model flags only --feature_names and --batch_size apply.
  std::string saved_model;
  bool json = false;  // JSON Lines with TF's prediction keys instead of the table
  bool quiet = false;
};
int RunPredict(const PredictOptions& options, std::ostream& out, std::ostream& err);
void SetupPredict(CLI::App& app, Action* action);

enum class ExportFormat { kSavedModel, kOnnx };

struct ExportOptions {
  ModelFlags model;
  std::string export_dir;
  ExportFormat format = ExportFormat::kSavedModel;
  // Unset: the parsing receiver; an error with --format onnx.
  std::optional<estimator::ServingReceiver> serving_input;
  int exports_to_keep = estimator::kDefaultExportsToKeep;
  bool quiet = false;
};
int RunExport(const ExportOptions& options, std::ostream& out, std::ostream& err);
void SetupExport(CLI::App& app, Action* action);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_COMMANDS_H_
