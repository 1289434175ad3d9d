// SPDX-License-Identifier: Apache-2.0
// estimator predict [--predict ROW]... [--predict_csv FILE] [model flags]:
// the class and probabilities (a regressor: the value) model_dir's latest
// checkpoint gives each example. A prediction file is read as the model
// reads its training file (its feature columns by name from a header row,
// or by position), its label column, if any, skipped.
#include <charconv>
#include <cstdio>

#include "commands.h"
#include "common.h"
#include "model_setup.h"
#include "number_format.h"

namespace tfcompat::estimator_tool {
namespace {

// Appends the numbers of `row` (`where` names it in errors) to `features`.
Status ParseRow(std::string_view row, const std::string& where, size_t num_features, std::vector<float>* features) {
  size_t column = 0;
  while (true) {
    const size_t comma = row.find(',');
    std::string_view field = row.substr(0, comma);
    while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
    while (!field.empty() && (field.back() == ' ' || field.back() == '\r')) field.remove_suffix(1);
    float value = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (ec != std::errc() || end != field.data() + field.size()) {
      return InvalidArgumentError(where + ": column " + std::to_string(column + 1) + ": expected a number, got '" +
                                  std::string(field) + "'");
    }
    features->push_back(value);
    ++column;
    if (comma == std::string_view::npos) break;
    row.remove_prefix(comma + 1);
  }
  if (column != num_features) {
    return InvalidArgumentError(where + ": expected " + std::to_string(num_features) + " values, got " +
                                std::to_string(column));
  }
  return OkStatus();
}

}  // namespace

int RunPredict(const PredictOptions& options, std::ostream& out, std::ostream& err) {
  if (options.rows.empty() && options.predict_csv.empty()) {
    return ReportError(InvalidArgumentError("give --predict ROW or --predict_csv FILE"), err, kExitUsage);
  }
  StatusOr<ToolModel> model = ModelFromFlags(options.model);
  if (!model.ok()) return ReportFlagsError(model.status(), err);
  if (!model->recorded && !options.model.train_csv.empty()) {
    // No record: the training file tells the features and classes.
    const StatusOr<std::shared_ptr<const data::Dataset>> train =
        ReadData(options.model.train_csv, /*labelled=*/true, &*model);
    if (!train.ok()) return ReportError(train.status(), err);
  }
  const Status complete = CheckComplete(*model);
  if (!complete.ok()) return ReportError(complete, err, kExitUsage);

  // The examples, without labels: the inline rows, then the file's.
  auto examples = std::make_shared<data::Dataset>();
  examples->feature_names = std::make_shared<const std::vector<std::string>>(model->record.feature_columns);
  const size_t width = examples->feature_names->size();
  for (const std::string& row : options.rows) {
    const Status s = ParseRow(row, "--predict " + row, width, &examples->features);
    if (!s.ok()) return ReportError(s, err, kExitUsage);
  }
  if (!options.predict_csv.empty()) {
    StatusOr<std::shared_ptr<const data::Dataset>> file = ReadData(options.predict_csv, /*labelled=*/false, &*model);
    if (!file.ok()) return ReportError(file.status(), err);
    examples->features.insert(examples->features.end(), (*file)->features.begin(), (*file)->features.end());
  }
  StatusOr<std::unique_ptr<estimator::Estimator>> made = MakeEstimator(model->record, options.model.config, err);
  if (!made.ok()) return ReportError(made.status(), err);
  WarnIfNoCheckpoint(**made, "predicting with", err);

  const estimator::InputFn input_fn =
      estimator::DatasetInputFn(examples, {.batch_size = options.model.batch_size, .shuffle = false, .num_epochs = 1});
  StatusOr<std::vector<model::Predictions>> predictions = (*made)->Predict(input_fn);
  if (!predictions.ok()) return ReportError(predictions.status(), err);
  int64_t example = 0;
  for (const model::Predictions& p : *predictions) {
    for (int64_t i = 0; i < p.batch_size; ++i, ++example) {
      if (!p.predictions.empty()) {  // a regressor
        out << "Prediction is " << cli::FormatNumber(p.predictions[static_cast<size_t>(i)]) << "\n";
        continue;
      }
      const int64_t id = p.class_ids[static_cast<size_t>(i)];
      const float probability = p.probabilities[static_cast<size_t>(i * p.logits_dimension + id)];
      char line[160];
      std::snprintf(line, sizeof(line), "Prediction is \"%s\" (%.1f%%)", p.classes[static_cast<size_t>(i)].c_str(),
                    100.0 * probability);
      out << line << "  probabilities [";
      for (int64_t c = 0; c < p.logits_dimension; ++c) {
        std::snprintf(line, sizeof(line), "%s%.6f", c == 0 ? "" : ", ",
                      p.probabilities[static_cast<size_t>(i * p.logits_dimension + c)]);
        out << line;
      }
      out << "]\n";
    }
  }
  return kExitOk;
}

void SetupPredict(CLI::App& app, Action* action) {
  auto options = std::make_shared<PredictOptions>();
  CLI::App* sub = app.add_subcommand("predict", "Predict with model_dir's latest checkpoint");
  AddModelFlags(sub, &options->model);
  sub->add_option("--predict", options->rows, "An example: comma-separated feature values (repeatable)");
  sub->add_option("--predict_csv", options->predict_csv,
                  "A CSV of examples (a label column, where the file has one, is skipped)");
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunPredict(*options, out, err); };
  });
}

}  // namespace tfcompat::estimator_tool
