// SPDX-License-Identifier: Apache-2.0
// saved_model_tool: inspect and run TensorFlow SavedModels without TensorFlow.
//   saved_model_tool show DIR [--tag_set serve [--signature_def NAME]] [--all] [--json]
//   saved_model_tool run DIR --tag_set serve --signature_def NAME --input_exprs 'x=[[...]]' [--json]
#include "cli.h"
#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app;
  tfcompat::cli::Action action;
  tfcompat::saved_model_tool::SetupCommands(app, &action);
  return tfcompat::cli::RunMain(app, argc, argv, action);
}
