// SPDX-License-Identifier: Apache-2.0
#include "subcommands.h"

namespace tfcompat::event_tool {

void SetupCommands(CLI::App& app, Action* action) {
  app.name("event_tool");
  app.description("Inspect TensorBoard event files");
  app.require_subcommand(1);
  SetupList(app, action);
  SetupScalars(app, action);
  SetupDump(app, action);
  SetupPlot(app, action);
  SetupExport(app, action);
}

}  // namespace tfcompat::event_tool
