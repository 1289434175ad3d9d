// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/data/csv_input.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

#include "io/file.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::data {
namespace {

constexpr uint64_t kMaxCsvBytes = uint64_t{1} << 30;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

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

// "file:line: " and "file:line: column c (name): ".
std::string AtLine(std::string_view file, int64_t line) {
  return std::string(file) + ":" + std::to_string(line) + ": ";
}
std::string Where(std::string_view file, int64_t line, size_t column, std::string_view column_name) {
  std::string where = AtLine(file, line) + "column " + std::to_string(column + 1);
  if (!column_name.empty()) where += " (" + std::string(column_name) + ")";
  return where + ": ";
}

// One record: its fields with quotes undone, and the line it starts on.
struct Record {
  int64_t line = 0;
  std::vector<std::string> fields;
};

// The records of RFC 4180 text (see csv_input.h), one at a time.
class CsvRecords {
 public:
  CsvRecords(std::string_view text, std::string_view file_name) : text_(text), file_name_(file_name) {}

  // The next record that is not a blank line; OutOfRange at the end.
  [[nodiscard]] Status Next(Record* record) {
    while (pos_ < text_.size()) {
      record->line = line_;
      record->fields.clear();
      bool quoted = false;
      TFCOMPAT_RETURN_IF_ERROR(ReadRecord(record, &quoted));
      if (quoted || record->fields.size() > 1 || !record->fields[0].empty()) return OkStatus();
    }
    return OutOfRangeError("end of " + file_name_);
  }

 private:
  // Reads fields up to the end of the record (a line break outside quotes,
  // or the end of the text); `quoted` tells whether any field was quoted.
  Status ReadRecord(Record* record, bool* quoted) {
    const size_t n = text_.size();
    while (true) {
      size_t p = pos_;
      while (p < n && IsBlank(text_[p])) ++p;
      std::string& field = record->fields.emplace_back();
      if (p < n && text_[p] == '"') {
        *quoted = true;
        const int64_t opened = line_;
        ++p;
        while (true) {
          const size_t quote = text_.find('"', p);
          if (quote == std::string_view::npos) {
            return InvalidArgumentError(Where(file_name_, opened, record->fields.size() - 1, "") +
                                        "a quoted field is not closed before the end of the file");
          }
          field.append(text_.substr(p, quote - p));
          line_ += std::count(text_.begin() + static_cast<std::ptrdiff_t>(p),
                              text_.begin() + static_cast<std::ptrdiff_t>(quote), '\n');
          p = quote + 1;
          if (p < n && text_[p] == '"') {  // "" inside quotes: one quote
            field.push_back('"');
            ++p;
            continue;
          }
          break;
        }
        while (p < n && (IsBlank(text_[p]) || text_[p] == '\r')) ++p;
        if (p < n && text_[p] != ',' && text_[p] != '\n') {
          return InvalidArgumentError(Where(file_name_, line_, record->fields.size() - 1, "") + "unexpected '" +
                                      std::string(1, text_[p]) + "' after the closing quote of a field");
        }
      } else {
        const size_t end = std::min(text_.find_first_of(",\n", p), n);
        std::string_view raw = text_.substr(p, end - p);
        while (!raw.empty() && (IsBlank(raw.back()) || raw.back() == '\r')) raw.remove_suffix(1);
        field.assign(raw);
        p = end;
      }
      if (p >= n) {
        pos_ = n;
        return OkStatus();
      }
      pos_ = p + 1;
      if (text_[p] == '\n') {
        ++line_;
        return OkStatus();
      }
    }
  }

