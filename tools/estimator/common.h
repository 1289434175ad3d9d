// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the estimator tool's subcommands.
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "commands.h"
#include "tfcompat/base/status.h"
#include "tfcompat/data/csv_input.h"
#include "tfcompat/estimator/estimator.h"

namespace tfcompat::estimator_tool {

// The name errors begin with: "estimator: NOT_FOUND: ...".
inline constexpr std::string_view kTool = "estimator";

// TF's log line as the tool prints it: "INFO:tfcompat:<line>".
std::string InfoLine(std::string_view line);
// The Estimator's log: InfoLine(line) on `err`; nothing when `quiet`.
estimator::LogFn LogTo(std::ostream& err, bool quiet);

// The data directory holding the Iris files (a compile definition).
std::string DefaultDataPath(const std::string& file_name);

// Registers the ModelFlags on `sub`.
void AddModelFlags(CLI::App* sub, ModelFlags* flags);

// The training file, whose header gives the feature and class names.
struct ModelSetup {
  std::shared_ptr<const data::Dataset> train;
  std::unique_ptr<estimator::Estimator> estimator;
};
// Reads flags.train_csv and builds the DNNClassifier, logging to `log`.
StatusOr<ModelSetup> MakeEstimator(const ModelFlags& flags, estimator::LogFn log);

// Reads a labelled CSV with the training file's layout and classes.
StatusOr<std::shared_ptr<const data::Dataset>> ReadLabelled(const std::string& path, const data::Dataset& train);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_
