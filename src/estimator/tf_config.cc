// SPDX-License-Identifier: Apache-2.0
// RunConfig::SetTaskFromTfConfig: the checks of run_config.py's
// _init_distributed_setting_from_environment_var and
// _validate_task_type_and_task_id, with their messages.
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "tfcompat/base/status_macros.h"
#include "tfcompat/estimator/run_config.h"

namespace tfcompat::estimator {
namespace {

using nlohmann::json;

Status NotShaped(const std::string& what) {
  return InvalidArgumentError("TF_CONFIG: " + what +
                              R"( (expected {"cluster": {"<job>": ["<host:port>", ...], ...}, )"
                              R"("task": {"type": "<job>", "index": <n>}}))");
}

// The task's index as TF reads it (int(task_id)): a number, or a string of
// one. Empty when the task has none.
StatusOr<std::optional<int64_t>> TaskIndex(const json& task) {
  const auto it = task.find("index");
  if (it == task.end() || it->is_null()) return std::optional<int64_t>();
  if (it->is_number_integer()) return std::optional<int64_t>(it->get<int64_t>());
  if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    size_t used = 0;
    try {
      const int64_t index = std::stoll(text, &used);
      if (used == text.size()) return std::optional<int64_t>(index);
    } catch (const std::exception&) {
    }
  }
  return NotShaped("task index " + it->dump() + " is not an integer");
}

}  // namespace

Status RunConfig::SetTaskFromTfConfig(std::string_view tf_config) {
  const json config = json::parse(tf_config, nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded()) return NotShaped("not valid JSON: " + std::string(tf_config));
  if (!config.is_object()) return NotShaped("not a JSON object: " + config.dump());
  const json cluster = config.value("cluster", json::object());
  const json task = config.value("task", json::object());
  if (!cluster.is_object()) return NotShaped("\"cluster\" is not an object: " + cluster.dump());
  if (!task.is_object()) return NotShaped("\"task\" is not an object: " + task.dump());
  for (const auto& [job, addresses] : cluster.items()) {
    if (!addresses.is_array()) return NotShaped("job \"" + job + "\" is not a list of addresses");
  }
  const auto type_it = task.find("type");
  if (type_it != task.end() && !type_it->is_null() && !type_it->is_string()) {
    return NotShaped("task type " + type_it->dump() + " is not a string");
  }
  std::string type = type_it != task.end() && type_it->is_string() ? type_it->get<std::string>() : "";
  TFCOMPAT_ASSIGN_OR_RETURN(const std::optional<int64_t> index, TaskIndex(task));

  if (cluster.empty()) {
    // Local mode: TF's defaults are worker 0, and nothing else is allowed.
    if (!type.empty() && type != kWorker) {
      return InvalidArgumentError("If \"cluster\" is not set in TF_CONFIG, task type must be WORKER.");
    }
    if (index.value_or(0) != 0) {
      return InvalidArgumentError("If \"cluster\" is not set in TF_CONFIG, task index must be 0.");
    }
    task_type.clear();
    task_id = 0;
    return OkStatus();
  }
  // A cluster with a master is TF 1's layout: the master is the chief.
  const bool has_master = cluster.contains(kMaster);
  if (has_master && cluster.contains(kChief)) {
    return InvalidArgumentError("If `master` node exists in `cluster`, job `chief` is not supported.");
  }
  const std::string chief = has_master ? kMaster : kChief;
  if (!cluster.contains(chief)) {
    return InvalidArgumentError("If \"cluster\" is set in TF_CONFIG, it must have one \"" + chief + "\" node.");
  }
  if (cluster[chief].size() > 1) {
    return InvalidArgumentError("The \"cluster\" in TF_CONFIG must have only one \"" + chief + "\" node.");
  }
  if (type.empty()) return InvalidArgumentError("If \"cluster\" is set in TF_CONFIG, task type must be set.");
  if (!index.has_value()) return InvalidArgumentError("If \"cluster\" is set in TF_CONFIG, task index must be set.");
  if (*index < 0) return InvalidArgumentError("Task index must be non-negative number.");
  // The evaluator is no part of the training cluster.
  if (type != kEvaluator) {
    const std::string note = "\n\nNote that these values may be coming from the TF_CONFIG environment variable.";
    if (!cluster.contains(type)) {
      return InvalidArgumentError(type + " is not a valid task_type in the cluster_spec:\n" + cluster.dump() + note);
    }
    if (*index >= static_cast<int64_t>(cluster[type].size())) {
      return InvalidArgumentError(std::to_string(*index) + " is not a valid task_id for task_type " + type +
                                  " in the cluster_spec:\n" + cluster.dump() + note);
    }
  }
  task_type = std::move(type);
  task_id = *index;
  return OkStatus();
}

}  // namespace tfcompat::estimator
