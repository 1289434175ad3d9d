// SPDX-License-Identifier: Apache-2.0
#include "common.h"

namespace tfcompat::estimator_tool {

int ReportError(const Status& status, std::ostream& err, int exit_code) {
  err << "estimator: " << status.ToString() << "\n";
  return exit_code;
}

int ReportFlagsError(const Status& status, std::ostream& err) {
  return ReportError(status, err, status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitError);
}

}  // namespace tfcompat::estimator_tool
