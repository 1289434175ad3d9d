// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/data/csv_columns.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <type_traits>
#include <utility>

#include "io/file.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::data {
namespace {

constexpr uint64_t kMaxCsvBytes = uint64_t{1} << 30;
// TF's number parsers refuse text this long or longer (kFastToBufferSize).
constexpr size_t kMaxNumberChars = 32;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoringCase(std::string_view s, std::string_view lower) {
  return s.size() == lower.size() && std::equal(s.begin(), s.end(), lower.begin(), [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
         });
}

// TF's safe_strto32 / safe_strto64: spaces around, an optional '-', digits.
template <typename T>
bool ParseInteger(std::string_view field, T* value) {
  field = TrimSpaces(field);
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), *value);
  return !field.empty() && ec == std::errc() && end == field.data() + field.size();
}

// Whether `digits` (decimal syntax already checked: d+[.d*] or .d+, then an
// optional exponent), which from_chars found out of range, is too large
// rather than too small: the power of ten of its first nonzero digit.
bool IsHuge(std::string_view digits) {
  const size_t e = digits.find_first_of("eE");
  const std::string_view mantissa = digits.substr(0, e);
  const size_t point = std::min(mantissa.find('.'), mantissa.size());
  const size_t first = mantissa.find_first_of("123456789");
  int64_t power = first < point ? static_cast<int64_t>(point - first) - 1 : -static_cast<int64_t>(first - point);
  if (e != std::string_view::npos) {
    std::string_view exponent = digits.substr(e + 1);
    const bool negative = exponent.front() == '-';
    if (exponent.front() == '+' || negative) exponent.remove_prefix(1);
    int64_t magnitude = 0;  // saturates: beyond any float's range either way
    for (char c : exponent) magnitude = std::min<int64_t>(magnitude * 10 + (c - '0'), 1000000);
    power += negative ? -magnitude : magnitude;
  }
  return power >= 0;
}

// d+[.d*] or .d+, then an optional e[+-]d+.
bool IsDecimal(std::string_view s) {
  size_t i = 0;
  size_t digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i == s.size()) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i == s.size();
}

// TF's safe_strtof / safe_strtod (double-conversion allowing spaces around
// and hex integers): a decimal, a hex integer or inf/nan, optionally signed; out of range saturates to inf or
// rounds to zero. float32 subnormals become zero, as TF's kernels run with
// denormals flushed.
template <typename T>
bool ParseReal(std::string_view field, T* value) {
  if (field.size() >= kMaxNumberChars) return false;
  std::string_view s = TrimSpaces(field);
  const bool negative = !s.empty() && s.front() == '-';
  if (!s.empty() && (s.front() == '+' || negative)) s.remove_prefix(1);
  T parsed;
  if (EqualsIgnoringCase(s, "inf")) {
    parsed = std::numeric_limits<T>::infinity();
  } else if (EqualsIgnoringCase(s, "nan")) {
    parsed = std::numeric_limits<T>::quiet_NaN();
  } else {
    // "0x" and hex digits: an integer, rounded to nearest even.
    const bool hex =
        s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
        std::all_of(s.begin() + 2, s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (hex) s.remove_prefix(2);
    if (!hex && !IsDecimal(s)) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed,
                                           hex ? std::chars_format::hex : std::chars_format::general);
    if (ec == std::errc::result_out_of_range) {
      parsed = IsHuge(s) ? std::numeric_limits<T>::infinity() : T{0};
    } else if (ec != std::errc() || end != s.data() + s.size()) {
      return false;
    }
    if constexpr (std::is_same_v<T, float>) {
      if (std::fpclassify(parsed) == FP_SUBNORMAL) parsed = T{0};
    }
  }
  *value = negative ? -parsed : parsed;
  return true;
}

// "file:line: ".
std::string AtLine(std::string_view file, int64_t line) {
  return std::string(file) + ":" + std::to_string(line) + ": ";
}

// The records of the text (see csv_columns.h), one at a time.
class RecordSplitter {
 public:
  RecordSplitter(std::string_view text, bool use_quote_delim) : text_(text), quotes_(use_quote_delim) {}

