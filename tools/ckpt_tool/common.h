// SPDX-License-Identifier: Apache-2.0
// Helpers shared by ckpt_tool's subcommands.
#ifndef TFCOMPAT_TOOLS_CKPT_TOOL_COMMON_H_
#define TFCOMPAT_TOOLS_CKPT_TOOL_COMMON_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/tensor.h"

namespace tfcompat::ckpt_tool {

// Opens the checkpoint PATH stands for (ResolveCheckpointPath in
// tfcompat/saved_model/saved_model_reader.h).
StatusOr<std::unique_ptr<BundleReader>> OpenCheckpoint(const std::string& path);

// The name errors begin with: "ckpt_tool: NOT_FOUND: ...".
inline constexpr std::string_view kTool = "ckpt_tool";

// JSON of a shape: [4, 10].
nlohmann::json ShapeJson(const TensorShape& shape);
// A value of a tensor of `dtype` in that dtype's precision (number_format.h):
// float32, float16, bfloat16 and complex64 parts as float32 ("0.1"), other
// types as double.
nlohmann::json ValueJson(DataType dtype, double value);
std::string ValueText(DataType dtype, double value);
// Element `i` as JSON: exact integers, ValueJson for floating point ("NaN",
// "Infinity", "-Infinity" strings for the non-finite), [re, im] for complex,
// booleans, and strings (valid UTF-8 as is, otherwise {"hex": "..."}).
nlohmann::json ElementJson(const Tensor& tensor, int64_t i);
// Element `i` as numpy shows it: ValueText numbers, True/False, "quoted"
// strings (0x<hex> when not UTF-8), (re+imj).
std::string ElementText(const Tensor& tensor, int64_t i);

// min / max / mean / std over the finite values, with NaN and Inf counts.
struct Stats {
  int64_t finite = 0;
  int64_t nan = 0;
  int64_t inf = 0;
  double min = 0;
  double max = 0;
  double mean = 0;
  double std = 0;
};
// Precondition: a numeric (not string) tensor.
Stats ComputeStats(const Tensor& tensor);

}  // namespace tfcompat::ckpt_tool

#endif  // TFCOMPAT_TOOLS_CKPT_TOOL_COMMON_H_
