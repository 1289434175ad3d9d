// SPDX-License-Identifier: Apache-2.0
// ckpt_tool: inspect, compare and validate TensorFlow checkpoints.
#include <iostream>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace tfcompat::ckpt_tool;
  CLI::App app{"Inspect, compare and validate TensorFlow V2 checkpoints", "ckpt_tool"};
  app.require_subcommand(1);
  Action action;
  SetupList(app, &action);
  SetupPrint(app, &action);
  SetupDiff(app, &action);
  SetupValidate(app, &action);
  SetupHistory(app, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitError;
  }
  return action(std::cout, std::cerr);
}
