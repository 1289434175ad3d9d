// SPDX-License-Identifier: Apache-2.0
// estimator: train, evaluate and predict TF's canned estimators in a model
// directory as tf.estimator does.
#include <iostream>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace tfcompat::estimator_tool;
  CLI::App app{"Train, evaluate and predict TF's canned estimators with TF-compatible checkpoints and summaries",
               "estimator"};
  app.require_subcommand(1);
  Action action;
  SetupTrain(app, &action);
  SetupEvaluate(app, &action);
  SetupPredict(app, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return action(std::cout, std::cerr);
}
