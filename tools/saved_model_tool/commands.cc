// SPDX-License-Identifier: Apache-2.0
#include "commands.h"

namespace tfcompat::saved_model_tool {

void SetupCommands(CLI::App& app, cli::Action* action) {
  app.name(std::string(kTool));
  app.description("Inspect and run TensorFlow SavedModels: tag sets, signatures, inputs and outputs");
  app.require_subcommand(1);
  SetupShow(app, action);
  SetupRun(app, action);
}

}  // namespace tfcompat::saved_model_tool
