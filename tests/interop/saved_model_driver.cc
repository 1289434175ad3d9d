// SPDX-License-Identifier: Apache-2.0
// Test driver for the SavedModel interop tests (saved_model_common.py):
// trains a canned Estimator on an Iris-style CSV (TF header row; features
// SepalLength, SepalWidth, PetalLength, PetalWidth), exports its latest
// checkpoint as a SavedModel and, given --predict, runs Estimator::Predict
// on a CSV of the same layout: the reference the exports' outputs are
// checked against.
//
//   saved_model_driver <dnn_classifier|dnn_regressor|linear_classifier> <n_classes>
//                      <model_dir> <train_csv> <steps> <export_dir_base> <parsing|raw>
//                      [--vocabulary NAME,NAME,...] [--predict CSV]
//
// Prints one JSON object: {"export": "<export path>"}, with --predict also
// "predictions": {"logits": [[...], ...], "probabilities", "class_ids",
// "classes", "logistic" (binary), "predictions" (regressor)}: one row per
// example, named and shaped as the `predict` signature's outputs.
// steps 0 trains nothing (exports what model_dir holds). DNNs have hidden
// units [10, 10]; the seed is fixed. --vocabulary sets the classifier's
// label_vocabulary (the CSV's labels stay class ids).
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tfcompat/data/csv_input.h"
#include "tfcompat/estimator/estimator.h"

namespace {

using namespace tfcompat;
using namespace tfcompat::estimator;
using nlohmann::json;

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

[[noreturn]] void Usage() {
  std::cerr << "usage: saved_model_driver MODEL N_CLASSES MODEL_DIR TRAIN_CSV STEPS EXPORT_DIR_BASE parsing|raw "
               "[--vocabulary NAME,...] [--predict CSV]\n";
  std::exit(2);
}

const std::vector<std::string> kNames = {"SepalLength", "SepalWidth", "PetalLength", "PetalWidth"};

std::shared_ptr<const data::Dataset> ReadIris(const std::string& path) {
  data::CsvOptions csv;
  csv.layout = data::CsvLayout::kTfHeader;
  csv.feature_names = kNames;
  return std::make_shared<const data::Dataset>(Check(data::ReadCsvDataset(path, csv), path));
}

// `values` [rows * columns] as rows of `columns`.
template <typename T>
json Rows(const std::vector<T>& values, int64_t columns) {
  json rows = json::array();
  for (size_t i = 0; i < values.size(); i += static_cast<size_t>(columns)) {
    rows.push_back(std::vector<T>(values.begin() + static_cast<std::ptrdiff_t>(i),
                                  values.begin() + static_cast<std::ptrdiff_t>(i) + columns));
  }
  return rows;
}

// The predictions of every batch, concatenated, under the predict
// signature's names.
json PredictionsJson(const std::vector<model::Predictions>& batches, bool regressor) {
  model::Predictions all;
  for (const model::Predictions& p : batches) {
    all.logits_dimension = p.logits_dimension;
    all.logits.insert(all.logits.end(), p.logits.begin(), p.logits.end());
    all.logistic.insert(all.logistic.end(), p.logistic.begin(), p.logistic.end());
    all.probabilities.insert(all.probabilities.end(), p.probabilities.begin(), p.probabilities.end());
    all.class_ids.insert(all.class_ids.end(), p.class_ids.begin(), p.class_ids.end());
    all.classes.insert(all.classes.end(), p.classes.begin(), p.classes.end());
    all.predictions.insert(all.predictions.end(), p.predictions.begin(), p.predictions.end());
  }
  if (regressor) return {{"predictions", Rows(all.predictions, 1)}};
  json out = {{"logits", Rows(all.logits, all.logits_dimension)},
              {"class_ids", Rows(all.class_ids, 1)},
              {"classes", Rows(all.classes, 1)}};
  const int64_t n_classes = static_cast<int64_t>(all.probabilities.size() / all.class_ids.size());
  out["probabilities"] = Rows(all.probabilities, n_classes);
  if (!all.logistic.empty()) out["logistic"] = Rows(all.logistic, 1);
  return out;
}

std::vector<std::string> Split(const std::string& list) {
  std::vector<std::string> parts;
  std::stringstream in(list);
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  return parts;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 8) Usage();
  const std::string kind = argv[1], model_dir = argv[3], train_csv = argv[4], export_base = argv[6],
                    receiver_name = argv[7];
  const int n_classes = std::atoi(argv[2]);
  const int64_t steps = std::atoll(argv[5]);
  std::vector<std::string> vocabulary;
  std::string predict_csv;
  for (int i = 8; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 == argc) Usage();
    if (flag == "--vocabulary") {
      vocabulary = Split(argv[i + 1]);
    } else if (flag == "--predict") {
      predict_csv = argv[i + 1];
    } else {
      Usage();
    }
  }
  std::vector<model::NumericColumn> columns;
  for (const std::string& name : kNames) columns.emplace_back(name);
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
    options.label_vocabulary = vocabulary;
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
    options.label_vocabulary = vocabulary;
    estimator = Check(Estimator::LinearClassifier(options, config, quiet), "LinearClassifier");
  } else {
    std::cerr << "unknown model " << kind << "\n";
    return 2;
  }
  if (steps > 0) {
    const InputFn input_fn = DatasetInputFn(ReadIris(train_csv), {.batch_size = 32});
    Check(estimator->Train(input_fn, model::TrainSteps::Steps(steps)), "train");
  }
  const ServingReceiver receiver = receiver_name == "raw" ? ServingReceiver::kRaw : ServingReceiver::kParsing;
  json out = {{"export", Check(estimator->ExportSavedModel(export_base, receiver), "export")}};
  if (!predict_csv.empty()) {
    const InputFn input_fn =
        DatasetInputFn(ReadIris(predict_csv), {.batch_size = 64, .shuffle = false, .num_epochs = 1});
    out["predictions"] = PredictionsJson(Check(estimator->Predict(input_fn), "predict"), kind == "dnn_regressor");
  }
  std::cout << out.dump() << "\n";
  return 0;
}
