// SPDX-License-Identifier: Apache-2.0
// ckpt_tool validate PATH: checks the index (footer, every block CRC,
// header), that every data shard exists, and every tensor's offset, size
// and CRC. Exit 0 when valid; 1 naming the first problem; 2 if PATH names
// no checkpoint.
#include "commands.h"
#include "common.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/saved_model/saved_model_reader.h"

namespace tfcompat::ckpt_tool {

int RunValidate(const ValidateOptions& options, std::ostream& out, std::ostream& err) {
  StatusOr<std::string> prefix = ResolveCheckpointPath(options.path);
  if (!prefix.ok()) return cli::ReportError(kTool, prefix.status(), err);
  StatusOr<std::unique_ptr<BundleReader>> reader = BundleReader::Open(*prefix);
  if (!reader.ok()) return cli::ReportError(kTool, reader.status(), err, cli::kExitCheckFailed);
  Status status = (*reader)->VerifyAll();
  if (!status.ok())
    return cli::ReportError(kTool, status.WithContext("invalid checkpoint " + *prefix), err, cli::kExitCheckFailed);
  int64_t bytes = 0;
  for (const BundleEntry& entry : (*reader)->entries()) bytes += entry.size;
  out << "OK " << *prefix << ": " << (*reader)->entries().size() << " tensors, " << bytes << " bytes in "
      << (*reader)->num_shards() << " data file(s)\n";
  return cli::kExitOk;
}

void SetupValidate(CLI::App& app, Action* action) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* sub = app.add_subcommand("validate", "Check every block and tensor CRC, size and offset");
  sub->add_option("path", options->path,
                  "Checkpoint prefix, a directory (its latest checkpoint) or a SavedModel directory (its variables)")
      ->required();
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunValidate(*options, out, err); };
  });
}

}  // namespace tfcompat::ckpt_tool
