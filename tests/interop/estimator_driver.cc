// SPDX-License-Identifier: Apache-2.0
// Test driver for test_estimator.py: builds a canned model from a JSON
// config, optionally sets initial variable values, trains, evaluates and
// predicts, and prints every variable, the model's summaries of the first
// step (what TF's SummarySaverHook writes at global step 1, histograms
// bucketed as written), the metrics and the predictions as JSON, so the
// test can compare them with a real TF Estimator's.
//
//   estimator_driver config.json > result.json
//
// config: {"model": "dnn_classifier" | "dnn_regressor" | "linear_classifier" | "linear_regressor",
//          "feature_names": [...], "hidden_units": [...], "n_classes": n,
//          "activation": "relu", "optimizer": {"name": ..., "learning_rate": ...},
//          "train_csv": path, "eval_csv": path, "label_column": name,
//          "batch_size": n, "steps": n, "seed": n, "eval_batch_size": n,
//          "init": {"<variable>": [row-major values], ...}}
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "driver_util.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/data/csv_input.h"
#include "tfcompat/model/trainer.h"
#include "tfcompat/summary/summary_writer.h"

namespace {

using nlohmann::json;
using namespace tfcompat;
using namespace tfcompat::data;
using namespace tfcompat::model;
using tfcompat::interop::Check;

StatusOr<std::unique_ptr<Model>> BuildModel(const json& config) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<feature_column::FeatureColumn> columns,
                            feature_column::NumericColumns(config["feature_names"].get<std::vector<std::string>>()));
  const std::string kind = config["model"];
  std::optional<OptimizerOptions> optimizer;
  if (config.contains("optimizer")) {
    optimizer = OptimizerOptions{config["optimizer"]["name"], config["optimizer"]["learning_rate"]};
  }
  const uint64_t seed = config.value("seed", 1);
  Activation activation = Activation::kRelu;
  if (config.contains("activation"))
    activation = Check(ParseActivation(config["activation"].get<std::string>()), "activation");
  // The fields DNNClassifierOptions and DNNRegressorOptions share.
  const auto dnn = [&](auto options) {
    options.feature_columns = columns;
    options.hidden_units = config["hidden_units"].get<std::vector<int64_t>>();
    options.activation_fn = activation;
    if (optimizer) options.optimizer = *optimizer;
    return options;
  };
  if (kind == "dnn_classifier") {
    DNNClassifierOptions options = dnn(DNNClassifierOptions());
    options.n_classes = config["n_classes"];
    return NewDNNClassifier(options, seed);
  }
  if (kind == "dnn_regressor") return NewDNNRegressor(dnn(DNNRegressorOptions()), seed);
  if (kind == "linear_classifier") {
    LinearClassifierOptions options;
    options.feature_columns = columns;
    options.n_classes = config["n_classes"];
    options.optimizer = optimizer;
    return NewLinearClassifier(options);
  }
  if (kind == "linear_regressor") {
    LinearRegressorOptions options;
    options.feature_columns = columns;
    options.optimizer = optimizer;
    return NewLinearRegressor(options);
  }
  return InvalidArgumentError("unknown model " + kind);
}

std::shared_ptr<const Dataset> Load(const json& config, const std::string& key) {
  CsvOptions options;
  options.feature_names = config["feature_names"].get<std::vector<std::string>>();
  options.n_classes = config.value("n_classes", 0);
  if (config.contains("label_column")) {
    options.layout = CsvLayout::kColumnNames;
    options.label_column = config["label_column"];
  }
  return std::make_shared<const Dataset>(Check(ReadCsvDataset(config[key], options), key));
}

