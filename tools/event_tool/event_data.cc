// SPDX-License-Identifier: Apache-2.0
#include "event_data.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "tfcompat/summary/run_reader.h"

namespace tfcompat::event_tool {

namespace fs = std::filesystem;

StatusOr<std::vector<std::string>> FindRuns(const std::string& logdir) {
  std::error_code ec;
  if (!fs::is_directory(logdir, ec)) return NotFoundError(logdir + ": not a directory");
  std::vector<std::string> runs;
  const auto add_if_run = [&](const fs::path& dir) {
    std::error_code list_ec;
    for (const auto& entry : fs::directory_iterator(dir, list_ec)) {
      if (entry.is_regular_file(list_ec) && IsEventFileName(entry.path().filename().string())) {
        runs.push_back(fs::relative(dir, logdir, list_ec).lexically_normal().string());
        return;
      }
    }
  };
  add_if_run(logdir);
  for (auto it = fs::recursive_directory_iterator(logdir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec)) add_if_run(it->path());
  }
  if (ec) return UnknownError(logdir + ": " + ec.message());
  std::sort(runs.begin(), runs.end());
  return runs;
}

namespace {

void Count(TagStats& stats, ValueKind kind, const EventView& event) {
  if (stats.count == 0) {
    stats.kind = kind;
    stats.min_step = stats.max_step = event.step;
    stats.min_time = stats.max_time = event.wall_time;
  }
  ++stats.count;
  stats.min_step = std::min(stats.min_step, event.step);
  stats.max_step = std::max(stats.max_step, event.step);
  stats.min_time = std::min(stats.min_time, event.wall_time);
  stats.max_time = std::max(stats.max_time, event.wall_time);
}

}  // namespace

StatusOr<RunData> LoadRun(const std::string& logdir, const std::string& run, bool purge_orphaned_data) {
  auto reader = RunReader::Open((fs::path(logdir) / run).string(), {.purge_orphaned_data = purge_orphaned_data});
  if (!reader.ok()) return reader.status();
  RunData data;
  data.name = run;
  data.files = (*reader)->files();
  EventView event;
  Status s;
  while ((s = (*reader)->ReadEvent(&event)).ok()) {
    if (event.kind == EventKind::kGraphDef) ++data.graphs;
    if (event.kind == EventKind::kSessionLog) ++data.session_logs;
    for (const SummaryValueView& v : event.values) {
      Count(data.tags[v.tag], v.kind, event);
      if (v.kind == ValueKind::kScalar) data.scalars[v.tag].push_back({event.wall_time, event.step, v.scalar});
    }
  }
  if (s.code() != StatusCode::kOutOfRange) return s;
  data.purged_values = (*reader)->purged_values();
  return data;
}

void AddPurgeOrphanedDataOption(CLI::App& app, bool& purge_orphaned_data) {
  app.add_option("--purge_orphaned_data", purge_orphaned_data,
                 "Leave out the values that a restart orphaned, as TensorBoard does (docs/tools.md); "
                 "false: every value as written")
      ->default_str("true");
}

}  // namespace tfcompat::event_tool
