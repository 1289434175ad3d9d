// SPDX-License-Identifier: Apache-2.0
#include "common.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "number_format.h"
#include "output.h"

namespace tfcompat::estimator_tool {

std::string InfoLine(std::string_view line) {
  std::string text = "INFO:tfcompat:";
  text += line;
  return text;
}

estimator::LogFn LogTo(std::ostream& err, bool quiet) {
  if (quiet) return [](const std::string&) {};
  return [&err](const std::string& line) { err << InfoLine(line) << "\n"; };
}

int ReportFlagsError(const Status& status, std::ostream& err) {
  return cli::ReportError(kTool, status, err,
                          status.code() == StatusCode::kInvalidArgument ? cli::kExitUsage : cli::kExitError);
}

void PrintMetrics(const std::map<std::string, double>& metrics, bool json, std::ostream& out) {
  nlohmann::json object = nlohmann::json::object();
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, value] : metrics) {
    if (name == "global_step") {
      object[name] = static_cast<int64_t>(value);
      rows.push_back({name, std::to_string(static_cast<int64_t>(value))});
    } else {
      object[name] = cli::NumberJson(static_cast<float>(value));
      rows.push_back({name, cli::FormatNumber(static_cast<float>(value))});
    }
  }
  if (json) {
    cli::PrintJson(out, object);
  } else {
    cli::PrintTable(out, {"metric", "value"}, rows);
  }
}

Status ParseRow(std::string_view row, const std::string& where, size_t num_features, std::vector<float>* features) {
  size_t column = 0;
  while (true) {
    const size_t comma = row.find(',');
    std::string_view field = row.substr(0, comma);
    while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
    while (!field.empty() && (field.back() == ' ' || field.back() == '\r')) field.remove_suffix(1);
    float value = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (ec != std::errc() || end != field.data() + field.size()) {
      return InvalidArgumentError(where + ": column " + std::to_string(column + 1) + ": expected a number, got '" +
                                  std::string(field) + "'");
    }
    features->push_back(value);
    ++column;
    if (comma == std::string_view::npos) break;
    row.remove_prefix(comma + 1);
  }
  if (column != num_features) {
    return InvalidArgumentError(where + ": expected " + std::to_string(num_features) + " values, got " +
                                std::to_string(column));
  }
  return OkStatus();
}

}  // namespace tfcompat::estimator_tool