  // The next record and the line it starts on; false at the end.
  bool Next(std::string_view* record, int64_t* line) {
    if (pos_ >= text_.size()) return false;
    *line = line_;
    const size_t start = pos_;
    bool in_quotes = false;
    size_t p = start;
    for (; p < text_.size(); ++p) {
      const char c = text_[p];
      if (c == '"' && quotes_) in_quotes = !in_quotes;
      if (c != '\n') continue;
      ++line_;
      if (!in_quotes) break;
    }
    size_t end = p;
    pos_ = p + 1;
    if (p < text_.size() && end > start && text_[end - 1] == '\r') --end;
    *record = text_.substr(start, end - start);
    return true;
  }

 private:
  std::string_view text_;
  bool quotes_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

// One record's fields, as TF's DecodeCSV kernel splits a string: at most
// `max_fields` (the fields after the last selected one are not read). The
// error is TF's message alone.
Status SplitFields(std::string_view input, char delim, bool quotes, size_t max_fields,
                   std::vector<std::string>* fields) {
  fields->clear();
  const size_t n = input.size();
  if (n == 0) return OkStatus();
  size_t i = 0;
  while (i < n && fields->size() < max_fields) {
    if (input[i] == '\n' || input[i] == '\r') {  // TF skips line breaks where a field starts
      ++i;
      continue;
    }
    const bool quoted = quotes && input[i] == '"';
    if (quoted) ++i;
    std::string& field = fields->emplace_back();
    if (!quoted) {
      for (; i < n && input[i] != delim; ++i) {
        if ((quotes && input[i] == '"') || input[i] == '\n' || input[i] == '\r') {
          return InvalidArgumentError("Unquoted fields cannot have quotes/CRLFs inside");
        }
        field.push_back(input[i]);
      }
      ++i;  // past the delimiter
      continue;
    }
    while (i + 1 < n && (input[i] != '"' || input[i + 1] != delim)) {
      if (input[i] != '"') {
        field.push_back(input[i++]);
        continue;
      }
      if (input[i + 1] != '"') return InvalidArgumentError("Quote inside a string has to be escaped by another quote");
      field.push_back('"');
      i += 2;
    }
    if (i >= n || input[i] != '"' || (i + 1 < n && input[i + 1] != delim)) {
      return InvalidArgumentError("Quoted field has to end with quote followed by delim or end");
    }
    i += 2;  // past the quote and the delimiter
  }
  if (input[n - 1] == delim && fields->size() < max_fields) fields->emplace_back();
  return OkStatus();
}

bool IsCsvDtype(DataType dtype) {
  return dtype == DataType::kFloat || dtype == DataType::kDouble || dtype == DataType::kInt32 ||
         dtype == DataType::kInt64 || dtype == DataType::kString;
}

Status ValidateOptions(const CsvColumnsOptions& options) {
  const std::vector<CsvColumn>& defaults = options.record_defaults;
  if (defaults.empty()) return InvalidArgumentError("record_defaults is empty: there must be a column to read");
  for (size_t f = 0; f < defaults.size(); ++f) {
    const CsvColumn& column = defaults[f];
    if (!IsCsvDtype(column.dtype)) {
      return InvalidArgumentError("csv: data type " + std::string(DataTypeEnumName(column.dtype)) +
                                  " not supported in field " + std::to_string(f));
    }
    if (!column.default_value.has_value()) continue;
    const Tensor& value = *column.default_value;
    if (value.num_elements() >= 2) {
      return InvalidArgumentError("There should only be 1 default per field but field " + std::to_string(f) + " has " +
                                  std::to_string(value.num_elements()));
    }
    if (value.num_elements() == 1 && value.dtype() != column.dtype) {
      return InvalidArgumentError("the default of field " + std::to_string(f) + " is " +
                                  std::string(DataTypeEnumName(value.dtype())) + " but the field is " +
                                  std::string(DataTypeEnumName(column.dtype)));
    }
  }
  const std::vector<int64_t>& select = options.select_cols;
  if (!select.empty()) {
    for (size_t i = 1; i < select.size(); ++i) {
      if (select[i - 1] >= select[i]) return InvalidArgumentError("select_cols is not strictly increasing.");
    }
    if (select.front() < 0) return InvalidArgumentError("select_cols contains negative values.");
    if (select.size() != defaults.size()) {
      return InvalidArgumentError("Length of select_cols and record_defaults do not match.");
    }
  }
  if (options.field_delim == '\n' || options.field_delim == '\r' ||
      (options.use_quote_delim && options.field_delim == '"')) {
    return InvalidArgumentError("field_delim cannot be a line break, nor '\"' with use_quote_delim");
  }
  if (!options.column_names.empty() && options.column_names.size() != defaults.size()) {
    return InvalidArgumentError(std::to_string(options.column_names.size()) + " column_names for " +
                                std::to_string(defaults.size()) + " record_defaults");
  }
  return OkStatus();
}

// The names must be usable as ParsedFeatures keys.
Status CheckNames(const std::vector<std::string>& names, const std::string& where) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) return InvalidArgumentError(where + "the name of column " + std::to_string(i) + " is empty");
    if (!seen.insert(names[i]).second) {
      return InvalidArgumentError(where + "column name '" + names[i] + "' appears more than once");
    }
  }
  return OkStatus();
}

