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

// Appends the text of `value` to `out`, quoted when `json` and not finite.
template <typename T>
void Append(T value, bool json, std::string* out) {
  if (!std::isfinite(value)) {
    if (json) out->push_back('"');
    out->append(NonFiniteWord(value));
    if (json) out->push_back('"');
    return;
  }
  char buffer[32];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr);
}

template <typename T>
std::string Shortest(T value) {
  std::string text;
  Append(value, /*json=*/false, &text);
  return text;
}

}  // namespace

std::string FormatNumber(double value) { return Shortest(value); }
std::string FormatNumber(float value) { return Shortest(value); }

void AppendNumber(double value, std::string* out) { Append(value, /*json=*/false, out); }
void AppendNumber(float value, std::string* out) { Append(value, /*json=*/false, out); }
void AppendNumberJson(double value, std::string* out) { Append(value, /*json=*/true, out); }
void AppendNumberJson(float value, std::string* out) { Append(value, /*json=*/true, out); }

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