json VariablesJson(VariableStore& store) {
  json out = json::object();
  for (const VariableRef& v : store.List()) {
    json entry;
    entry["shape"] = std::vector<int64_t>(v.shape.begin(), v.shape.end());
    if (const auto* f = std::get_if<std::span<float>>(&v.values)) {
      entry["dtype"] = "float32";
      entry["values"] = std::vector<float>(f->begin(), f->end());
    } else {
      const auto& i = std::get<std::span<int64_t>>(v.values);
      entry["dtype"] = "int64";
      entry["values"] = std::vector<int64_t>(i.begin(), i.end());
    }
    out[std::string(v.name)] = entry;
  }
  return out;
}

// The model's summaries after global step 1, as JSON: a number for a
// scalar, the HistogramProto fields for a histogram.
class FirstStepSummaries final : public TrainHook {
 public:
  explicit FirstStepSummaries(const Model& model) : model_(model) {}

  Status AfterStep(const StepResult& result, bool*) override {
    if (result.global_step != 1) return OkStatus();
    for (const ModelSummary& summary : model_.TrainingSummaries()) {
      if (const float* scalar = std::get_if<float>(&summary.value)) {
        json_[summary.tag] = *scalar;
        continue;
      }
      const HistogramData h = HistogramData::FromValues(std::get<std::vector<double>>(summary.value));
      json_[summary.tag] = {{"min", h.min},
                            {"max", h.max},
                            {"num", h.num},
                            {"sum", h.sum},
                            {"sum_squares", h.sum_squares},
                            {"bucket_limit", h.bucket_limits},
                            {"bucket", h.bucket_counts}};
    }
    return OkStatus();
  }

  const json& result() const { return json_; }

 private:
  const Model& model_;
  json json_ = json::object();
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: estimator_driver config.json\n";
    return 1;
  }
  std::ifstream in(argv[1]);
  const json config = json::parse(in);
  auto trainer =
      Check(Trainer::Create(Check(BuildModel(config), "model"), nullptr, config.value("seed", 1)), "trainer");
  if (config.contains("init")) {
    for (const auto& [name, values] : config["init"].items()) {
      const VariableRef v = Check(trainer->variables().Find(name), "init");
      const auto target = std::get<std::span<float>>(v.values);
      const std::vector<float> given = values.get<std::vector<float>>();
      if (given.size() != target.size()) {
        std::cerr << "init: " << name << " has " << target.size() << " values, got " << given.size() << "\n";
        return 2;
      }
      std::copy(given.begin(), given.end(), target.begin());
    }
  }
  const int64_t batch_size = config["batch_size"];
  auto train = Check(DatasetBatches::Create(Load(config, "train_csv"), {.batch_size = batch_size, .shuffle = false}),
                     "train input");
  FirstStepSummaries summaries(trainer->model());
  TrainHook* const hooks[] = {&summaries};
  Check(trainer->Train(train.get(), TrainSteps::Steps(config["steps"]), hooks), "train");

  const auto eval_data = Load(config, "eval_csv");
  const int64_t eval_batch_size = config.value("eval_batch_size", eval_data->num_rows());
  auto eval =
      Check(DatasetBatches::Create(eval_data, {.batch_size = eval_batch_size, .shuffle = false, .num_epochs = 1}),
            "eval input");
  json result;
  result["variables"] = VariablesJson(trainer->variables());
  result["summaries"] = summaries.result();
  result["eval"] = Check(trainer->Evaluate(eval.get(), std::nullopt), "evaluate");
  Batch batch;
  Check(eval->Next(&batch).code() == StatusCode::kOutOfRange ? OkStatus() : InternalError("eval not exhausted"),
        "eval");
  auto all =
      Check(DatasetBatches::Create(eval_data, {.batch_size = eval_data->num_rows(), .shuffle = false, .num_epochs = 1}),
            "predict input");
  Check(all->Next(&batch), "predict input");
  const Predictions p = Check(trainer->Predict(batch), "predict");
  result["predictions"] = {{"logits", p.logits},   {"probabilities", p.probabilities}, {"class_ids", p.class_ids},
                           {"classes", p.classes}, {"logistic", p.logistic},           {"predictions", p.predictions}};
  std::cout << result.dump() << "\n";
  return 0;
}
