// SPDX-License-Identifier: Apache-2.0
// event_tool's subcommands. Each has an options struct, a Setup function
// that declares its flags on a CLI11 subcommand, and a Run function that
// writes to `out` (results) and `err` (diagnostics) and returns the exit
// code: 0 ok, 1 usage, 2 error (missing or bad input). list, scalars and
// plot read runs as TensorBoard shows them unless purge_orphaned_data is
// false (--purge_orphaned_data=false).
#ifndef TFCOMPAT_TOOLS_EVENT_TOOL_SUBCOMMANDS_H_
#define TFCOMPAT_TOOLS_EVENT_TOOL_SUBCOMMANDS_H_

#include <ostream>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace tfcompat::event_tool {

// list LOGDIR: per run, its tags grouped by kind with count, step range
// and wall-time range.
struct ListOptions {
  std::string logdir;
  bool purge_orphaned_data = true;
};
void SetupList(CLI::App& app, ListOptions& options);
int RunList(const ListOptions& options, std::ostream& out, std::ostream& err);

// scalars LOGDIR [--run R] [--tag T] [--format csv|json]
struct ScalarsOptions {
  std::string logdir;
  std::string run;
  std::string tag;
  std::string format = "csv";
  bool purge_orphaned_data = true;
};
void SetupScalars(CLI::App& app, ScalarsOptions& options);
int RunScalars(const ScalarsOptions& options, std::ostream& out, std::ostream& err);

// dump FILE [--json]: one event per line.
struct DumpOptions {
  std::string file;
  bool json = false;
};
void SetupDump(CLI::App& app, DumpOptions& options);
int RunDump(const DumpOptions& options, std::ostream& out, std::ostream& err);

// plot LOGDIR --tag T -o FILE.svg: a line chart of the scalar, one line
// per run.
struct PlotOptions {
  std::string logdir;
  std::string tag;
  std::string output;
  bool purge_orphaned_data = true;
};
void SetupPlot(CLI::App& app, PlotOptions& options);
int RunPlot(const PlotOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tfcompat::event_tool

#endif  // TFCOMPAT_TOOLS_EVENT_TOOL_SUBCOMMANDS_H_