// The values of one column as they are decoded.
struct ColumnValues {
  std::string bytes;                 // fixed-width dtypes, little-endian
  std::vector<std::string> strings;  // kString
};

template <typename T>
void AppendValue(T value, std::string* bytes) {
  char raw[sizeof(T)];
  std::memcpy(raw, &value, sizeof(T));
  bytes->append(raw, sizeof(T));
}

template <typename T>
bool ParseInto(const std::string& field, std::string* bytes) {
  T value;
  bool ok;
  if constexpr (std::is_floating_point_v<T>) {
    ok = ParseReal(field, &value);
  } else {
    ok = ParseInteger(field, &value);
  }
  if (ok) AppendValue(value, bytes);
  return ok;
}

// Decodes field `f` of data record `record` into `out`; the error is TF's
// message alone.
Status DecodeField(const std::string& field, const CsvColumn& column, const std::string& na_value, size_t f,
                   int64_t record, ColumnValues* out) {
  if (field.empty() || field == na_value) {
    if (!column.default_value.has_value() || column.default_value->num_elements() == 0) {
      return InvalidArgumentError("Field " + std::to_string(f) + " is required but missing in record " +
                                  std::to_string(record) + "!");
    }
    if (column.dtype == DataType::kString) {
      out->strings.push_back(column.default_value->strings()[0]);
    } else {
      out->bytes.append(column.default_value->bytes());
    }
    return OkStatus();
  }
  bool ok = true;
  switch (column.dtype) {
    case DataType::kFloat:
      ok = ParseInto<float>(field, &out->bytes);
      break;
    case DataType::kDouble:
      ok = ParseInto<double>(field, &out->bytes);
      break;
    case DataType::kInt32:
      ok = ParseInto<int32_t>(field, &out->bytes);
      break;
    case DataType::kInt64:
      ok = ParseInto<int64_t>(field, &out->bytes);
      break;
    default:
      out->strings.push_back(field);
      break;
  }
  if (ok) return OkStatus();
  return InvalidArgumentError("Field " + std::to_string(f) + " in record " + std::to_string(record) +
                              " is not a valid " + std::string(DataTypeEnumName(column.dtype)) + ": " + field);
}

}  // namespace

CsvColumn CsvColumn::Required(DataType dtype) { return CsvColumn{.dtype = dtype, .default_value = std::nullopt}; }
CsvColumn CsvColumn::Float(float default_value) {
  return CsvColumn{.dtype = DataType::kFloat,
                   .default_value = Tensor::FromVector<float>(DataType::kFloat, {}, {default_value})};
}
CsvColumn CsvColumn::Double(double default_value) {
  return CsvColumn{.dtype = DataType::kDouble,
                   .default_value = Tensor::FromVector<double>(DataType::kDouble, {}, {default_value})};
}
CsvColumn CsvColumn::Int32(int32_t default_value) {
  return CsvColumn{.dtype = DataType::kInt32,
                   .default_value = Tensor::FromVector<int32_t>(DataType::kInt32, {}, {default_value})};
}
CsvColumn CsvColumn::Int64(int64_t default_value) {
  return CsvColumn{.dtype = DataType::kInt64,
                   .default_value = Tensor::FromVector<int64_t>(DataType::kInt64, {}, {default_value})};
}
CsvColumn CsvColumn::String(std::string default_value) {
  // A scalar holds one string, so FromStrings cannot fail here.
  return CsvColumn{.dtype = DataType::kString, .default_value = *Tensor::FromStrings({}, {std::move(default_value)})};
}

