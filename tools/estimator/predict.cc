// SPDX-License-Identifier: Apache-2.0
// estimator predict [--predict ROW]... [--predict_csv FILE] [--json]
// [model flags]: what model_dir's latest checkpoint predicts for each
// example, as a table or as JSON Lines with the keys of TF's predict(). A
// prediction file is read as the model reads its training file (its
// feature columns by name from a header row, or by position), its label
// column, if any, skipped. With --saved_model DIR the SavedModel's predict
// signature predicts instead (saved_model_predict.h), printed alike.
#include "commands.h"
#include "common.h"
#include "model_setup.h"
#include "number_format.h"
#include "output.h"
#include "saved_model_predict.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::estimator_tool {
namespace {

// Values [begin, end) of `values`: a JSON array, and its text ("0.1,0.9").
nlohmann::json FloatsJson(const std::vector<float>& values, size_t begin, size_t end) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t k = begin; k < end; ++k) out.push_back(cli::NumberJson(values[k]));
  return out;
}
std::string FloatsText(const std::vector<float>& values, size_t begin, size_t end) {
  std::string out;
  for (size_t k = begin; k < end; ++k) {
    if (k > begin) out += ",";
    out += cli::FormatNumber(values[k]);
  }
  return out;
}

// Example `i` of `p` with the keys of TF's predictions: a classifier's
// logits, logistic (binary heads), probabilities, class_ids, classes,
// all_class_ids, all_classes; a regressor's predictions.
nlohmann::json PredictionJson(const model::Predictions& p, size_t i, const std::vector<std::string>& all_classes) {
  if (p.class_ids.empty()) {
    const size_t dimension = p.predictions.size() / static_cast<size_t>(p.batch_size);
    return {{"predictions", FloatsJson(p.predictions, i * dimension, (i + 1) * dimension)}};
  }
  const auto logits_dimension = static_cast<size_t>(p.logits_dimension);
  const size_t n_classes = all_classes.size();
  nlohmann::json json = {{"logits", FloatsJson(p.logits, i * logits_dimension, (i + 1) * logits_dimension)}};
  if (!p.logistic.empty()) json["logistic"] = FloatsJson(p.logistic, i, i + 1);
  json["probabilities"] = FloatsJson(p.probabilities, i * n_classes, (i + 1) * n_classes);
  json["class_ids"] = nlohmann::json::array({p.class_ids[i]});
  json["classes"] = nlohmann::json::array({p.classes[i]});
  nlohmann::json ids = nlohmann::json::array();
  for (size_t c = 0; c < n_classes; ++c) ids.push_back(c);
  json["all_class_ids"] = std::move(ids);
  json["all_classes"] = all_classes;
  return json;
}

// Example `i` of `p` as a table row: class, class_id, probability,
// probabilities (comma-separated); a regressor's prediction.
std::vector<std::string> PredictionRow(const model::Predictions& p, size_t i, size_t n_classes) {
  if (p.class_ids.empty()) {
    const size_t dimension = p.predictions.size() / static_cast<size_t>(p.batch_size);
    return {FloatsText(p.predictions, i * dimension, (i + 1) * dimension)};
  }
  const auto id = static_cast<size_t>(p.class_ids[i]);
  return {p.classes[i], std::to_string(id), cli::FormatNumber(p.probabilities[i * n_classes + id]),
          FloatsText(p.probabilities, i * n_classes, (i + 1) * n_classes)};
}

// The class names TF's all_classes lists: the model's label vocabulary,
// otherwise the ids as text.
std::vector<std::string> AllClasses(const ModelRecord& record, size_t n_classes) {
  if (record.label_vocabulary.size() == n_classes) return record.label_vocabulary;
  std::vector<std::string> names;
  for (size_t c = 0; c < n_classes; ++c) names.push_back(std::to_string(c));
  return names;
}

// The input of the examples to predict, without labels: for wide & deep the
// files'; for the numeric models `rows` (the inline ones, parsed), then the
// file's.
StatusOr<estimator::InputFn> PredictInput(const PredictOptions& options, std::shared_ptr<data::Dataset> rows,
                                          ToolModel* model) {
  const data::BatchOptions batches = {.batch_size = options.model.batch_size, .shuffle = false, .num_epochs = 1};
  if (ReadsFeatureColumnSpec(model->record))
    return ModelInputFn(options.predict_csv, /*labelled=*/false, batches, model);
  if (!options.predict_csv.empty()) {
    TFCOMPAT_ASSIGN_OR_RETURN(std::shared_ptr<const data::Dataset> file,
                              ReadData(options.predict_csv, /*labelled=*/false, model));
    rows->features.insert(rows->features.end(), file->features.begin(), file->features.end());
  }
  return estimator::DatasetInputFn(std::move(rows), batches);
}

