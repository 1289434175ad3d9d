// SPDX-License-Identifier: Apache-2.0
// event_tool's subcommands. Each has an options struct, a Setup function
// that registers it with CLI11 (its callback sets the Action to run), and a
// Run function that writes to `out` (results) and `err` (diagnostics) and
// returns the exit code (cli.h: 0 ok, 1 usage, 2 missing or bad input).
// list, scalars and plot read runs as TensorBoard shows them unless
// purge_orphaned_data is false (--purge_orphaned_data=false).
#ifndef TFCOMPAT_TOOLS_EVENT_TOOL_SUBCOMMANDS_H_
#define TFCOMPAT_TOOLS_EVENT_TOOL_SUBCOMMANDS_H_

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "cli.h"

namespace tfcompat::event_tool {

using cli::Action;

// Names `app` "event_tool" and registers every subcommand, one of which is
// required; the one parsed sets *action.
void SetupCommands(CLI::App& app, Action* action);

// list LOGDIR [--json]: per run, its tags grouped by kind with count, step
// range and wall-time range.
struct ListOptions {
  std::string logdir;
  bool json = false;
  bool purge_orphaned_data = true;
};
void SetupList(CLI::App& app, Action* action);
int RunList(const ListOptions& options, std::ostream& out, std::ostream& err);

// scalars LOGDIR [--run R] [--tag T] [--json | --format csv|json]
struct ScalarsOptions {
  std::string logdir;
  std::string run;
  std::string tag;
  bool json = false;  // else CSV
  bool purge_orphaned_data = true;
};
void SetupScalars(CLI::App& app, Action* action);
int RunScalars(const ScalarsOptions& options, std::ostream& out, std::ostream& err);

// dump FILE [--json]: one event per line.
struct DumpOptions {
  std::string file;
  bool json = false;
};
void SetupDump(CLI::App& app, Action* action);
int RunDump(const DumpOptions& options, std::ostream& out, std::ostream& err);

// plot LOGDIR --tag T -o FILE.svg: a line chart of the scalar, one line
// per run.
struct PlotOptions {
  std::string logdir;
  std::string tag;
  std::string output;
  bool purge_orphaned_data = true;
};
void SetupPlot(CLI::App& app, Action* action);
int RunPlot(const PlotOptions& options, std::ostream& out, std::ostream& err);

// export LOGDIR [--json | --format csv|json] [-o FILE]
//        [--kinds scalars,histograms,text,hparams,hparams_metrics]
//        [--purge_orphaned_data=true|false]:
// every run and tag as long tables, one per kind, with tbparse's columns:
//
//   scalars     run, tag, step, wall_time, value
//   histograms  run, tag, step, wall_time, min, max, num, sum, sum_squares,
//               limits, counts (limits: the left edge of the first bucket,
//               then each bucket's right edge; counts: 0, then each
//               bucket's count; a list is a JSON array, in CSV its text)
//   text        run, tag, step, wall_time, value (a tag's "/text_summary"
//               suffix dropped; a table's cells as a JSON array)
//   hparams     run, tag, value: the hparams of the run's first session
//               start, by name
//   hparams_metrics
//               run, group, tag, step, wall_time, value: per session (a
//               run with a session start), the metrics TensorBoard's
//               HParams dashboard gives it: the last value of scalar tag
//               in run "<run>/<group>" (export.cc says how the metrics
//               are found)
//
// A run is a directory holding event files ("." for LOGDIR itself); rows
// are ordered by kind, run, tag and step (hparams_metrics: by run, then in
// the order of the metrics). CSV of one kind has its columns;
// of several, a leading "kind" column and the union of their columns,
// empty where a kind has none. JSON is one object of arrays of row
// objects, keyed by kind. Numbers as tools/common/number_format.h says.
// With -o the file is replaced atomically. Default: every kind, CSV.
struct ExportOptions {
  std::string logdir;
  std::string format = "csv";
  std::string output;
  std::vector<std::string> kinds = {"scalars", "histograms", "text", "hparams", "hparams_metrics"};
  bool purge_orphaned_data = true;
};
void SetupExport(CLI::App& app, Action* action);
int RunExport(const ExportOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tfcompat::event_tool

#endif  // TFCOMPAT_TOOLS_EVENT_TOOL_SUBCOMMANDS_H_
