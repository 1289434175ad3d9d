// SPDX-License-Identifier: Apache-2.0
#include "number_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace tfcompat::cli {
namespace {

const char* NonFiniteWord(double value) {
  if (std::isnan(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}

// Writes the text of `value` at `out`, quoted when `json` and not finite.
template <typename T>
char* Write(T value, bool json, char* out) {
  if (!std::isfinite(value)) {
    if (json) *out++ = '"';
    const std::string_view word = NonFiniteWord(value);
    out = std::copy(word.begin(), word.end(), out);
    if (json) *out++ = '"';
    return out;
  }
  return std::to_chars(out, out + kMaxNumberChars, value).ptr;
}

template <typename T>
void Append(T value, bool json, std::string* out) {
  char buffer[kMaxNumberChars];
  out->append(buffer, Write(value, json, buffer));
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

void AppendNumberJson(double value, std::string* out) { Append(value, /*json=*/true, out); }
void AppendNumberJson(float value, std::string* out) { Append(value, /*json=*/true, out); }
char* WriteNumber(double value, bool json, char* out) { return Write(value, json, out); }
char* WriteNumber(float value, bool json, char* out) { return Write(value, json, out); }

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
