// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include "event_data.h"
#include "number_format.h"
#include "output.h"
#include "subcommands.h"
#include "summary/summary_tables.h"

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

void SetupScalars(CLI::App& app, Action* action) {
  auto options = std::make_shared<ScalarsOptions>();
  auto format = std::make_shared<std::string>("csv");
  CLI::App* sub = app.add_subcommand("scalars", "Scalar values as CSV or JSON");
  sub->add_option("LOGDIR", options->logdir, "Directory of runs")->required();
  sub->add_option("--run", options->run, "Only this run (a path relative to LOGDIR, '.' for LOGDIR itself)");
  sub->add_option("--tag", options->tag, "Only this tag");
  CLI::Option* json = cli::AddJsonFlag(sub, &options->json);
  sub->add_option("--format", *format, "csv (default) or json (the same as --json)")
      ->check(CLI::IsMember({"csv", "json"}))
      ->excludes(json);
  AddPurgeOrphanedDataOption(*sub, options->purge_orphaned_data);
  sub->callback([options, format, action] {
    options->json = options->json || *format == "json";
    *action = [options](std::ostream& out, std::ostream& err) { return RunScalars(*options, out, err); };
  });
}

int RunScalars(const ScalarsOptions& options, std::ostream& out, std::ostream& err) {
  auto runs = FindRuns(options.logdir);
  if (!runs.ok()) return cli::ReportError(kTool, runs.status(), err);
  if (!options.run.empty()) {
    if (std::find(runs->begin(), runs->end(), options.run) == runs->end()) {
      return cli::ReportError(kTool, NotFoundError("no run '" + options.run + "' in " + options.logdir), err);
    }
    *runs = {options.run};
  }
  nlohmann::json rows = nlohmann::json::array();
  if (!options.json) out << "run,tag,step,wall_time,value\n";
  bool found = false;
  for (const std::string& run : *runs) {
    auto data = LoadRun(options.logdir, run, options.purge_orphaned_data);
    if (!data.ok()) return cli::ReportError(kTool, data.status(), err);
    for (const auto& [tag, points] : data->scalars) {
      if (!options.tag.empty() && tag != options.tag) continue;
      found = true;
      for (const ScalarPoint& p : points) {
        if (options.json) {
          rows.push_back({{"run", run},
                          {"tag", tag},
                          {"step", p.step},
                          {"wall_time", cli::NumberJson(p.wall_time)},
                          {"value", cli::NumberJson(p.value)}});
        } else {
          out << CsvField(run) << ',' << CsvField(tag) << ',' << p.step << ',' << cli::FormatNumber(p.wall_time) << ','
              << cli::FormatNumber(p.value) << '\n';
        }
      }
    }
  }
  if (!found && !options.tag.empty()) {
    return cli::ReportError(kTool, NotFoundError("no scalar tag '" + options.tag + "' in " + options.logdir), err);
  }
  if (options.json) cli::PrintJson(out, rows);
  return cli::kExitOk;
}

}  // namespace tfcompat::event_tool