  std::string_view text_;
  std::string file_name_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

// The records after the current one (to tell TF's header from a row).
StatusOr<int64_t> CountRemaining(CsvRecords records) {
  Record record;
  int64_t count = 0;
  while (true) {
    const Status s = records.Next(&record);
    if (s.code() == StatusCode::kOutOfRange) return count;
    TFCOMPAT_RETURN_IF_ERROR(s);
    ++count;
  }
}

StatusOr<CsvLayout> DetectLayout(const Record& first, const CsvRecords& rest) {
  const std::vector<std::string>& f = first.fields;
  int64_t rows = 0, features = 0;
  const bool counts = f.size() >= 2 && ParseInt(f[0], &rows) && ParseInt(f[1], &features);
  float unused;
  const bool numbers = std::all_of(f.begin(), f.end(), [&](const std::string& s) { return ParseFloat(s, &unused); });
  if (!numbers) return counts ? CsvLayout::kTfHeader : CsvLayout::kColumnNames;
  if (!counts) return CsvLayout::kNoHeader;
  // Integers only: TF's header says how many records follow; a row does not.
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t remaining, CountRemaining(rest));
  return rows == remaining ? CsvLayout::kTfHeader : CsvLayout::kNoHeader;
}

// Which field of a row is what, once the header is understood.
struct Columns {
  std::vector<std::string> names;           // of the features
  std::vector<size_t> feature_fields;       // field index of each feature
  std::optional<size_t> label_field;        // labelled only
  std::string label_name;                   // for errors; the column's name when it has one
  size_t num_fields = 0;                    // fields in every row
  bool may_omit_label = false;              // unlabelled TF or headerless rows: num_fields - 1 is fine too
  std::vector<std::string> header_classes;  // kTfHeader
  int64_t header_rows = -1;                 // kTfHeader
};

// Every name in `columns` at most once; the index of `name`.
StatusOr<size_t> FindColumn(const std::vector<std::string>& columns, const std::string& name, std::string_view what,
                            const std::string& where) {
  const auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) {
    std::string names;
    for (const std::string& c : columns) names += (names.empty() ? "" : ", ") + c;
    return InvalidArgumentError(where + "no " + std::string(what) + " column '" + name + "' in the header (" + names +
                                ")");
  }
  if (std::find(it + 1, columns.end(), name) != columns.end()) {
    return InvalidArgumentError(where + "the header names column '" + name + "' more than once");
  }
  return static_cast<size_t>(it - columns.begin());
}

StatusOr<Columns> ColumnNamesLayout(const Record& header, std::string_view file_name, const CsvOptions& options) {
  const std::vector<std::string>& columns = header.fields;
  const std::string where = AtLine(file_name, header.line);
  Columns out;
  out.num_fields = columns.size();
  // The label: the named column (unlabelled, if the file has it), else the
  // last one, by position (its name may be empty or repeated).
  const std::string& label = options.label_column;
  std::optional<size_t> label_index;
  if (label.empty()) {
    if (options.labelled) label_index = columns.size() - 1;
  } else if (options.labelled || std::find(columns.begin(), columns.end(), label) != columns.end()) {
    TFCOMPAT_ASSIGN_OR_RETURN(label_index, FindColumn(columns, label, "label", where));
  }
  if (options.labelled) {
    out.label_field = label_index;
    out.label_name = columns[*label_index];
  }
  if (options.feature_names.empty()) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (label_index == i) continue;
      TFCOMPAT_ASSIGN_OR_RETURN(const size_t index, FindColumn(columns, columns[i], "feature", where));
      out.feature_fields.push_back(index);
      out.names.push_back(columns[i]);
    }
  } else {
    for (const std::string& name : options.feature_names) {
      TFCOMPAT_ASSIGN_OR_RETURN(const size_t index, FindColumn(columns, name, "feature", where));
      if (label_index == index) return InvalidArgumentError(where + "column '" + name + "' is the label");
      out.feature_fields.push_back(index);
      out.names.push_back(name);
    }
  }
  if (out.names.empty()) return InvalidArgumentError(where + "the header names no feature column");
  return out;
}

// kTfHeader and kNoHeader: `width` features first, then the label.
StatusOr<Columns> PositionalLayout(int64_t width, const std::string& where, const CsvOptions& options) {
  Columns out;
  if (options.feature_names.empty()) {
    // append(), as "x" + std::to_string(i) trips GCC 12's -Wrestrict false positive.
    for (int64_t i = 0; i < width; ++i) out.names.push_back(std::string("x").append(std::to_string(i)));
  } else if (static_cast<int64_t>(options.feature_names.size()) != width) {
    return InvalidArgumentError(where + "the file has " + std::to_string(width) + " feature columns but " +
                                std::to_string(options.feature_names.size()) + " feature names were given");
  } else {
    out.names = options.feature_names;
  }
  for (int64_t i = 0; i < width; ++i) out.feature_fields.push_back(static_cast<size_t>(i));
  out.num_fields = static_cast<size_t>(width) + 1;
  if (options.labelled) {
    out.label_field = static_cast<size_t>(width);
    out.label_name = "label";
  } else {
    out.may_omit_label = true;
  }
  return out;
}

