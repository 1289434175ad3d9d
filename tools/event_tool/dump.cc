// SPDX-License-Identifier: Apache-2.0
#include "event_data.h"
#include "number_format.h"
#include "output.h"
#include "subcommands.h"

namespace tfcompat::event_tool {
namespace {

nlohmann::json ToJson(const EventView& e) {
  nlohmann::json j = {{"wall_time", cli::NumberJson(e.wall_time)}, {"step", e.step}, {"kind", EventKindName(e.kind)}};
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
      if (v.kind == ValueKind::kScalar) jv["value"] = cli::NumberJson(v.scalar);
      values.push_back(std::move(jv));
    }
    j["values"] = std::move(values);
  }
  return j;
}

void PrintText(const EventView& e, std::ostream& out) {
  out << "wall_time=" << cli::FormatNumber(e.wall_time) << " step=" << e.step << " " << EventKindName(e.kind);
  if (e.kind == EventKind::kFileVersion) out << " " << e.file_version;
  if (e.kind == EventKind::kSessionLog) {
    out << " status=" << static_cast<int>(e.session_status);
    if (!e.checkpoint_path.empty()) out << " checkpoint_path=" << e.checkpoint_path;
  }
  for (const SummaryValueView& v : e.values) {
    out << " [" << v.tag << " " << ValueKindName(v.kind);
    if (v.kind == ValueKind::kScalar) out << " " << cli::FormatNumber(v.scalar);
    out << "]";
  }
  out << "\n";
}

}  // namespace

void SetupDump(CLI::App& app, Action* action) {
  auto options = std::make_shared<DumpOptions>();
  CLI::App* sub = app.add_subcommand("dump", "Every event of one file, one per line");
  sub->add_option("FILE", options->file, "An event file")->required();
  cli::AddJsonFlag(sub, &options->json)->description("One JSON object per line (JSON Lines)");
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunDump(*options, out, err); };
  });
}

int RunDump(const DumpOptions& options, std::ostream& out, std::ostream& err) {
  auto reader = EventFileReader::Open(options.file);
  if (!reader.ok()) return cli::ReportError(kTool, reader.status(), err);
  EventView event;
  Status s;
  while ((s = (*reader)->ReadEvent(&event)).ok()) {
    if (options.json) {
      cli::PrintJsonLine(out, ToJson(event));
    } else {
      PrintText(event, out);
    }
  }
  if (s.code() != StatusCode::kOutOfRange) return cli::ReportError(kTool, s, err);
  if ((*reader)->truncated_tail()) {
    err << kTool << ": warning: " << options.file << ": partial record at offset " << (*reader)->offset()
        << " (still being written?)\n";
  }
  return cli::kExitOk;
}

}  // namespace tfcompat::event_tool
