// SPDX-License-Identifier: Apache-2.0
// CSV files into a Dataset (see dataset.h).
//
// Two CSV layouts are read:
//
//   kTfHeader (TF's Iris files, tf.contrib.learn load_csv_with_header):
//       120,4,setosa,versicolor,virginica      <- rows, features, class names
//       6.4,2.8,5.6,2.2,2                      <- features..., class id
//   kColumnNames (an ordinary header row):
//       SepalLength,SepalWidth,PetalLength,PetalWidth,Species
//       6.4,2.8,5.6,2.2,2
//
// kAuto picks kTfHeader when the first two fields of the first line are
// integers. Labels are class ids in [0, n_classes) for classification (or
// names looked up in `label_vocabulary`), any number for regression.
// Errors name the file, the 1-based line and column, and what was expected:
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

enum class CsvLayout { kAuto, kTfHeader, kColumnNames };

struct CsvOptions {
  CsvLayout layout = CsvLayout::kAuto;
  // kTfHeader files carry no column names: give one per feature, or leave
  // empty for "x0", "x1", ... (kColumnNames: taken from the header row).
  std::vector<std::string> feature_names;
  // kColumnNames: the label column's name; empty means the last column.
  std::string label_column;
  // Classification when > 0: labels must be ids in [0, n_classes). With
  // kTfHeader, 0 means "as many classes as the header names"; with
  // kColumnNames, 0 means regression (labels are any finite number).
  int n_classes = 0;
  // When set, labels are these strings (id = index) instead of numbers.
  std::vector<std::string> label_vocabulary;
};

// Parses CSV text; `file_name` is used in error messages only.
[[nodiscard]] StatusOr<Dataset> ParseCsvDataset(std::string_view contents, std::string_view file_name,
                                                const CsvOptions& options);

// Reads and parses the file at `path` (at most 1 GiB).
[[nodiscard]] StatusOr<Dataset> ReadCsvDataset(const std::string& path, const CsvOptions& options);

}  // namespace tfcompat::data

#endif  // TFCOMPAT_DATA_CSV_INPUT_H_
