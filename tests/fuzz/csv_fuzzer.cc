// SPDX-License-Identifier: Apache-2.0
// Fuzzes the CSV readers. ParseCsvDataset, under each of its layouts and
// label modes, labelled or not: a parsed dataset must be consistent: rows *
// features values, every one finite, a label per row (none unlabelled),
// class ids within [0, n_classes); and batches of it come out whole.
// ParseCsvColumns, with typed columns, defaults, na_value, select_cols and
// the delimiter options: every column a Tensor [rows] of its dtype, keyed
// by a distinct name, no float32 subnormal; and the text read as strings
// only fails when a typed read of it fails for a reason that is not a
// value. Seeds: data/*.csv and corpus/csv_fuzzer.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/data/csv_columns.h"
#include "tfcompat/data/csv_input.h"

namespace {

using tfcompat::DataType;
using tfcompat::data::CsvColumn;
using tfcompat::data::CsvColumnsOptions;
using tfcompat::data::CsvLayout;
using tfcompat::data::CsvOptions;

std::vector<CsvOptions> AllOptions() {
  std::vector<CsvOptions> all(8);
  all[1].feature_names = {"SepalLength", "SepalWidth", "PetalLength", "PetalWidth"};
  all[1].n_classes = 3;
  all[2].layout = CsvLayout::kColumnNames;
  all[2].label_column = "label";
  all[3].layout = CsvLayout::kColumnNames;
  all[3].label_vocabulary = {"setosa", "versicolor", "virginica"};
  all[4].layout = CsvLayout::kTfHeader;
  all[4].n_classes = 2;
  all[5].labelled = false;
  all[5].feature_names = {"SepalLength", "SepalWidth"};
  all[5].label_column = "Species";
  all[6].regression = true;
  all[6].layout = CsvLayout::kNoHeader;
  all[7].label_vocabulary = {"setosa", "versicolor", "virginica"};
  all[7].feature_names = {"b", "a"};
  return all;
}

std::vector<CsvColumnsOptions> AllColumnsOptions() {
  std::vector<CsvColumnsOptions> all(4);
  all[0].record_defaults = {CsvColumn::Float(0), CsvColumn::Float(0), CsvColumn::Float(0), CsvColumn::Float(0),
                            CsvColumn::Int64(-1)};
  all[1].record_defaults = {CsvColumn::String("none"), CsvColumn::Int64(0), CsvColumn::Required(DataType::kFloat),
                            CsvColumn::Double(1.5)};
  all[1].header = true;
  all[1].na_value = "NA";
  all[2].record_defaults = {CsvColumn::Required(DataType::kInt32), CsvColumn::Required(DataType::kString)};
  all[2].select_cols = {0, 2};
  all[2].header = true;
  all[3].record_defaults = {CsvColumn::String(""), CsvColumn::Double(0), CsvColumn::Int32(7)};
  all[3].field_delim = ';';
  all[3].use_quote_delim = false;
  return all;
}

// The same columns, every one a string that may be missing: the fields'
// values no longer matter, only the text's structure.
CsvColumnsOptions AsStrings(CsvColumnsOptions options) {
  for (CsvColumn& column : options.record_defaults) column = CsvColumn::String("");
  return options;
}

void CheckColumns(std::string_view text, const CsvColumnsOptions& options) {
  const auto parsed = tfcompat::data::ParseCsvColumns(text, "fuzz.csv", options);
  const auto as_strings = tfcompat::data::ParseCsvColumns(text, "fuzz.csv", AsStrings(options));
  if (parsed.ok() && !as_strings.ok()) __builtin_trap();
  if (!parsed.ok()) return;
  const int64_t rows = parsed->batch_size;
  if (rows < 0 || !parsed->sparse.empty() || parsed->dense.size() != options.record_defaults.size()) __builtin_trap();
  if (as_strings->batch_size != rows) __builtin_trap();
  for (const auto& [name, tensor] : parsed->dense) {
    if (name.empty() || tensor.shape() != tfcompat::TensorShape{rows} || tensor.num_elements() != rows) {
      __builtin_trap();
    }
    if (tensor.dtype() == DataType::kString) {
      if (static_cast<int64_t>(tensor.strings().size()) != rows) __builtin_trap();
    } else if (tensor.dtype() == DataType::kFloat) {
      for (float v : tensor.flat<float>()) {
        if (std::fpclassify(v) == FP_SUBNORMAL) __builtin_trap();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<CsvOptions> all_options = AllOptions();
  static const std::vector<CsvColumnsOptions> all_columns_options = AllColumnsOptions();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const CsvColumnsOptions& options : all_columns_options) CheckColumns(text, options);
  for (const CsvOptions& options : all_options) {
    auto dataset = tfcompat::data::ParseCsvDataset(text, "fuzz.csv", options);
    if (!dataset.ok()) continue;
    const size_t width = dataset->feature_names->size();
    const size_t rows = static_cast<size_t>(dataset->num_rows());
    if (rows == 0 || width == 0 || dataset->features.size() != rows * width) __builtin_trap();
    if (dataset->labels.size() != (options.labelled ? rows : 0)) __builtin_trap();
    for (float v : dataset->features) {
      if (!std::isfinite(v)) __builtin_trap();
    }
    const int n_classes = !options.label_vocabulary.empty() ? static_cast<int>(options.label_vocabulary.size())
                          : options.n_classes > 0           ? options.n_classes
                                                            : static_cast<int>(dataset->class_names.size());
    for (float label : dataset->labels) {
      if (!std::isfinite(label)) __builtin_trap();
      // Classification (a class count known from the options or a TF
      // header): the label is an id in range.
      if (n_classes > 0 && (label < 0 || label >= static_cast<float>(n_classes) || label != std::floor(label))) {
        __builtin_trap();
      }
    }
    auto batches =
        tfcompat::data::DatasetBatches::Create(std::make_shared<const tfcompat::data::Dataset>(std::move(*dataset)),
                                               {.batch_size = 7, .shuffle = true, .seed = 1, .num_epochs = 1});
    if (!batches.ok()) __builtin_trap();
    tfcompat::data::Batch batch;
    size_t seen = 0;
    while ((*batches)->Next(&batch).ok()) {
      if (batch.features.size() != static_cast<size_t>(batch.size) * width) __builtin_trap();
      seen += static_cast<size_t>(batch.size);
    }
    if (seen != rows) __builtin_trap();
  }
  return 0;
}
