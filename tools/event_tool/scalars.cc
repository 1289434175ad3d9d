// SPDX-License-Identifier: Apache-2.0
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "event_data.h"
#include "subcommands.h"

namespace tfcompat::event_tool {
namespace {

// A CSV field, quoted when it holds a comma, quote or line break.
std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace

void SetupScalars(CLI::App& app, ScalarsOptions& options) {
  app.add_option("LOGDIR", options.logdir, "Directory of runs")->required();
  app.add_option("--run", options.run, "Only this run (a path relative to LOGDIR, '.' for LOGDIR itself)");
  app.add_option("--tag", options.tag, "Only this tag");
  app.add_option("--format", options.format, "Output format")->check(CLI::IsMember({"csv", "json"}));
  AddPurgeOrphanedDataOption(app, options.purge_orphaned_data);
}

int RunScalars(const ScalarsOptions& options, std::ostream& out, std::ostream& err) {
  auto runs = FindRuns(options.logdir);
  if (!runs.ok()) return ReportError(runs.status(), err);
  if (!options.run.empty()) {
    if (std::find(runs->begin(), runs->end(), options.run) == runs->end()) {
      return ReportError(NotFoundError("no run '" + options.run + "' in " + options.logdir), err);
    }
    *runs = {options.run};
  }
  const bool json = options.format == "json";
  nlohmann::json rows = nlohmann::json::array();
  if (!json) out << "run,tag,step,wall_time,value\n";
  bool found = false;
  for (const std::string& run : *runs) {
    auto data = LoadRun(options.logdir, run, options.purge_orphaned_data);
    if (!data.ok()) return ReportError(data.status(), err);
    for (const auto& [tag, points] : data->scalars) {
      if (!options.tag.empty() && tag != options.tag) continue;
      found = true;
      for (const ScalarPoint& p : points) {
        if (json) {
          rows.push_back(
              {{"run", run}, {"tag", tag}, {"step", p.step}, {"wall_time", p.wall_time}, {"value", p.value}});
        } else {
          out << CsvField(run) << ',' << CsvField(tag) << ',' << p.step << ',' << FormatNumber("%.17g", p.wall_time)
              << ',' << FormatNumber("%.17g", p.value) << '\n';
        }
      }
    }
  }
  if (json) out << rows.dump() << '\n';
  if (!found && !options.tag.empty()) {
    return ReportError(NotFoundError("no scalar tag '" + options.tag + "' in " + options.logdir), err);
  }
  return kExitOk;
}

}  // namespace tfcompat::event_tool
