// SPDX-License-Identifier: Apache-2.0
// CSV files into typed columns, as tf.io.decode_csv (and
// tf.data.experimental.CsvDataset) decode them: each column has a dtype and
// a default for missing values, so that string (categorical) columns and
// incomplete rows come in alongside numbers. The result is the same
// ParsedFeatures batch that ExampleParser gives (see example.h): a dense
// Tensor [rows] per column, keyed by the column's name.
//
// Usage:
//   CsvColumnsOptions options;
//   options.header = true;  // names from the first record
//   options.na_value = "NA";
//   options.record_defaults = {CsvColumn::Int64(0),                   // age: missing -> 0
//                              CsvColumn::Required(DataType::kFloat),  // income: must be present
//                              CsvColumn::String("unknown")};          // city: missing -> "unknown"
//   TFCOMPAT_ASSIGN_OR_RETURN(ParsedFeatures columns, ReadCsvColumns("people.csv", options));
//   std::span<const int64_t> age = columns.dense.at("age").flat<int64_t>();    // [rows]
//   const std::vector<std::string>& city = columns.dense.at("city").strings();  // [rows]
//
// Records: the text is split into records at line feeds that are outside
// double quotes (with use_quote_delim; without it at every line feed); a
// carriage return before a record's line feed, and a file's last line feed,
// end the record and are not part of it. Each record is then decoded as
// decode_csv decodes one string:
//   - fields are separated by field_delim and are not trimmed (" a" stays
//     " a" in a string column; numbers may carry spaces around them);
//   - with use_quote_delim, a field that starts with '"' is quoted: it ends
//     at a '"' followed by field_delim or the record's end, may hold
//     field_delim and line breaks, and spells a quote as "". A quote inside
//     an unquoted field, or a line break, is an error;
//   - a record must have exactly as many fields as record_defaults (with
//     select_cols, fields past the last selected one are not looked at); a
//     blank line is a record of no fields, so it is an error;
//   - a field that is empty (after unquoting: "" is empty) or equal to
//     na_value is missing: it takes its column's default, and a column
//     without one (Required) fails;
//   - int32/int64: optional '-', decimal digits, spaces around allowed,
//     overflow fails. float/double: decimal with optional exponent, a hex
//     integer ("0x1A", rounded to nearest even), "inf" and "nan" in any
//     case, optional sign, spaces around allowed, at most 31 characters in
//     all (as TF's parser); out of range is +-inf or +-0, and float32
//     subnormals are flushed to zero as TF's kernels do.
//
// Errors are InvalidArgument with TF's own wording after the file, the
// 1-based line where the record starts and, for a field, the 1-based column
// in the file and the column's name; "record M" counts data records from 0
// (the header is not counted), as decode_csv does over the file's records:
//   "people.csv:5: column 2 (income): Field 1 is required but missing in record 3!"
//   "people.csv:7: column 1 (age): Field 0 in record 5 is not a valid int64: 4x"
//   "people.csv:9: Expect 3 fields but have 2 in record 7"
//   "people.csv:4: Quote inside a string has to be escaped by another quote"
// (TF's quoting messages are the ones without a column; "Field N" is the
// index among the selected columns, as in TF).
#ifndef TFCOMPAT_DATA_CSV_COLUMNS_H_
#define TFCOMPAT_DATA_CSV_COLUMNS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/data/example.h"

namespace tfcompat::data {

// One entry of record_defaults: the column's dtype (kFloat, kDouble, kInt32,
// kInt64 or kString) and the value a missing field takes, a scalar Tensor
// of that dtype; no default (TF's empty tensor) makes the column required.
struct CsvColumn {
  DataType dtype = DataType::kFloat;
  std::optional<Tensor> default_value = std::nullopt;

  static CsvColumn Required(DataType dtype);
  static CsvColumn Float(float default_value);
  static CsvColumn Double(double default_value);
  static CsvColumn Int32(int32_t default_value);
  static CsvColumn Int64(int64_t default_value);
  static CsvColumn String(std::string default_value);
};

struct CsvColumnsOptions {
  // One per column read (per selected column with select_cols); at least one.
  std::vector<CsvColumn> record_defaults = {};
  // The names of the columns read, the keys of ParsedFeatures::dense. Empty:
  // the header's fields with `header`, else the 0-based column index in the
  // file ("0", "1", ...). Names must be distinct and not empty.
  std::vector<std::string> column_names = {};
  // 0-based file columns to read, strictly increasing, as many as
  // record_defaults; empty reads every column.
  std::vector<int64_t> select_cols = {};
  // The first record names the columns (CsvDataset's header=True); it is
  // decoded with the same quoting rules and otherwise skipped.
  bool header = false;
  // Not a line break, nor '"' with use_quote_delim.
  char field_delim = ',';
  bool use_quote_delim = true;
  // A field equal to this is missing, as an empty one is; empty: only empty
  // fields are missing.
  std::string na_value = {};
};

// Decodes CSV text; `file_name` is used in error messages only. The result
// holds batch_size = the number of data records and, per column, a Tensor
// of shape [batch_size] (no sparse features). InvalidArgument for options
// TF rejects, with its wording where it has one ("select_cols is not
// strictly increasing.", "There should only be 1 default per field but
// field 1 has 2").
[[nodiscard]] StatusOr<ParsedFeatures> ParseCsvColumns(std::string_view contents, std::string_view file_name,
                                                       const CsvColumnsOptions& options);

// Reads and decodes the file at `path` (at most 1 GiB).
[[nodiscard]] StatusOr<ParsedFeatures> ReadCsvColumns(const std::string& path, const CsvColumnsOptions& options);

}  // namespace tfcompat::data

#endif  // TFCOMPAT_DATA_CSV_COLUMNS_H_
