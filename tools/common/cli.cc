// SPDX-License-Identifier: Apache-2.0
#include "cli.h"

#include <iostream>

#include "tfcompat/base/version.h"

namespace tfcompat::cli {

int RunMain(CLI::App& app, int argc, const char* const* argv, const Action& action) {
  app.set_version_flag("--version", app.get_name() + " " + TFCOMPAT_VERSION_STRING);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI::Success (--help) and CLI::CallForVersion carry exit code 0.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!action) return kExitUsage;
  return action(std::cout, std::cerr);
}

int ReportError(std::string_view tool, const Status& status, std::ostream& err, int exit_code) {
  err << tool << ": " << status.ToString() << "\n";
  return exit_code;
}

}  // namespace tfcompat::cli
