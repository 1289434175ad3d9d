// SPDX-License-Identifier: Apache-2.0
#include "common.h"

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

}  // namespace tfcompat::estimator_tool
