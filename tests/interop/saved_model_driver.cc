// SPDX-License-Identifier: Apache-2.0
// Test driver for the SavedModel tests (saved_model_common.py) and
// test_onnx.py: trains a canned Estimator on an Iris-style CSV (TF header
// row; features SepalLength, SepalWidth, PetalLength, PetalWidth) and exports
// its latest checkpoint as a SavedModel (receiver parsing or raw) or as ONNX,
// printing the export's path.
//
//   saved_model_driver <dnn_classifier|dnn_regressor|linear_classifier|linear_regressor>
//                      <n_classes>
//                      <model_dir> <train_csv> <steps> <export_dir_base> <parsing|raw|onnx>
//                      [--activation=<relu|relu6|elu|tanh|sigmoid|linear>] [--dropout=<p>]
//                      [--label_vocabulary=<name>,<name>,...] [--predict_csv=<csv>]
//
// steps 0 trains nothing (exports what model_dir holds). DNNs have hidden
// units [10, 10], ReLU and no dropout unless told; the seed is fixed.
// --label_vocabulary names a classifier's classes (the CSV's labels stay
// class ids). With --predict_csv (the same layout), a second line follows
// the path: our Estimator::Predict on that file's rows as JSON,
// {"logits": [[...], ...], "probabilities", "class_ids", "classes",
// "logistic", "predictions"} (the fields the model has), floats exactly
// (shortest round-trip).
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "driver_util.h"
#include "tfcompat/data/csv_input.h"
#include "tfcompat/estimator/estimator.h"

namespace {

using namespace tfcompat;
using namespace tfcompat::estimator;
using tfcompat::interop::Check;

// The value of `--name=value` in argv[first...], if given.
std::optional<std::string> Flag(int argc, char** argv, int first, std::string_view name) {
  const std::string prefix = "--" + std::string(name) + "=";
  for (int i = first; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with(prefix)) return std::string(arg.substr(prefix.size()));
  }
  return std::nullopt;
}

// The names of a comma-separated list.
std::vector<std::string> SplitList(const std::string& list) {
  std::vector<std::string> names;
  std::stringstream in(list);
  for (std::string name; std::getline(in, name, ',');) names.push_back(name);
  return names;
}

// Rows of `values` (row-major, `width` per row).
template <typename T>
nlohmann::json Rows(const std::vector<T>& values, int64_t width) {
  nlohmann::json rows = nlohmann::json::array();
  for (size_t i = 0; i < values.size(); i += static_cast<size_t>(width)) {
    rows.push_back(std::vector<T>(values.begin() + static_cast<std::ptrdiff_t>(i),
                                  values.begin() + static_cast<std::ptrdiff_t>(i) + width));
  }
  return rows;
}

