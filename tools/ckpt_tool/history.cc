// SPDX-License-Identifier: Apache-2.0
// ckpt_tool history DIR [--json]: the checkpoints the state file of DIR
// lists, oldest first, with step, time (when recorded) and size on disk;
// for a SavedModel directory, its variables.
#include <ctime>
#include <filesystem>

#include "commands.h"
#include "common.h"
#include "number_format.h"
#include "output.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/saved_model/saved_model_reader.h"

namespace tfcompat::ckpt_tool {
namespace {

// The global_step a checkpoint holds (an int64 scalar); -1 without one.
int64_t GlobalStepOf(const std::string& prefix) {
  StatusOr<std::unique_ptr<BundleReader>> reader = BundleReader::Open(prefix);
  if (!reader.ok()) return -1;
  StatusOr<Tensor> step = (*reader)->Lookup("global_step");
  if (!step.ok() || step->dtype() != DataType::kInt64 || step->num_elements() != 1) return -1;
  return step->flat<int64_t>()[0];
}

// The step of "…/model.ckpt-1234"; for a name without a numeric suffix (a
// SavedModel's "…/variables/variables"), the global_step it holds, or -1.
int64_t StepOf(const std::string& prefix) {
  const size_t dash = prefix.rfind('-');
  if (dash == std::string::npos || dash + 1 == prefix.size() || prefix.size() - dash > 19) return GlobalStepOf(prefix);
  int64_t step = 0;
  for (size_t i = dash + 1; i < prefix.size(); ++i) {
    if (prefix[i] < '0' || prefix[i] > '9') return GlobalStepOf(prefix);
    step = step * 10 + (prefix[i] - '0');
  }
  return step;
}

// DIR's state file; for a SavedModel directory, its one checkpoint: the
// variables.
StatusOr<CheckpointState> HistoryOf(const std::string& dir) {
  if (!ContainsSavedModel(dir)) return ReadCheckpointState(dir);
  CheckpointState state;
  state.model_checkpoint_path = SavedModelVariablesPrefix(dir);
  state.all_model_checkpoint_paths = {state.model_checkpoint_path};
  return state;
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
  StatusOr<CheckpointState> state = HistoryOf(options.dir);
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
  sub->add_option("dir", options->dir, "Model directory (holding the `checkpoint` file), or a SavedModel directory")
      ->required();
  cli::AddJsonFlag(sub, &options->json);
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunHistory(*options, out, err); };
  });
}

}  // namespace tfcompat::ckpt_tool
