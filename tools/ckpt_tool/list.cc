// SPDX-License-Identifier: Apache-2.0
// ckpt_tool list PATH [--json] [--filter GLOB]: every tensor's name, dtype,
// shape and bytes, then totals. Reads only the index file.
#include <fnmatch.h>

#include "commands.h"
#include "common.h"
#include "output.h"

namespace tfcompat::ckpt_tool {

int RunList(const ListOptions& options, std::ostream& out, std::ostream& err) {
  StatusOr<std::unique_ptr<BundleReader>> reader = OpenCheckpoint(options.path);
  if (!reader.ok()) return cli::ReportError(kTool, reader.status(), err);
  nlohmann::json tensors = nlohmann::json::array();
  int64_t total_bytes = 0;
  for (const BundleEntry& entry : (*reader)->entries()) {
    if (!options.filter.empty() && fnmatch(options.filter.c_str(), entry.name.c_str(), 0) != 0) continue;
    tensors.push_back({{"name", entry.name},
                       {"dtype", DataTypeName(entry.dtype)},
                       {"shape", ShapeJson(entry.shape)},
                       {"bytes", entry.size},
                       {"partitioned", entry.partitioned}});
    total_bytes += entry.size;
  }
  if (options.json) {
    nlohmann::json doc = {{"checkpoint", (*reader)->prefix()},
                          {"num_shards", (*reader)->num_shards()},
                          {"tensors", tensors},
                          {"total_tensors", tensors.size()},
                          {"total_bytes", total_bytes}};
    cli::PrintJson(out, doc);
    return cli::kExitOk;
  }
  out << "checkpoint " << (*reader)->prefix() << "\n";
  for (const nlohmann::json& t : tensors) {
    out << t["name"].get<std::string>() << "  " << t["dtype"].get<std::string>() << "  " << t["shape"].dump() << "  "
        << t["bytes"].get<int64_t>() << " bytes" << (t["partitioned"].get<bool>() ? "  (partitioned)" : "") << "\n";
  }
  out << tensors.size() << " tensors, " << total_bytes << " bytes in " << (*reader)->num_shards() << " data file(s)\n";
  return cli::kExitOk;
}

void SetupList(CLI::App& app, Action* action) {
  auto options = std::make_shared<ListOptions>();
  CLI::App* sub = app.add_subcommand("list", "List tensors: name, dtype, shape, bytes; totals");
  sub->add_option("path", options->path, "Checkpoint prefix, or a directory (its latest checkpoint)")->required();
  cli::AddJsonFlag(sub, &options->json);
  sub->add_option("--filter", options->filter, "Only names matching this shell glob");
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunList(*options, out, err); };
  });
}

}  // namespace tfcompat::ckpt_tool
