// SPDX-License-Identifier: Apache-2.0
// event_tool: inspect TensorBoard event files without TensorBoard.
//   event_tool list LOGDIR [--json]
//   event_tool scalars LOGDIR [--run R] [--tag T] [--json | --format csv|json]
//   event_tool dump FILE [--json]
//   event_tool plot LOGDIR --tag T -o FILE.svg
//   event_tool export LOGDIR [--json | --format csv|json] [-o FILE] [--kinds K,...]
#include "cli.h"
#include "subcommands.h"

int main(int argc, char** argv) {
  CLI::App app;
  tfcompat::cli::Action action;
  tfcompat::event_tool::SetupCommands(app, &action);
  return tfcompat::cli::RunMain(app, argc, argv, action);
}
