// SPDX-License-Identifier: Apache-2.0
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "event_data.h"
#include "subcommands.h"

namespace tfcompat::event_tool {
namespace {

nlohmann::json ToJson(const EventView& e) {
  nlohmann::json j = {{"wall_time", e.wall_time}, {"step", e.step}, {"kind", EventKindName(e.kind)}};
  if (e.kind == EventKind::kFileVersion) j["file_version"] = e.file_version;
  if (e.kind == EventKind::kSessionLog) {
    j["session_status"] = static_cast<int>(e.session_status);
    if (!e.checkpoint_path.empty()) j["checkpoint_path"] = e.checkpoint_path;
  }
  if (e.kind == EventKind::kSummary) {
    nlohmann::json values = nlohmann::json::array();
    for (const SummaryValueView& v : e.values) {
      nlohmann::json jv = {{"tag", v.tag}, {"kind", ValueKindName(v.kind)}};
      if (!v.plugin_name.empty()) jv["plugin"] = v.plugin_name;
      if (v.kind == ValueKind::kScalar) jv["value"] = v.scalar;
      values.push_back(std::move(jv));
    }
    j["values"] = std::move(values);
  }
  return j;
}

void PrintText(const EventView& e, std::ostream& out) {
  out << "wall_time=" << nlohmann::json(e.wall_time).dump() << " step=" << e.step << " " << EventKindName(e.kind);
  if (e.kind == EventKind::kFileVersion) out << " " << e.file_version;
  if (e.kind == EventKind::kSessionLog) {
    out << " status=" << static_cast<int>(e.session_status);
    if (!e.checkpoint_path.empty()) out << " checkpoint_path=" << e.checkpoint_path;
  }
  for (const SummaryValueView& v : e.values) {
    out << " [" << v.tag << " " << ValueKindName(v.kind);
    if (v.kind == ValueKind::kScalar) out << " " << nlohmann::json(v.scalar).dump();
    out << "]";
  }
  out << "\n";
}

}  // namespace

void SetupDump(CLI::App& app, DumpOptions& options) {
  app.add_option("FILE", options.file, "An event file")->required();
  app.add_flag("--json", options.json, "One JSON object per line");
}

int RunDump(const DumpOptions& options, std::ostream& out, std::ostream& err) {
  auto reader = EventFileReader::Open(options.file);
  if (!reader.ok()) return ReportError(reader.status(), err);
  EventView event;
  Status s;
  while ((s = (*reader)->ReadEvent(&event)).ok()) {
    if (options.json) {
      out << ToJson(event).dump() << "\n";
    } else {
      PrintText(event, out);
    }
  }
  if (s.code() != StatusCode::kOutOfRange) return ReportError(s, err);
  if ((*reader)->truncated_tail()) {
    err << "event_tool: " << options.file << ": partial record at offset " << (*reader)->offset()
        << " (still being written?)\n";
  }
  return kExitOk;
}

}  // namespace tfcompat::event_tool