// Prints `predictions` as the table or, with `json`, JSON Lines.
void PrintPredictions(const std::vector<model::Predictions>& predictions, const std::vector<std::string>& all_classes,
                      bool json, std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const model::Predictions& p : predictions) {
    for (size_t i = 0; i < static_cast<size_t>(p.batch_size); ++i) {
      if (json) {
        cli::PrintJsonLine(out, PredictionJson(p, i, all_classes));
      } else {
        rows.push_back(PredictionRow(p, i, all_classes.size()));
      }
    }
  }
  if (json) return;
  const bool regressor = !predictions.empty() && predictions.front().class_ids.empty();
  cli::PrintTable(out,
                  regressor ? std::vector<std::string>{"prediction"}
                            : std::vector<std::string>{"class", "class_id", "probability", "probabilities"},
                  rows);
}

// predict --saved_model: the flags that describe a model_dir do not apply.
int RunPredictSavedModel(const PredictOptions& options, std::ostream& out, std::ostream& err) {
  SavedModelPredictRequest request;
  request.dir = options.saved_model;
  request.feature_names = options.model.feature_names.value_or(std::vector<std::string>());
  request.rows = options.rows;
  request.csv = options.predict_csv;
  request.batch_size = options.model.batch_size;
  StatusOr<SavedModelPredictions> predictions = PredictWithSavedModel(request);
  if (!predictions.ok()) {
    const bool usage = predictions.status().code() == StatusCode::kInvalidArgument && !options.rows.empty() &&
                       predictions.status().message().rfind("--predict ", 0) == 0;
    return cli::ReportError(kTool, predictions.status(), err, usage ? cli::kExitUsage : cli::kExitError);
  }
  PrintPredictions(predictions->batches, predictions->all_classes, options.json, out);
  return cli::kExitOk;
}

}  // namespace

int RunPredict(const PredictOptions& options, std::ostream& out, std::ostream& err) {
  if (options.rows.empty() && options.predict_csv.empty()) {
    return cli::ReportError(kTool, InvalidArgumentError("give --predict ROW or --predict_csv FILE"), err,
                            cli::kExitUsage);
  }
  if (!options.saved_model.empty()) return RunPredictSavedModel(options, out, err);
  StatusOr<ToolModel> model = ModelFromFlags(options.model);
  if (!model.ok()) return ReportFlagsError(model.status(), err);
  const Status learned = ReadTrainingFileUnlessRecorded(options.model, &*model);
  if (!learned.ok()) return cli::ReportError(kTool, learned, err);
  const Status complete = CheckComplete(*model);
  if (!complete.ok()) return cli::ReportError(kTool, complete, err, cli::kExitUsage);
  if (ReadsFeatureColumnSpec(model->record) && !options.rows.empty()) {
    return cli::ReportError(kTool,
                            InvalidArgumentError("--predict ROW takes numeric features; give a " +
                                                 model->record.estimator + " its examples with --predict_files GLOB"),
                            err, cli::kExitUsage);
  }
  auto inline_rows = std::make_shared<data::Dataset>();
  inline_rows->feature_names = std::make_shared<const std::vector<std::string>>(model->record.feature_columns);
  for (const std::string& row : options.rows) {
    const Status s = ParseRow(row, "--predict " + row, inline_rows->feature_names->size(), &inline_rows->features);
    if (!s.ok()) return cli::ReportError(kTool, s, err, cli::kExitUsage);
  }
  StatusOr<estimator::InputFn> input_fn = PredictInput(options, std::move(inline_rows), &*model);
  if (!input_fn.ok()) return cli::ReportError(kTool, input_fn.status(), err);
  StatusOr<std::unique_ptr<estimator::Estimator>> made =
      MakeEstimator(model->record, options.model.config, LogTo(err, options.quiet));
  if (!made.ok()) return cli::ReportError(kTool, made.status(), err);
  WarnIfNoCheckpoint(**made, "predicting with", err);

  StatusOr<std::vector<model::Predictions>> predictions = (*made)->Predict(*input_fn);
  if (!predictions.ok()) return cli::ReportError(kTool, predictions.status(), err);
  const size_t n_classes =
      predictions->empty() || predictions->front().class_ids.empty()
          ? 0
          : predictions->front().probabilities.size() / static_cast<size_t>(predictions->front().batch_size);
  PrintPredictions(*predictions, AllClasses(model->record, n_classes), options.json, out);
  return cli::kExitOk;
}

void SetupPredict(CLI::App& app, Action* action) {
  auto options = std::make_shared<PredictOptions>();
  CLI::App* sub = app.add_subcommand("predict", "Predict with model_dir's latest checkpoint");
  AddModelFlags(sub, &options->model);
  sub->add_option("--predict", options->rows, "An example: comma-separated feature values (repeatable)");
  sub->add_option("--predict_csv,--predict_files", options->predict_csv,
                  "A CSV of examples (a label column, where the file has one, is skipped)");
  sub->add_option("--saved_model", options->saved_model,
                  "Predict with this SavedModel's predict signature (an `estimator export` or TF's) instead of "
                  "model_dir");
  cli::AddJsonFlag(sub, &options->json)->description("One JSON object per example (JSON Lines), TF's keys");
  cli::AddQuietFlag(sub, &options->quiet);
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunPredict(*options, out, err); };
  });
}

}  // namespace tfcompat::estimator_tool