nlohmann::json PredictionsJson(const std::vector<model::Predictions>& batches) {
  model::Predictions all;
  for (const model::Predictions& p : batches) {
    all.logits_dimension = p.logits_dimension;
    all.logits.insert(all.logits.end(), p.logits.begin(), p.logits.end());
    all.probabilities.insert(all.probabilities.end(), p.probabilities.begin(), p.probabilities.end());
    all.class_ids.insert(all.class_ids.end(), p.class_ids.begin(), p.class_ids.end());
    all.classes.insert(all.classes.end(), p.classes.begin(), p.classes.end());
    all.logistic.insert(all.logistic.end(), p.logistic.begin(), p.logistic.end());
    all.predictions.insert(all.predictions.end(), p.predictions.begin(), p.predictions.end());
  }
  nlohmann::json json = nlohmann::json::object();
  if (!all.logits.empty()) json["logits"] = Rows(all.logits, all.logits_dimension);
  if (!all.probabilities.empty()) {
    json["probabilities"] =
        Rows(all.probabilities, static_cast<int64_t>(all.probabilities.size() / all.class_ids.size()));
  }
  if (!all.class_ids.empty()) json["class_ids"] = all.class_ids;
  if (!all.classes.empty()) json["classes"] = all.classes;
  if (!all.logistic.empty()) json["logistic"] = all.logistic;
  if (!all.predictions.empty()) json["predictions"] = all.predictions;
  return json;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 8) {
    std::cerr << "usage: saved_model_driver MODEL N_CLASSES MODEL_DIR TRAIN_CSV STEPS EXPORT_DIR_BASE parsing|raw|onnx "
                 "[--activation=NAME] [--dropout=P] [--label_vocabulary=NAME,...] [--predict_csv=CSV]\n";
    return 2;
  }
  const std::string kind = argv[1], model_dir = argv[3], train_csv = argv[4], export_base = argv[6],
                    receiver_name = argv[7];
  const int n_classes = std::atoi(argv[2]);
  const int64_t steps = std::atoll(argv[5]);
  const std::optional<std::string> activation = Flag(argc, argv, 8, "activation");
  const std::optional<std::string> dropout = Flag(argc, argv, 8, "dropout");
  const std::optional<std::string> predict_csv = Flag(argc, argv, 8, "predict_csv");
  const std::vector<std::string> vocabulary = SplitList(Flag(argc, argv, 8, "label_vocabulary").value_or(""));
  const std::vector<std::string> names = {"SepalLength", "SepalWidth", "PetalLength", "PetalWidth"};
  const std::vector<feature_column::FeatureColumn> columns =
      Check(feature_column::NumericColumns(names), "feature columns");
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
    if (activation) options.activation_fn = Check(model::ParseActivation(*activation), "activation");
    if (dropout) options.dropout = std::stof(*dropout);
    options.label_vocabulary = vocabulary;
    estimator = Check(Estimator::DNNClassifier(options, config, quiet), "DNNClassifier");
  } else if (kind == "dnn_regressor") {
    model::DNNRegressorOptions options;
    options.feature_columns = columns;
    options.hidden_units = {10, 10};
    if (activation) options.activation_fn = Check(model::ParseActivation(*activation), "activation");
    if (dropout) options.dropout = std::stof(*dropout);
    estimator = Check(Estimator::DNNRegressor(options, config, quiet), "DNNRegressor");
  } else if (kind == "linear_classifier") {
    model::LinearClassifierOptions options;
    options.feature_columns = columns;
    options.n_classes = n_classes;
    options.label_vocabulary = vocabulary;
    estimator = Check(Estimator::LinearClassifier(options, config, quiet), "LinearClassifier");
  } else if (kind == "linear_regressor") {
    model::LinearRegressorOptions options;
    options.feature_columns = columns;
    estimator = Check(Estimator::LinearRegressor(options, config, quiet), "LinearRegressor");
  } else {
    std::cerr << "unknown model " << kind << "\n";
    return 2;
  }
  data::CsvOptions csv;
  csv.layout = data::CsvLayout::kTfHeader;
  csv.feature_names = names;
  if (steps > 0) {
    auto train = std::make_shared<const data::Dataset>(Check(data::ReadCsvDataset(train_csv, csv), train_csv));
    Check(estimator->Train(DatasetInputFn(train, {.batch_size = 32}), model::TrainSteps::Steps(steps)), "train");
  }
  if (receiver_name == "onnx") {
    std::cout << Check(estimator->ExportOnnx(export_base), "export") << "\n";
  } else {
    const ServingReceiver receiver = receiver_name == "raw" ? ServingReceiver::kRaw : ServingReceiver::kParsing;
    std::cout << Check(estimator->ExportSavedModel(export_base, receiver), "export") << "\n";
  }
  if (predict_csv) {
    auto rows = std::make_shared<const data::Dataset>(Check(data::ReadCsvDataset(*predict_csv, csv), *predict_csv));
    const auto predictions = Check(
        estimator->Predict(DatasetInputFn(rows, {.batch_size = 1000, .shuffle = false, .num_epochs = 1})), "predict");
    std::cout << PredictionsJson(predictions).dump() << "\n";
  }
  return 0;
}
