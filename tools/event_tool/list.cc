// SPDX-License-Identifier: Apache-2.0
#include <map>
#include <vector>

#include "event_data.h"
#include "number_format.h"
#include "output.h"
#include "subcommands.h"
#include "summary/summary_tables.h"

namespace tfcompat::event_tool {

void SetupList(CLI::App& app, Action* action) {
  auto options = std::make_shared<ListOptions>();
  CLI::App* sub = app.add_subcommand("list", "Runs, their tags by kind, counts, step and time ranges");
  sub->add_option("LOGDIR", options->logdir, "Directory of runs (directories holding tfevents files)")->required();
  cli::AddJsonFlag(sub, &options->json);
  AddPurgeOrphanedDataOption(*sub, options->purge_orphaned_data);
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunList(*options, out, err); };
  });
}

namespace {

nlohmann::json RunJson(const RunData& data) {
  nlohmann::json tags = nlohmann::json::array();
  for (const auto& [tag, s] : data.tags) {
    tags.push_back({{"tag", tag},
                    {"kind", ValueKindName(s.kind)},
                    {"count", s.count},
                    {"min_step", s.min_step},
                    {"max_step", s.max_step},
                    {"min_wall_time", cli::NumberJson(s.min_time)},
                    {"max_wall_time", cli::NumberJson(s.max_time)}});
  }
  return {{"run", data.name},
          {"files", data.files},
          {"graphs", data.graphs},
          {"session_logs", data.session_logs},
          {"purged_values", data.purged_values},
          {"tags", std::move(tags)}};
}

void PrintText(const RunData& data, std::ostream& out) {
  out << "run " << data.name << " (" << data.files.size() << " file" << (data.files.size() == 1 ? "" : "s");
  if (data.graphs > 0) out << ", graph";
  if (data.session_logs > 0) out << ", " << data.session_logs << " session log events";
  if (data.purged_values > 0) out << ", " << data.purged_values << " orphaned values purged";
  out << ")\n";
  std::map<std::string, std::vector<std::pair<std::string, TagStats>>> by_kind;
  for (const auto& [tag, stats] : data.tags) by_kind[ValueKindName(stats.kind)].emplace_back(tag, stats);
  for (const auto& [kind, tags] : by_kind) {
    out << "  " << kind << ":\n";
    for (const auto& [tag, s] : tags) {
      out << "    " << tag << "  count=" << s.count << " steps=" << s.min_step << ".." << s.max_step
          << " time=" << cli::FormatNumber(s.min_time) << ".." << cli::FormatNumber(s.max_time) << "\n";
    }
  }
}

}  // namespace

int RunList(const ListOptions& options, std::ostream& out, std::ostream& err) {
  auto runs = FindRuns(options.logdir);
  if (!runs.ok()) return cli::ReportError(kTool, runs.status(), err);
  if (runs->empty()) {
    return cli::ReportError(kTool, NotFoundError("no event files found within logdir " + options.logdir), err);
  }
  nlohmann::json json_runs = nlohmann::json::array();
  for (const std::string& run : *runs) {
    auto data = LoadRun(options.logdir, run, options.purge_orphaned_data);
    if (!data.ok()) return cli::ReportError(kTool, data.status(), err);
    if (options.json) {
      json_runs.push_back(RunJson(*data));
    } else {
      PrintText(*data, out);
    }
  }
  if (options.json) cli::PrintJson(out, {{"logdir", options.logdir}, {"runs", std::move(json_runs)}});
  return cli::kExitOk;
}

}  // namespace tfcompat::event_tool
