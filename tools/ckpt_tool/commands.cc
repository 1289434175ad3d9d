// SPDX-License-Identifier: Apache-2.0
#include "commands.h"

namespace tfcompat::ckpt_tool {

void SetupCommands(CLI::App& app, Action* action) {
  app.name("ckpt_tool");
  app.description("Inspect, compare and validate TensorFlow V2 checkpoints");
  app.require_subcommand(1);
  SetupList(app, action);
  SetupPrint(app, action);
  SetupDiff(app, action);
  SetupValidate(app, action);
  SetupHistory(app, action);
}

}  // namespace tfcompat::ckpt_tool
