// SPDX-License-Identifier: Apache-2.0
// estimator: train, evaluate and predict a DNNClassifier in a model
// directory as tf.estimator does (the Iris tutorial by default).
#include "cli.h"
#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app;
  tfcompat::cli::Action action;
  tfcompat::estimator_tool::SetupCommands(app, &action);
  return tfcompat::cli::RunMain(app, argc, argv, action);
}
