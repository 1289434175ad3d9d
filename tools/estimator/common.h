// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the estimator tool's subcommands.
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_

#include <ostream>

#include "commands.h"
#include "tfcompat/base/status.h"

namespace tfcompat::estimator_tool {

// Prints "estimator: <status>" to `err`; kExitUsage for InvalidArgument
// from flags, kExitError otherwise.
int ReportError(const Status& status, std::ostream& err, int exit_code = kExitError);

// ReportError for what the model flags lead to (model_setup.h): kExitUsage
// for InvalidArgument (a flag contradicting the record, a missing one),
// kExitError otherwise (a corrupt record).
int ReportFlagsError(const Status& status, std::ostream& err);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_COMMON_H_
