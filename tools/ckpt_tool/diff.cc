// SPDX-License-Identifier: Apache-2.0
// ckpt_tool diff A B [--json] [--atol X] [--rtol Y]: tensors only in A, only
// in B, with another dtype or shape, and for same-shaped tensors whether
// the values agree: numeric ones within |a - b| <= atol + rtol * |b|
// (NaN equals NaN), with max |a - b|, mean |a - b| and the relative L2
// distance ||a - b|| / ||b||; strings exactly. Exit 0 equal, 1 differ,
// 2 error, like diff(1).
#include <cmath>
#include <map>

#include "commands.h"
#include "common.h"
#include "number_format.h"
#include "output.h"

namespace tfcompat::ckpt_tool {
namespace {

struct ValueDiff {
  bool equal = true;
  double max_abs = 0;
  double mean_abs = 0;
  double rel_l2 = 0;
};

ValueDiff CompareValues(const Tensor& a, const Tensor& b, double atol, double rtol) {
  ValueDiff d;
  if (a.dtype() == DataType::kString) {
    d.equal = a.strings() == b.strings();
    return d;
  }
  double sum_abs = 0, diff_sq = 0, b_sq = 0;
  for (int64_t i = 0; i < a.num_elements(); ++i) {
    const double x = a.ElementAsDouble(i), y = b.ElementAsDouble(i);
    if (std::isnan(x) || std::isnan(y)) {
      if (std::isnan(x) != std::isnan(y)) d.equal = false;
      continue;
    }
    const double diff = x == y ? 0.0 : std::fabs(x - y);  // inf == inf
    if (x != y && !(diff <= atol + rtol * std::fabs(y))) d.equal = false;
    d.max_abs = std::max(d.max_abs, diff);
    sum_abs += diff;
    diff_sq += diff * diff;
    b_sq += y * y;
  }
  // Complex tensors compare every byte as well: ElementAsDouble sees the real part.
  if (a.dtype() == DataType::kComplex64 || a.dtype() == DataType::kComplex128) {
    if (atol == 0 && rtol == 0 && a.bytes() != b.bytes()) d.equal = false;
  }
  if (a.num_elements() > 0) d.mean_abs = sum_abs / static_cast<double>(a.num_elements());
  d.rel_l2 = b_sq > 0 ? std::sqrt(diff_sq / b_sq) : (diff_sq > 0 ? INFINITY : 0.0);
  return d;
}

}  // namespace

int RunDiff(const DiffOptions& options, std::ostream& out, std::ostream& err) {
  StatusOr<std::unique_ptr<BundleReader>> a = OpenCheckpoint(options.a);
  if (!a.ok()) return cli::ReportError(kTool, a.status(), err);
  StatusOr<std::unique_ptr<BundleReader>> b = OpenCheckpoint(options.b);
  if (!b.ok()) return cli::ReportError(kTool, b.status(), err);
  std::map<std::string, const BundleEntry*> in_b;
  for (const BundleEntry& e : (*b)->entries()) in_b[e.name] = &e;

  nlohmann::json only_a = nlohmann::json::array(), only_b = nlohmann::json::array();
  nlohmann::json changed = nlohmann::json::array(), values = nlohmann::json::array();
  bool differ = false;
  for (const BundleEntry& ea : (*a)->entries()) {
    auto it = in_b.find(ea.name);
    if (it == in_b.end()) {
      only_a.push_back(ea.name);
      continue;
    }
    const BundleEntry& eb = *it->second;
    in_b.erase(it);
    if (ea.dtype != eb.dtype || ea.shape != eb.shape) {
      changed.push_back({{"name", ea.name},
                         {"a", {{"dtype", DataTypeName(ea.dtype)}, {"shape", ShapeJson(ea.shape)}}},
                         {"b", {{"dtype", DataTypeName(eb.dtype)}, {"shape", ShapeJson(eb.shape)}}}});
      continue;
    }
    StatusOr<Tensor> ta = (*a)->Lookup(ea.name);
    if (!ta.ok()) return cli::ReportError(kTool, ta.status(), err);
    StatusOr<Tensor> tb = (*b)->Lookup(ea.name);
    if (!tb.ok()) return cli::ReportError(kTool, tb.status(), err);
    const ValueDiff d = CompareValues(*ta, *tb, options.atol, options.rtol);
    if (!d.equal) differ = true;
    nlohmann::json v = {{"name", ea.name}, {"equal", d.equal}};
    if (ea.dtype != DataType::kString) {
      v["max_abs_diff"] = cli::NumberJson(d.max_abs);
      v["mean_abs_diff"] = cli::NumberJson(d.mean_abs);
      v["rel_l2"] = cli::NumberJson(d.rel_l2);
    }
    values.push_back(std::move(v));
  }
  for (const auto& [name, entry] : in_b) only_b.push_back(name);
  differ = differ || !only_a.empty() || !only_b.empty() || !changed.empty();

  if (options.json) {
    cli::PrintJson(out, {{"a", (*a)->prefix()},
                         {"b", (*b)->prefix()},
                         {"equal", !differ},
                         {"only_in_a", only_a},
                         {"only_in_b", only_b},
                         {"changed", changed},
                         {"compared", values}});
    return differ ? cli::kExitCheckFailed : cli::kExitOk;
  }
  for (const auto& name : only_a) out << "only in A: " << name.get<std::string>() << "\n";
  for (const auto& name : only_b) out << "only in B: " << name.get<std::string>() << "\n";
  for (const auto& c : changed) {
    out << "changed: " << c["name"].get<std::string>() << "  " << c["a"]["dtype"].get<std::string>()
        << c["a"]["shape"].dump() << " -> " << c["b"]["dtype"].get<std::string>() << c["b"]["shape"].dump() << "\n";
  }
  const auto text = [](const nlohmann::json& number) {
    return number.is_string() ? number.get<std::string>() : cli::FormatNumber(number.get<double>());
  };
  for (const auto& v : values) {
    if (v["equal"].get<bool>()) continue;
    out << "values differ: " << v["name"].get<std::string>();
    if (v.contains("max_abs_diff")) {
      out << "  max|a-b|=" << text(v["max_abs_diff"]) << " mean|a-b|=" << text(v["mean_abs_diff"])
          << " rel_l2=" << text(v["rel_l2"]);
    }
    out << "\n";
  }
  out << (differ ? "checkpoints differ\n" : "checkpoints are equal\n");
  return differ ? cli::kExitCheckFailed : cli::kExitOk;
}

void SetupDiff(CLI::App& app, Action* action) {
  auto options = std::make_shared<DiffOptions>();
  CLI::App* sub = app.add_subcommand("diff", "Compare two checkpoints (exit 0 equal, 1 differ, 2 error)");
  sub->add_option("a", options->a, "First checkpoint (prefix or directory)")->required();
  sub->add_option("b", options->b, "Second checkpoint (prefix or directory)")->required();
  cli::AddJsonFlag(sub, &options->json);
  sub->add_option("--atol", options->atol, "Absolute tolerance (default 0)")->check(cli::NonNegative<double>());
  sub->add_option("--rtol", options->rtol, "Relative tolerance (default 0)")->check(cli::NonNegative<double>());
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunDiff(*options, out, err); };
  });
}

}  // namespace tfcompat::ckpt_tool