StatusOr<Columns> TfHeaderLayout(const Record& header, std::string_view file_name, const CsvOptions& options) {
  const std::string where = AtLine(file_name, header.line);
  const std::vector<std::string>& f = header.fields;
  int64_t rows = 0, features = 0;
  if (f.size() < 2 || !ParseInt(f[0], &rows) || !ParseInt(f[1], &features) || rows < 0 || features < 1 ||
      features > 100000) {
    return InvalidArgumentError(where + "expected a header 'rows,features[,class names...]'");
  }
  TFCOMPAT_ASSIGN_OR_RETURN(Columns out, PositionalLayout(features, where, options));
  out.header_rows = rows;
  out.header_classes.assign(f.begin() + 2, f.end());
  return out;
}

// Headerless: the first row tells how many columns there are.
StatusOr<Columns> NoHeaderLayout(const Record& first, std::string_view file_name, const CsvOptions& options) {
  const std::string where = AtLine(file_name, first.line);
  int64_t width = static_cast<int64_t>(first.fields.size()) - (options.labelled ? 1 : 0);
  if (!options.labelled && !options.feature_names.empty()) width = static_cast<int64_t>(options.feature_names.size());
  if (width < 1) return InvalidArgumentError(where + "expected a feature column and a label column");
  return PositionalLayout(width, where, options);
}

// How labels are read: see the precedence in csv_input.h.
struct LabelRule {
  enum Kind { kNumber, kClassId, kName } kind = kNumber;
  int n_classes = 0;
};

StatusOr<LabelRule> LabelRuleFor(CsvLayout layout, const Columns& columns, const std::string& where,
                                 const CsvOptions& options) {
  const std::vector<std::string>& vocabulary = options.label_vocabulary;
  if (options.regression) {
    if (options.n_classes != 0 || !vocabulary.empty()) {
      return InvalidArgumentError("regression labels take neither n_classes nor label_vocabulary");
    }
    return LabelRule{};
  }
  if (layout == CsvLayout::kTfHeader) {
    const std::vector<std::string>& named = columns.header_classes;
    if (!vocabulary.empty() && !named.empty() && vocabulary != named) {
      std::string a, b;
      for (const std::string& s : named) a += (a.empty() ? "" : ",") + s;
      for (const std::string& s : vocabulary) b += (b.empty() ? "" : ",") + s;
      return InvalidArgumentError(where + "the header names the classes " + a + ", the label vocabulary is " + b);
    }
    const int n = !vocabulary.empty()     ? static_cast<int>(vocabulary.size())
                  : options.n_classes > 0 ? options.n_classes
                                          : static_cast<int>(named.size());
    if (n == 0) return InvalidArgumentError(where + "header names no classes and n_classes is not set");
    return LabelRule{LabelRule::kClassId, n};
  }
  if (!vocabulary.empty()) return LabelRule{LabelRule::kName, static_cast<int>(vocabulary.size())};
  if (options.n_classes > 0) return LabelRule{LabelRule::kClassId, options.n_classes};
  return LabelRule{};
}

Status ParseLabel(const std::string& field, const LabelRule& rule, const CsvOptions& options, const std::string& where,
                  float* label) {
  switch (rule.kind) {
    case LabelRule::kName: {
      const auto& vocabulary = options.label_vocabulary;
      const auto it = std::find(vocabulary.begin(), vocabulary.end(), field);
      if (it == vocabulary.end()) return InvalidArgumentError(where + "'" + field + "' is not in label_vocabulary");
      *label = static_cast<float>(it - vocabulary.begin());
      return OkStatus();
    }
    case LabelRule::kClassId: {
      int64_t id;
      if (!ParseInt(field, &id)) return InvalidArgumentError(where + "expected a class id, got '" + field + "'");
      if (id < 0 || id >= rule.n_classes) {
        return InvalidArgumentError(where + "class id " + std::to_string(id) + " is out of range [0, " +
                                    std::to_string(rule.n_classes) + ")");
      }
      *label = static_cast<float>(id);
      return OkStatus();
    }
    case LabelRule::kNumber:
      break;
  }
  if (!ParseFloat(field, label)) return InvalidArgumentError(where + "expected a number, got '" + field + "'");
  return OkStatus();
}

}  // namespace

