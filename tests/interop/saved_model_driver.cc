// SPDX-License-Identifier: Apache-2.0
// Test driver for test_saved_model.py: trains a canned Estimator on an
// Iris-style CSV (TF header row; features SepalLength, SepalWidth,
// PetalLength, PetalWidth) and exports its latest checkpoint as a
// SavedModel, printing the export's path.
//
//   saved_model_driver <dnn_classifier|dnn_regressor|linear_classifier|linear_regressor> <n_classes>
//                      <model_dir> <train_csv> <steps> <export_dir_base> <parsing|raw>
//
// steps 0 trains nothing (exports what model_dir holds). DNNs have hidden
// units [10, 10]; the seed is fixed.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tfcompat/data/csv_input.h"
#include "tfcompat/estimator/estimator.h"

namespace {

using namespace tfcompat;
using namespace tfcompat::estimator;

template <typename T>
T Check(StatusOr<T> value, const std::string& what) {
  if (!value.ok()) {
    std::cerr << what << ": " << value.status().ToString() << "\n";
    std::exit(2);
  }
  return std::move(value).value();
}

void Check(const Status& status, const std::string& what) {
  if (!status.ok()) {
    std::cerr << what << ": " << status.ToString() << "\n";
    std::exit(2);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::cerr << "usage: saved_model_driver MODEL N_CLASSES MODEL_DIR TRAIN_CSV STEPS EXPORT_DIR_BASE parsing|raw\n";
    return 2;
  }
  const std::string kind = argv[1], model_dir = argv[3], train_csv = argv[4], export_base = argv[6],
                    receiver_name = argv[7];
  const int n_classes = std::atoi(argv[2]);
  const int64_t steps = std::atoll(argv[5]);
  const std::vector<std::string> names = {"SepalLength", "SepalWidth", "PetalLength", "PetalWidth"};
  std::vector<model::NumericColumn> columns;
  for (const std::string& name : names) columns.emplace_back(name);
  RunConfig config;
  config.model_dir = model_dir;
  config.tf_random_seed = 3;
  const LogFn quiet = [](const std::string&) {};
  std::unique_ptr<Estimator> estimator;
  if (kind == "dnn_classifier") {
    model::DNNClassifierOptions options;
    options.feature_columns = columns;
    options.hidden_units = {10, 10};
    options.n_classes = n_classes;
    estimator = Check(Estimator::DNNClassifier(options, config, quiet), "DNNClassifier");
  } else if (kind == "dnn_regressor") {
    model::DNNRegressorOptions options;
    options.feature_columns = columns;
    options.hidden_units = {10, 10};
    estimator = Check(Estimator::DNNRegressor(options, config, quiet), "DNNRegressor");
  } else if (kind == "linear_classifier") {
    model::LinearClassifierOptions options;
    options.feature_columns = columns;
    options.n_classes = n_classes;
    estimator = Check(Estimator::LinearClassifier(options, config, quiet), "LinearClassifier");
  } else if (kind == "linear_regressor") {
    model::LinearRegressorOptions options;
    options.feature_columns = columns;
    estimator = Check(Estimator::LinearRegressor(options, config, quiet), "LinearRegressor");
  } else {
    std::cerr << "unknown model " << kind << "\n";
    return 2;
  }
  if (steps > 0) {
    data::CsvOptions csv;
    csv.layout = data::CsvLayout::kTfHeader;
    csv.feature_names = names;
    auto train = std::make_shared<const data::Dataset>(Check(data::ReadCsvDataset(train_csv, csv), train_csv));
    Check(estimator->Train(DatasetInputFn(train, {.batch_size = 32}), model::TrainSteps::Steps(steps)), "train");
  }
  const ServingReceiver receiver = receiver_name == "raw" ? ServingReceiver::kRaw : ServingReceiver::kParsing;
  std::cout << Check(estimator->ExportSavedModel(export_base, receiver), "export") << "\n";
  return 0;
}
