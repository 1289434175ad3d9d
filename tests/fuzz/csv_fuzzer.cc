// SPDX-License-Identifier: Apache-2.0
// Fuzzes the CSV reader (ParseCsvDataset) under each of its layouts and
// label modes, labelled or not. A parsed dataset must be consistent: rows *
// features values, every one finite, a label per row (none unlabelled),
// class ids within [0, n_classes); and batches of it come out whole. Seeds:
// data/*.csv and corpus/csv_fuzzer.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/data/csv_input.h"

namespace {

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<CsvOptions> all_options = AllOptions();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
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
