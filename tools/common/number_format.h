// SPDX-License-Identifier: Apache-2.0
// How every tool prints a number, in tables, CSV and JSON alike.
//
//   finite      the shortest text that reads back to the same value
//               (float32 values as float32: 0.1f prints "0.1", not
//               "0.10000000149011612")
//   NaN         "NaN"         (in JSON the string "NaN")
//   +infinity   "Infinity"    (in JSON the string "Infinity")
//   -infinity   "-Infinity"   (in JSON the string "-Infinity")
//
// The words are protobuf's JSON mapping for float and double; Python's
// float(), pandas' read_csv and JavaScript's Number() all read them back, and
// in JSON a string keeps them apart from null (a missing value).
#ifndef TFCOMPAT_TOOLS_COMMON_NUMBER_FORMAT_H_
#define TFCOMPAT_TOOLS_COMMON_NUMBER_FORMAT_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace tfcompat::cli {

std::string FormatNumber(double value);
std::string FormatNumber(float value);

// A JSON number, or for NaN and infinities the string FormatNumber gives.
nlohmann::json NumberJson(double value);
nlohmann::json NumberJson(float value);

// The JSON text of NumberJson (FormatNumber's text, in quotes for NaN and
// infinities), appended to `out`: for writers of many numbers, with no
// temporary string.
void AppendNumberJson(double value, std::string* out);
void AppendNumberJson(float value, std::string* out);

// The most characters WriteNumber writes.
inline constexpr size_t kMaxNumberChars = 32;
// FormatNumber's text (with `json`, AppendNumberJson's) written at `out`,
// which has room for kMaxNumberChars; returns its end. For writers of
// millions of numbers, formatting in place.
char* WriteNumber(double value, bool json, char* out);
char* WriteNumber(float value, bool json, char* out);

}  // namespace tfcompat::cli

#endif  // TFCOMPAT_TOOLS_COMMON_NUMBER_FORMAT_H_
