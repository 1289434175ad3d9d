// SPDX-License-Identifier: Apache-2.0
// The subcommands of the `estimator` tool: train, evaluate and predict a
// canned estimator in a model directory, as tf.estimator does. Each has an
// options struct, a setup function registering it with CLI11, and a run
// function writing results to `out`, log lines to `err`, and returning the
// exit code.
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_COMMANDS_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "model_flags.h"

namespace tfcompat::estimator_tool {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitError = 2;

// What a subcommand's setup returns: the action to run once parsed.
using Action = std::function<int(std::ostream& out, std::ostream& err)>;

struct TrainOptions {
  ModelFlags model;
  std::optional<int64_t> steps;
  std::optional<int64_t> max_steps;
  bool progress = false;  // a progress bar on `out`
};
int RunTrain(const TrainOptions& options, std::ostream& out, std::ostream& err);
void SetupTrain(CLI::App& app, Action* action);

struct EvaluateOptions {
  ModelFlags model;
  std::string eval_csv;
  std::optional<int64_t> steps;
  std::string name;
};
int RunEvaluate(const EvaluateOptions& options, std::ostream& out, std::ostream& err);
void SetupEvaluate(CLI::App& app, Action* action);

struct PredictOptions {
  ModelFlags model;
  std::string predict_csv;
  std::vector<std::string> rows;  // inline examples "5.1,3.3,1.7,0.5"
};
int RunPredict(const PredictOptions& options, std::ostream& out, std::ostream& err);
void SetupPredict(CLI::App& app, Action* action);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_COMMANDS_H_