StatusOr<ParsedFeatures> ParseCsvColumns(std::string_view contents, std::string_view file_name,
                                         const CsvColumnsOptions& options) {
  TFCOMPAT_RETURN_IF_ERROR(ValidateOptions(options));
  const std::vector<CsvColumn>& defaults = options.record_defaults;
  const std::vector<int64_t>& select = options.select_cols;
  const size_t num_columns = defaults.size();
  // File column of each output column.
  std::vector<size_t> file_column(num_columns);
  for (size_t f = 0; f < num_columns; ++f) file_column[f] = select.empty() ? f : static_cast<size_t>(select[f]);
  const size_t max_fields = select.empty() ? std::numeric_limits<size_t>::max() : file_column.back() + 1;

  RecordSplitter records(contents, options.use_quote_delim);
  std::string_view record;
  int64_t line = 0;
  std::vector<std::string> fields;
  std::vector<std::string> names = options.column_names;
  // The fields of the record at `line` that are read; TF's message on a
  // count that does not match.
  auto select_fields = [&](int64_t index) -> Status {
    TFCOMPAT_RETURN_IF_ERROR(SplitFields(record, options.field_delim, options.use_quote_delim, max_fields, &fields));
    if (!select.empty()) {
      size_t kept = 0;
      for (size_t c : file_column) {
        if (c >= fields.size()) continue;
        if (kept != c) fields[kept] = std::move(fields[c]);
        ++kept;
      }
      fields.resize(kept);
    }
    if (fields.size() != num_columns) {
      return InvalidArgumentError("Expect " + std::to_string(num_columns) + " fields but have " +
                                  std::to_string(fields.size()) + " in record " + std::to_string(index));
    }
    return OkStatus();
  };

  std::string names_from;  // where the names come from, for errors
  if (options.header && records.Next(&record, &line) && names.empty()) {
    names_from = AtLine(file_name, line) + "header: ";
    const Status s = select_fields(0);
    if (!s.ok()) return InvalidArgumentError(names_from + std::string(s.message()));
    names = fields;
  }
  if (names.empty()) {
    for (size_t c : file_column) names.push_back(std::to_string(c));
  }
  TFCOMPAT_RETURN_IF_ERROR(CheckNames(names, names_from));

  std::vector<ColumnValues> values(num_columns);
  int64_t num_records = 0;
  while (records.Next(&record, &line)) {
    const Status split = select_fields(num_records);
    if (!split.ok()) return InvalidArgumentError(AtLine(file_name, line) + std::string(split.message()));
    for (size_t f = 0; f < num_columns; ++f) {
      const Status s = DecodeField(fields[f], defaults[f], options.na_value, f, num_records, &values[f]);
      if (!s.ok()) {
        return InvalidArgumentError(AtLine(file_name, line) + "column " + std::to_string(file_column[f] + 1) + " (" +
                                    names[f] + "): " + std::string(s.message()));
      }
    }
    ++num_records;
  }

  ParsedFeatures out;
  out.batch_size = num_records;
  for (size_t f = 0; f < num_columns; ++f) {
    StatusOr<Tensor> tensor = defaults[f].dtype == DataType::kString
                                  ? Tensor::FromStrings({num_records}, std::move(values[f].strings))
                                  : Tensor::FromBytes(defaults[f].dtype, {num_records}, std::move(values[f].bytes));
    TFCOMPAT_RETURN_IF_ERROR(tensor.status());
    out.dense.emplace(names[f], *std::move(tensor));
  }
  return out;
}

StatusOr<ParsedFeatures> ReadCsvColumns(const std::string& path, const CsvColumnsOptions& options) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::string contents, ReadFileToString(Env::Default(), path, kMaxCsvBytes));
  return ParseCsvColumns(contents, path, options);
}

}  // namespace tfcompat::data
