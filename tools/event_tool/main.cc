// SPDX-License-Identifier: Apache-2.0
// event_tool: inspect TensorBoard event files without TensorBoard.
//   event_tool list LOGDIR
//   event_tool scalars LOGDIR [--run R] [--tag T] [--format csv|json]
//   event_tool dump FILE [--json]
//   event_tool plot LOGDIR --tag T -o FILE.svg
//   event_tool export LOGDIR [--format csv|json] [-o FILE] [--kinds K,...]
#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>

#include "event_data.h"
#include "subcommands.h"

int main(int argc, char** argv) {
  using namespace tfcompat::event_tool;
  CLI::App app{"Inspect TensorBoard event files"};
  app.require_subcommand(1);
  ListOptions list;
  ScalarsOptions scalars;
  DumpOptions dump;
  PlotOptions plot;
  ExportOptions export_options;
  // One table drives both help and dispatch.
  const struct {
    const char* name;
    const char* help;
    std::function<void(CLI::App&)> setup;
    std::function<int()> run;
  } commands[] = {
      {"list", "Runs, their tags by kind, counts, step and time ranges", [&](CLI::App& a) { SetupList(a, list); },
       [&] { return RunList(list, std::cout, std::cerr); }},
      {"scalars", "Scalar values as CSV or JSON", [&](CLI::App& a) { SetupScalars(a, scalars); },
       [&] { return RunScalars(scalars, std::cout, std::cerr); }},
      {"dump", "Every event of one file, one per line", [&](CLI::App& a) { SetupDump(a, dump); },
       [&] { return RunDump(dump, std::cout, std::cerr); }},
      {"plot", "An SVG line chart of a scalar across runs", [&](CLI::App& a) { SetupPlot(a, plot); },
       [&] { return RunPlot(plot, std::cout, std::cerr); }},
      {"export", "Every run and tag as CSV or JSON tables, one per kind",
       [&](CLI::App& a) { SetupExport(a, export_options); },
       [&] { return RunExport(export_options, std::cout, std::cerr); }},
  };
  std::vector<CLI::App*> subs;
  for (const auto& c : commands) {
    subs.push_back(app.add_subcommand(c.name, c.help));
    c.setup(*subs.back());
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  for (size_t i = 0; i < subs.size(); ++i) {
    if (subs[i]->parsed()) return commands[i].run();
  }
  return kExitUsage;
}