StatusOr<Dataset> ParseCsvDataset(std::string_view contents, std::string_view file_name, const CsvOptions& options) {
  CsvRecords records(contents, file_name);
  Record first;
  const Status read_first = records.Next(&first);
  if (read_first.code() == StatusCode::kOutOfRange) {
    return InvalidArgumentError(std::string(file_name) + ": empty file, expected a header line");
  }
  TFCOMPAT_RETURN_IF_ERROR(read_first);

  CsvLayout layout = options.layout;
  if (layout == CsvLayout::kAuto) {
    TFCOMPAT_ASSIGN_OR_RETURN(layout, DetectLayout(first, records));
  }
  Columns columns;
  switch (layout) {
    case CsvLayout::kTfHeader: {
      TFCOMPAT_ASSIGN_OR_RETURN(columns, TfHeaderLayout(first, file_name, options));
      break;
    }
    case CsvLayout::kNoHeader: {
      TFCOMPAT_ASSIGN_OR_RETURN(columns, NoHeaderLayout(first, file_name, options));
      break;
    }
    default: {
      TFCOMPAT_ASSIGN_OR_RETURN(columns, ColumnNamesLayout(first, file_name, options));
      break;
    }
  }
  LabelRule rule;
  if (options.labelled) {
    TFCOMPAT_ASSIGN_OR_RETURN(rule, LabelRuleFor(layout, columns, AtLine(file_name, first.line), options));
  }

  Dataset dataset;
  if (options.labelled && layout == CsvLayout::kTfHeader) {
    dataset.class_names = options.label_vocabulary.empty() ? columns.header_classes : options.label_vocabulary;
  } else if (options.labelled && rule.kind == LabelRule::kName) {
    dataset.class_names = options.label_vocabulary;
  }
  if (options.labelled && layout == CsvLayout::kColumnNames) dataset.label_column = columns.label_name;
  // A header can claim far more rows or features than the text holds (a
  // 12 KB file claiming 100000 features on 6000 lines asked for 2.4 GB):
  // every value takes at least two bytes, one for a separator, so
  // `contents` bounds what is reserved.
  const size_t lines = static_cast<size_t>(std::count(contents.begin(), contents.end(), '\n')) + 1;
  dataset.features.reserve(std::min(lines * columns.names.size(), contents.size() / 2 + 1));
  if (options.labelled) dataset.labels.reserve(std::min(lines, contents.size() / 2 + 1));

  Record row = first;
  bool have_row = layout == CsvLayout::kNoHeader;  // the first record is a row
  int64_t num_rows = 0;
  while (true) {
    if (!have_row) {
      const Status s = records.Next(&row);
      if (s.code() == StatusCode::kOutOfRange) break;
      TFCOMPAT_RETURN_IF_ERROR(s);
    }
    have_row = false;
    const size_t found = row.fields.size();
    if (found != columns.num_fields && !(columns.may_omit_label && found + 1 == columns.num_fields)) {
      const std::string expected = columns.may_omit_label ? std::to_string(columns.num_fields - 1) + " or " : "";
      return InvalidArgumentError(AtLine(file_name, row.line) + "expected " + expected +
                                  std::to_string(columns.num_fields) + " columns, found " + std::to_string(found));
    }
    for (size_t i = 0; i < columns.feature_fields.size(); ++i) {
      const size_t c = columns.feature_fields[i];
      float value;
      if (!ParseFloat(row.fields[c], &value)) {
        return InvalidArgumentError(Where(file_name, row.line, c, columns.names[i]) + "expected a number, got '" +
                                    row.fields[c] + "'");
      }
      dataset.features.push_back(value);
    }
    if (columns.label_field.has_value()) {
      const size_t c = *columns.label_field;
      float label;
      TFCOMPAT_RETURN_IF_ERROR(
          ParseLabel(row.fields[c], rule, options, Where(file_name, row.line, c, columns.label_name), &label));
      dataset.labels.push_back(label);
    }
    ++num_rows;
  }
  if (num_rows == 0) return InvalidArgumentError(std::string(file_name) + ": no data rows");
  if (layout == CsvLayout::kTfHeader && num_rows != columns.header_rows) {
    return InvalidArgumentError(std::string(file_name) + ": header says " + std::to_string(columns.header_rows) +
                                " rows, found " + std::to_string(num_rows));
  }
  dataset.feature_names = std::make_shared<const std::vector<std::string>>(std::move(columns.names));
  return dataset;
}

StatusOr<Dataset> ReadCsvDataset(const std::string& path, const CsvOptions& options) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::string contents, ReadFileToString(Env::Default(), path, kMaxCsvBytes));
  return ParseCsvDataset(contents, path, options);
}

}  // namespace tfcompat::data
