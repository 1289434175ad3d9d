// SPDX-License-Identifier: Apache-2.0
#include "event_data.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "tfcompat/summary/run_reader.h"

namespace tfcompat::event_tool {

namespace fs = std::filesystem;

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
