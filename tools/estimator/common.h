// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the estimator tool's subcommands.
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_

#include <memory>
#include <ostream>
#include <string>

#include "commands.h"
#include "tfcompat/base/status.h"
#include "tfcompat/data/csv_input.h"
#include "tfcompat/estimator/estimator.h"

namespace tfcompat::estimator_tool {

// The data directory holding the Iris files (a compile definition).
std::string DefaultDataPath(const std::string& file_name);

// Registers the ModelFlags on `sub`.
void AddModelFlags(CLI::App* sub, ModelFlags* flags);

// The training file, whose header gives the feature and class names.
struct ModelSetup {
  std::shared_ptr<const data::Dataset> train;
  std::unique_ptr<estimator::Estimator> estimator;
};
// Reads flags.train_csv and builds the DNNClassifier, logging to `err`.
StatusOr<ModelSetup> MakeEstimator(const ModelFlags& flags, std::ostream& err);

// Reads a labelled CSV with the training file's layout and classes.
StatusOr<std::shared_ptr<const data::Dataset>> ReadLabelled(const std::string& path, const data::Dataset& train);

// Prints "estimator: <status>" to `err`; kExitUsage for InvalidArgument
// from flags, kExitError otherwise.
int ReportError(const Status& status, std::ostream& err, int exit_code = kExitError);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_
