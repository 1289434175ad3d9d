// SPDX-License-Identifier: Apache-2.0
// How results print on stdout (diagnostics go to stderr), in the three
// shapes every tool uses:
//
//   JSON document  what --json prints for a command whose result is one
//                  table or object: indented by 2, then a newline
//   JSON Lines     what --json prints for a stream of records (event_tool
//                  dump: one per event; estimator predict: one per example):
//                  one compact object a line
//   table          a header row, then a row per record, the columns two
//                  spaces apart and padded to one width (the last one is
//                  not padded): pandas.read_csv(sep=r"\s+") reads it, as
//                  long as no cell holds a space
//
// Numbers in all three are number_format.h's. Strings that are not valid
// UTF-8 print in JSON with U+FFFD for each bad byte (printing never throws).
#ifndef TFCOMPAT_TOOLS_COMMON_OUTPUT_H_
#define TFCOMPAT_TOOLS_COMMON_OUTPUT_H_

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace tfcompat::cli {

void PrintJson(std::ostream& out, const nlohmann::json& document);
void PrintJsonLine(std::ostream& out, const nlohmann::json& record);

// `rows` may be shorter or longer than `header`; a missing cell prints empty.
void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

}  // namespace tfcompat::cli

#endif  // TFCOMPAT_TOOLS_COMMON_OUTPUT_H_
