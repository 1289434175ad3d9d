// SPDX-License-Identifier: Apache-2.0
// ckpt_tool: inspect, compare and validate TensorFlow checkpoints.
#include "cli.h"
#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app;
  tfcompat::cli::Action action;
  tfcompat::ckpt_tool::SetupCommands(app, &action);
  return tfcompat::cli::RunMain(app, argc, argv, action);
}
