// SPDX-License-Identifier: Apache-2.0
// ckpt_tool history DIR [--json]: the checkpoints the state file of DIR
// lists, oldest first, with step, time (when recorded) and size on disk.
#include <ctime>
#include <filesystem>

#include "commands.h"
#include "common.h"
#include "number_format.h"
#include "output.h"
#include "tfcompat/checkpoint/checkpoint.h"

namespace tfcompat::ckpt_tool {
namespace {

// The step of "…/model.ckpt-1234"; -1 when the name has no numeric suffix.
int64_t StepOf(const std::string& prefix) {
  const size_t dash = prefix.rfind('-');
  if (dash == std::string::npos || dash + 1 == prefix.size() || prefix.size() - dash > 19) return -1;
  int64_t step = 0;
  for (size_t i = dash + 1; i < prefix.size(); ++i) {
    if (prefix[i] < '0' || prefix[i] > '9') return -1;
    step = step * 10 + (prefix[i] - '0');
  }
  return step;
}

std::string IsoTime(double seconds) {
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int RunHistory(const HistoryOptions& options, std::ostream& out, std::ostream& err) {
  StatusOr<CheckpointState> state = ReadCheckpointState(options.dir);
  if (!state.ok()) return cli::ReportError(kTool, state.status(), err);
  nlohmann::json rows = nlohmann::json::array();
  const auto& paths = state->all_model_checkpoint_paths;
  for (size_t i = 0; i < paths.size(); ++i) {
    nlohmann::json row = {
        {"path", paths[i]}, {"step", StepOf(paths[i])}, {"latest", paths[i] == state->model_checkpoint_path}};
    if (i < state->all_model_checkpoint_timestamps.size()) {
      row["timestamp"] = cli::NumberJson(state->all_model_checkpoint_timestamps[i]);
      row["time"] = IsoTime(state->all_model_checkpoint_timestamps[i]);
    }
    StatusOr<std::vector<std::string>> files = CheckpointFiles(paths[i]);
    int64_t bytes = 0;
    bool exists = false;
    if (files.ok()) {
      for (const std::string& f : *files) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(f, ec);
        if (!ec) bytes += static_cast<int64_t>(size);
        exists = exists || f == IndexFileName(paths[i]);
      }
    }
    row["bytes"] = bytes;
    row["exists"] = exists;
    rows.push_back(std::move(row));
  }
  if (options.json) {
    cli::PrintJson(out, {{"directory", options.dir}, {"latest", state->model_checkpoint_path}, {"checkpoints", rows}});
    return cli::kExitOk;
  }
  for (const nlohmann::json& row : rows) {
    out << (row["latest"].get<bool>() ? "* " : "  ") << row["path"].get<std::string>() << "  step "
        << row["step"].get<int64_t>() << "  " << (row.contains("time") ? row["time"].get<std::string>() : "-") << "  "
        << row["bytes"].get<int64_t>() << " bytes" << (row["exists"].get<bool>() ? "" : "  (missing)") << "\n";
  }
  return cli::kExitOk;
}

void SetupHistory(CLI::App& app, Action* action) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* sub = app.add_subcommand("history", "Checkpoints in a directory's state file: step, time, size");
  sub->add_option("dir", options->dir, "Model directory (holding the `checkpoint` file)")->required();
  cli::AddJsonFlag(sub, &options->json);
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunHistory(*options, out, err); };
  });
}

}  // namespace tfcompat::ckpt_tool
