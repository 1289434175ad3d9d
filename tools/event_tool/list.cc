// SPDX-License-Identifier: Apache-2.0
#include <CLI/CLI.hpp>
#include <map>
#include <vector>

#include "event_data.h"
#include "subcommands.h"

namespace tfcompat::event_tool {
void SetupList(CLI::App& app, ListOptions& options) {
  app.add_option("LOGDIR", options.logdir, "Directory of runs (directories holding tfevents files)")->required();
  AddPurgeOrphanedDataOption(app, options.purge_orphaned_data);
}

int RunList(const ListOptions& options, std::ostream& out, std::ostream& err) {
  auto runs = FindRuns(options.logdir);
  if (!runs.ok()) return ReportError(runs.status(), err);
  if (runs->empty()) {
    return ReportError(NotFoundError("no event files found within logdir " + options.logdir), err);
  }
  for (const std::string& run : *runs) {
    auto data = LoadRun(options.logdir, run, options.purge_orphaned_data);
    if (!data.ok()) return ReportError(data.status(), err);
    out << "run " << run << " (" << data->files.size() << " file" << (data->files.size() == 1 ? "" : "s");
    if (data->graphs > 0) out << ", graph";
    if (data->session_logs > 0) out << ", " << data->session_logs << " session log events";
    if (data->purged_values > 0) out << ", " << data->purged_values << " orphaned values purged";
    out << ")\n";
    std::map<std::string, std::vector<std::pair<std::string, TagStats>>> by_kind;
    for (const auto& [tag, stats] : data->tags) by_kind[ValueKindName(stats.kind)].emplace_back(tag, stats);
    for (const auto& [kind, tags] : by_kind) {
      out << "  " << kind << ":\n";
      for (const auto& [tag, s] : tags) {
        out << "    " << tag << "  count=" << s.count << " steps=" << s.min_step << ".." << s.max_step
            << " time=" << FormatNumber("%.3f", s.min_time) << ".." << FormatNumber("%.3f", s.max_time) << "\n";
      }
    }
  }
  return kExitOk;
}

}  // namespace tfcompat::event_tool
