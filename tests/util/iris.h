// SPDX-License-Identifier: Apache-2.0
// The Iris data of the repository (data/iris_training.csv, data/iris_test.csv,
// in the layout of TensorFlow's premade-Estimator tutorial) and the
// tutorial's DNNClassifier over it. Needs TFCOMPAT_REPO_DATA, the path of
// data/ (a compile definition of tfcompat_test_util). Free of Boost.Test,
// so that the crash torture program uses it too.
#ifndef TFCOMPAT_TESTS_UTIL_IRIS_H_
#define TFCOMPAT_TESTS_UTIL_IRIS_H_

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tfcompat/data/csv_input.h"
#include "tfcompat/model/model.h"

namespace tfcompat::testing {

// The four features, in the files' column order.
inline const std::vector<std::string> kIrisFeatures = {"SepalLength", "SepalWidth", "PetalLength", "PetalWidth"};

// The path of `file` in the repository's data/ folder.
inline std::string RepoDataPath(const std::string& file) { return std::string(TFCOMPAT_REPO_DATA) + "/" + file; }

// Reads the Iris files: their header names no features, so these name them.
inline data::CsvOptions IrisCsvOptions() {
  data::CsvOptions options;
  options.feature_names = kIrisFeatures;
  return options;
}

// data/`file` (iris_training.csv or iris_test.csv). A file that does not
// read throws std::runtime_error with the error, which fails the test case.
inline std::shared_ptr<const data::Dataset> ReadIris(const std::string& file) {
  StatusOr<data::Dataset> data = data::ReadCsvDataset(RepoDataPath(file), IrisCsvOptions());
  if (!data.ok()) throw std::runtime_error(data.status().ToString());
  return std::make_shared<const data::Dataset>(*std::move(data));
}

// One numeric column per feature.
inline std::vector<feature_column::FeatureColumn> IrisColumns() {
  return feature_column::NumericColumns(kIrisFeatures).value();
}

// The tutorial's classifier of the three species: two hidden layers of 10
// units unless told otherwise, TF's other defaults.
inline model::DNNClassifierOptions IrisClassifierOptions(std::vector<int64_t> hidden_units = {10, 10}) {
  model::DNNClassifierOptions options;
  options.feature_columns = IrisColumns();
  options.hidden_units = std::move(hidden_units);
  options.n_classes = 3;
  return options;
}

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_IRIS_H_
