// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the estimator tool's subcommands.
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "tfcompat/base/status.h"
#include "tfcompat/estimator/estimator.h"

namespace tfcompat::estimator_tool {

// The name errors begin with: "estimator: NOT_FOUND: ...".
inline constexpr std::string_view kTool = "estimator";

// TF's log line as the tool prints it: "INFO:tfcompat:<line>".
std::string InfoLine(std::string_view line);
// The Estimator's log: InfoLine(line) on `err`; nothing when `quiet`.
estimator::LogFn LogTo(std::ostream& err, bool quiet);

// cli::ReportError for what the model flags lead to (model_setup.h):
// kExitUsage for InvalidArgument (a flag contradicting the record, a
// missing one), kExitError otherwise (a corrupt record).
int ReportFlagsError(const Status& status, std::ostream& err);

// Metrics as `evaluate` prints them on `out`: a `metric value` table, or
// with `json` one JSON object; global_step as an integer, the metrics as
// float32, as TF computes them (and as the "Saving dict" log line prints
// them).
void PrintMetrics(const std::map<std::string, double>& metrics, bool json, std::ostream& out);

// Appends the numbers of the comma-separated `row` to `features`;
// InvalidArgument naming `where`, and the column, for a field that is not a
// number or a row of other than `num_features` fields.
Status ParseRow(std::string_view row, const std::string& where, size_t num_features, std::vector<float>* features);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_
