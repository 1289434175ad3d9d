// SPDX-License-Identifier: Apache-2.0
// ckpt_tool print PATH [NAME...] [--json]: values of tensors. Text output is
// summarised like numpy (first and last three elements) with min / max /
// mean / std over finite values and NaN / Inf counts; --json prints every
// value.
#include "commands.h"
#include "common.h"
#include "output.h"

namespace tfcompat::ckpt_tool {
namespace {

constexpr int64_t kEdgeItems = 3;

void PrintText(const BundleEntry& entry, const Tensor& tensor, std::ostream& out) {
  out << entry.name << "  " << DataTypeName(entry.dtype) << "  " << ShapeDebugString(entry.shape) << "\n  [";
  const int64_t n = tensor.num_elements();
  for (int64_t i = 0; i < n; ++i) {
    if (n > 2 * kEdgeItems && i == kEdgeItems) {
      out << " ...";
      i = n - kEdgeItems;
    }
    out << (i == 0 ? "" : " ") << ElementText(tensor, i);
  }
  out << "]\n";
  if (tensor.dtype() == DataType::kString || n == 0) return;
  const Stats s = ComputeStats(tensor);
  const DataType dtype = tensor.dtype();
  out << "  min=" << ValueText(dtype, s.min) << " max=" << ValueText(dtype, s.max)
      << " mean=" << ValueText(dtype, s.mean) << " std=" << ValueText(dtype, s.std) << " nan=" << s.nan
      << " inf=" << s.inf << "\n";
}

}  // namespace

int RunPrint(const PrintOptions& options, std::ostream& out, std::ostream& err) {
  StatusOr<std::unique_ptr<BundleReader>> reader = OpenCheckpoint(options.path);
  if (!reader.ok()) return cli::ReportError(kTool, reader.status(), err);
  std::vector<BundleEntry> selected;
  if (options.names.empty()) {
    selected = (*reader)->entries();
  } else {
    for (const std::string& name : options.names) {
      StatusOr<BundleEntry> entry = (*reader)->GetEntry(name);
      if (!entry.ok()) return cli::ReportError(kTool, entry.status(), err);
      selected.push_back(*std::move(entry));
    }
  }
  nlohmann::json tensors = nlohmann::json::array();
  for (const BundleEntry& entry : selected) {
    StatusOr<Tensor> tensor = (*reader)->Lookup(entry.name);
    if (!tensor.ok()) return cli::ReportError(kTool, tensor.status(), err);
    if (!options.json) {
      PrintText(entry, *tensor, out);
      continue;
    }
    nlohmann::json values = nlohmann::json::array();
    for (int64_t i = 0; i < tensor->num_elements(); ++i) values.push_back(ElementJson(*tensor, i));
    nlohmann::json t = {{"name", entry.name},
                        {"dtype", DataTypeName(entry.dtype)},
                        {"shape", ShapeJson(entry.shape)},
                        {"values", std::move(values)}};
    if (tensor->dtype() != DataType::kString && tensor->num_elements() > 0) {
      const Stats s = ComputeStats(*tensor);
      const DataType dtype = tensor->dtype();
      t["stats"] = {{"min", ValueJson(dtype, s.min)},
                    {"max", ValueJson(dtype, s.max)},
                    {"mean", ValueJson(dtype, s.mean)},
                    {"std", ValueJson(dtype, s.std)},
                    {"nan", s.nan},
                    {"inf", s.inf}};
    }
    tensors.push_back(std::move(t));
  }
  if (options.json) {
    cli::PrintJson(out, {{"checkpoint", (*reader)->prefix()}, {"tensors", tensors}});
  }
  return cli::kExitOk;
}

void SetupPrint(CLI::App& app, Action* action) {
  auto options = std::make_shared<PrintOptions>();
  CLI::App* sub = app.add_subcommand("print", "Print tensor values (summaries; --json: every value)");
  sub->add_option("path", options->path, "Checkpoint prefix, or a directory (its latest checkpoint)")->required();
  sub->add_option("names", options->names, "Tensors to print (default: all)");
  cli::AddJsonFlag(sub, &options->json);
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunPrint(*options, out, err); };
  });
}

}  // namespace tfcompat::ckpt_tool
