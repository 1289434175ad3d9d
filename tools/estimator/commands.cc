// SPDX-License-Identifier: Apache-2.0
#include "commands.h"

namespace tfcompat::estimator_tool {

void SetupCommands(CLI::App& app, Action* action) {
  app.name("estimator");
  app.description(
      "Train, evaluate, predict and export TF's canned estimators with TF-compatible checkpoints and summaries");
  app.require_subcommand(1);
  SetupTrain(app, action);
  SetupEvaluate(app, action);
  SetupTrainAndEvaluate(app, action);
  SetupPredict(app, action);
  SetupExport(app, action);
}

}  // namespace tfcompat::estimator_tool
