// SPDX-License-Identifier: Apache-2.0
// CSV files into a Dataset (see dataset.h).
//
// The text is RFC 4180 CSV: fields separated by commas, records by LF or
// CRLF. A field in double quotes may hold commas, line breaks and doubled
// quotes ("" stands for one quote); spaces around an unquoted field, and
// around the quotes of a quoted one, are dropped. Blank lines are skipped.
//
// Three layouts:
//
//   kTfHeader (TF's Iris files, tf.contrib.learn load_csv_with_header):
//       120,4,setosa,versicolor,virginica      <- rows, features, class names
//       6.4,2.8,5.6,2.2,2                      <- features..., class id
//   kColumnNames (an ordinary header row, columns in any order):
//       Species,SepalLength,SepalWidth,PetalLength,PetalWidth
//       virginica,6.4,2.8,5.6,2.2
//   kNoHeader (rows only):
//       6.4,2.8,5.6,2.2,2                      <- features..., label
//
// kAuto picks kTfHeader when the first record's first two fields are
// integers and it is not a row of numbers (it names classes, or its first
// field is the count of the records after it); kNoHeader when it is a row
// of numbers; kColumnNames otherwise.
//
// Labels, in this order of precedence:
//   regression         any finite number;
//   kTfHeader          class ids in [0, n): n is the size of
//                      label_vocabulary, else n_classes, else the count of
//                      the classes the header names (which label_vocabulary,
//                      when given, must equal);
//   label_vocabulary   strings, mapped to their index (TF's label_vocabulary);
//   n_classes > 0      class ids in [0, n_classes);
//   otherwise          any finite number.
// Errors name the file, the 1-based line (of the record's start) and
// column, and what was expected:
//   "iris.csv:7: column 3 (PetalLength): expected a number, got 'abc'".
#ifndef TFCOMPAT_DATA_CSV_INPUT_H_
#define TFCOMPAT_DATA_CSV_INPUT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/data/dataset.h"

namespace tfcompat::data {

enum class CsvLayout { kAuto, kTfHeader, kColumnNames, kNoHeader };

struct CsvOptions {
  CsvLayout layout = CsvLayout::kAuto;
  // The feature columns. kColumnNames: the columns to read, picked by name,
  // in this order; empty: every column but the label, in the file's order.
  // kTfHeader and kNoHeader: the names of the first columns, which are the
  // features; empty: "x0", "x1", ... (kNoHeader: as many as the first row
  // has fields, the label aside).
  std::vector<std::string> feature_names;
  // kColumnNames: the label column's name; empty means the last column (or,
  // unlabelled, no column). The other layouts have the label last, and
  // ignore it.
  std::string label_column;
  // False reads the features alone (examples to predict): a label column,
  // where the file has one, is skipped; the Dataset's labels are empty.
  // kTfHeader and kNoHeader rows may then end after the features.
  bool labelled = true;
  // Labels are any finite number; n_classes and label_vocabulary unset.
  bool regression = false;
  // Class ids in [0, n_classes) when > 0 (see the precedence above).
  int n_classes = 0;
  // When set, the class names (id = index): labels are these strings, or,
  // in TF's layout, ids of them.
  std::vector<std::string> label_vocabulary;
};

// Parses CSV text; `file_name` is used in error messages only.
[[nodiscard]] StatusOr<Dataset> ParseCsvDataset(std::string_view contents, std::string_view file_name,
                                                const CsvOptions& options);

// Reads and parses the file at `path` (at most 1 GiB).
[[nodiscard]] StatusOr<Dataset> ReadCsvDataset(const std::string& path, const CsvOptions& options);

}  // namespace tfcompat::data

#endif  // TFCOMPAT_DATA_CSV_INPUT_H_
