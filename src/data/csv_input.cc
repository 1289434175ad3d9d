// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/data/csv_input.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <utility>

#include "base/random.h"
#include "io/file.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::data {
namespace {

constexpr uint64_t kMaxCsvBytes = uint64_t{1} << 30;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    fields.push_back(Trim(line.substr(start, comma == std::string_view::npos ? comma : comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

// A finite float that is the whole of `field`.
bool ParseFloat(std::string_view field, float* value) {
  if (!field.empty() && field.front() == '+') field.remove_prefix(1);
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), *value);
  return ec == std::errc() && end == field.data() + field.size() && !field.empty() && std::isfinite(*value);
}

bool ParseInt(std::string_view field, int64_t* value) {
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), *value);
  return ec == std::errc() && end == field.data() + field.size() && !field.empty();
}

// Where an error is: "file:line: column c (name): ".
std::string Where(std::string_view file, int64_t line, size_t column, std::string_view column_name) {
  std::string where = std::string(file) + ":" + std::to_string(line) + ": column " + std::to_string(column + 1);
  if (!column_name.empty()) where += " (" + std::string(column_name) + ")";
  return where + ": ";
}

// Lines with their 1-based numbers; blank lines are skipped.
std::vector<std::pair<int64_t, std::string_view>> NonBlankLines(std::string_view contents) {
  std::vector<std::pair<int64_t, std::string_view>> lines;
  int64_t number = 0;
  while (!contents.empty()) {
    const size_t nl = contents.find('\n');
    const std::string_view line = contents.substr(0, nl);
    ++number;
    if (!Trim(line).empty()) lines.emplace_back(number, line);
    if (nl == std::string_view::npos) break;
    contents.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace

StatusOr<Dataset> ParseCsvDataset(std::string_view contents, std::string_view file_name, const CsvOptions& options) {
  const auto lines = NonBlankLines(contents);
  if (lines.empty()) return InvalidArgumentError(std::string(file_name) + ": empty file, expected a header line");

  const std::vector<std::string_view> header = SplitFields(lines[0].second);
  int64_t header_rows = 0, header_features = 0;
  CsvLayout layout = options.layout;
  if (layout == CsvLayout::kAuto) {
    layout = header.size() >= 2 && ParseInt(header[0], &header_rows) && ParseInt(header[1], &header_features)
                 ? CsvLayout::kTfHeader
                 : CsvLayout::kColumnNames;
  }

  Dataset dataset;
  std::vector<std::string> names;
  size_t label_index = 0;
  int n_classes = options.n_classes;
  if (layout == CsvLayout::kTfHeader) {
    const std::string line1 = std::string(file_name) + ":" + std::to_string(lines[0].first) + ": ";
    if (header.size() < 2 || !ParseInt(header[0], &header_rows) || !ParseInt(header[1], &header_features) ||
        header_rows < 0 || header_features < 1 || header_features > 100000) {
      return InvalidArgumentError(line1 + "expected a header 'rows,features[,class names...]'");
    }
    for (size_t i = 2; i < header.size(); ++i) dataset.class_names.emplace_back(header[i]);
    if (n_classes == 0) n_classes = static_cast<int>(dataset.class_names.size());
    if (n_classes == 0) return InvalidArgumentError(line1 + "header names no classes and n_classes is not set");
    if (options.feature_names.empty()) {
      for (int64_t i = 0; i < header_features; ++i) names.push_back(std::string("x").append(std::to_string(i)));
    } else if (static_cast<int64_t>(options.feature_names.size()) != header_features) {
      return InvalidArgumentError(line1 + "header says " + std::to_string(header_features) + " features but " +
                                  std::to_string(options.feature_names.size()) + " feature names were given");
    } else {
      names = options.feature_names;
    }
    label_index = names.size();
  } else {
    std::vector<std::string> columns(header.begin(), header.end());
    const std::string wanted = options.label_column.empty() ? columns.back() : options.label_column;
    const auto it = std::find(columns.begin(), columns.end(), wanted);
    if (it == columns.end()) {
      return InvalidArgumentError(std::string(file_name) + ":" + std::to_string(lines[0].first) +
                                  ": no label column '" + wanted + "' in the header");
    }
    label_index = static_cast<size_t>(it - columns.begin());
    columns.erase(it);
    names = std::move(columns);
  }
  if (!options.label_vocabulary.empty()) {
    dataset.class_names = options.label_vocabulary;
    n_classes = static_cast<int>(options.label_vocabulary.size());
  }

  const size_t num_fields = names.size() + 1;
  // The header's feature count times the line count can be far more than
  // the text holds (a 12 KB file claiming 100000 features on 6000 lines
  // asked for 2.4 GB): every value takes at least two bytes, one for a
  // separator, so `contents` bounds what is reserved.
  dataset.features.reserve(std::min((lines.size() - 1) * names.size(), contents.size() / 2 + 1));
  dataset.labels.reserve(lines.size() - 1);
  for (size_t r = 1; r < lines.size(); ++r) {
    const auto& [number, line] = lines[r];
    const std::vector<std::string_view> fields = SplitFields(line);
    if (fields.size() != num_fields) {
      return InvalidArgumentError(std::string(file_name) + ":" + std::to_string(number) + ": expected " +
                                  std::to_string(num_fields) + " columns, found " + std::to_string(fields.size()));
    }
    for (size_t c = 0; c < num_fields; ++c) {
      const std::string_view field = fields[c];
      if (c != label_index) {
        float value;
        const std::string& name = names[c < label_index ? c : c - 1];
        if (!ParseFloat(field, &value)) {
          return InvalidArgumentError(Where(file_name, number, c, name) + "expected a number, got '" +
                                      std::string(field) + "'");
        }
        dataset.features.push_back(value);
        continue;
      }
      float label;
      if (!options.label_vocabulary.empty()) {
        const auto& vocab = options.label_vocabulary;
        const auto it = std::find(vocab.begin(), vocab.end(), field);
        if (it == vocab.end()) {
          return InvalidArgumentError(Where(file_name, number, c, "label") + "'" + std::string(field) +
                                      "' is not in label_vocabulary");
        }
        label = static_cast<float>(it - vocab.begin());
      } else if (n_classes > 0) {
        int64_t id;
        if (!ParseInt(field, &id)) {
          return InvalidArgumentError(Where(file_name, number, c, "label") + "expected a class id, got '" +
                                      std::string(field) + "'");
        }
        if (id < 0 || id >= n_classes) {
          return InvalidArgumentError(Where(file_name, number, c, "label") + "class id " + std::to_string(id) +
                                      " is out of range [0, " + std::to_string(n_classes) + ")");
        }
        label = static_cast<float>(id);
      } else if (!ParseFloat(field, &label)) {
        return InvalidArgumentError(Where(file_name, number, c, "label") + "expected a number, got '" +
                                    std::string(field) + "'");
      }
      dataset.labels.push_back(label);
    }
  }
  if (dataset.labels.empty()) return InvalidArgumentError(std::string(file_name) + ": no data rows");
  if (layout == CsvLayout::kTfHeader && dataset.num_rows() != header_rows) {
    return InvalidArgumentError(std::string(file_name) + ": header says " + std::to_string(header_rows) +
                                " rows, found " + std::to_string(dataset.num_rows()));
  }
  dataset.feature_names = std::make_shared<const std::vector<std::string>>(std::move(names));
  return dataset;
}

StatusOr<Dataset> ReadCsvDataset(const std::string& path, const CsvOptions& options) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::string contents, ReadFileToString(Env::Default(), path, kMaxCsvBytes));
  return ParseCsvDataset(contents, path, options);
}

}  // namespace tfcompat::data
