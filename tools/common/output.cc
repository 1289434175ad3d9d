// SPDX-License-Identifier: Apache-2.0
#include "output.h"

#include <algorithm>

namespace tfcompat::cli {

void PrintJson(std::ostream& out, const nlohmann::json& document) {
  out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void PrintJsonLine(std::ostream& out, const nlohmann::json& record) {
  out << record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  size_t columns = header.size();
  for (const auto& row : rows) columns = std::max(columns, row.size());
  std::vector<size_t> width(columns, 0);
  const auto measure = [&width](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  const auto print = [&out, &width, columns](const std::vector<std::string>& row) {
    for (size_t c = 0; c < columns; ++c) {
      const std::string& cell = c < row.size() ? row[c] : std::string();
      out << cell;
      if (c + 1 < columns) out << std::string(width[c] - cell.size() + 2, ' ');
    }
    out << "\n";
  };
  print(header);
  for (const auto& row : rows) print(row);
}

}  // namespace tfcompat::cli
