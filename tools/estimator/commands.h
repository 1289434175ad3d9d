// SPDX-License-Identifier: Apache-2.0
// The subcommands of the `estimator` tool: train, evaluate and predict a
// DNNClassifier in a model directory, as tf.estimator does. Each has an
// options struct, a setup function registering it with CLI11, and a run
// function writing results to `out`, log lines to `err`, and returning the
// exit code (cli.h: 0 ok, 1 usage, 2 bad input or I/O).
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_COMMANDS_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli.h"
#include "tfcompat/estimator/run_config.h"

namespace tfcompat::estimator_tool {

using cli::Action;

// Names `app` "estimator" and registers every subcommand, one of which is
// required; the one parsed sets *action.
void SetupCommands(CLI::App& app, Action* action);

// The model and RunConfig flags every subcommand takes (the model must be
// the one the checkpoints in model_dir were trained with).
struct ModelFlags {
  // model_dir, tf_random_seed and the checkpoint, summary and logging
  // schedules (TF's defaults; the flags default model_dir to models/iris).
  estimator::RunConfig config;
  std::vector<int64_t> hidden_units = {10, 10};
  int n_classes = 0;  // 0: as many as the training file's header names
  int64_t batch_size = 100;
  std::string optimizer = "Adagrad";
  float learning_rate = 0.05f;
  // Gives the class names and (with a header row) the feature names.
  std::string train_csv;
  // The feature names of files in TF's layout (whose header names none).
  std::vector<std::string> feature_names = {"SepalLength", "SepalWidth", "PetalLength", "PetalWidth"};
};

struct TrainOptions {
  ModelFlags model;
  std::optional<int64_t> steps;
  std::optional<int64_t> max_steps;
  // A progress bar on `err` (cli::ProgressBar); the flags default it to
  // whether stderr is a terminal.
  bool progress = false;
  bool quiet = false;  // no INFO lines and no progress bar
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

struct PredictOptions {
  ModelFlags model;
  std::string predict_csv;
  std::vector<std::string> rows;  // inline examples "5.1,3.3,1.7,0.5"
  bool json = false;              // JSON Lines with TF's prediction keys instead of the table
  bool quiet = false;
};
int RunPredict(const PredictOptions& options, std::ostream& out, std::ostream& err);
void SetupPredict(CLI::App& app, Action* action);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_COMMANDS_H_
