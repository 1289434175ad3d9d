// SPDX-License-Identifier: Apache-2.0
#include "number_format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace tfcompat::cli {
namespace {

const char* NonFiniteWord(double value) {
  if (std::isnan(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}

template <typename T>
std::string Shortest(T value) {
  if (!std::isfinite(value)) return NonFiniteWord(value);
  char buffer[32];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

}  // namespace

std::string FormatNumber(double value) { return Shortest(value); }
std::string FormatNumber(float value) { return Shortest(value); }

nlohmann::json NumberJson(double value) {
  if (!std::isfinite(value)) return NonFiniteWord(value);
  return value;
}

nlohmann::json NumberJson(float value) {
  if (!std::isfinite(value)) return NonFiniteWord(value);
  // The double nearest to the float's shortest text, which nlohmann::json
  // prints as that text.
  return std::strtod(Shortest(value).c_str(), nullptr);
}

}  // namespace tfcompat::cli
