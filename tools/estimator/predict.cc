// SPDX-License-Identifier: Apache-2.0
// estimator predict [--predict ROW]... [--predict_csv FILE] [model flags]:
// the class and probabilities model_dir's latest checkpoint gives each
// example. A prediction file holds one example per line (feature values,
// comma-separated, no label) after an optional header row of names.
#include <cctype>
#include <charconv>
#include <cstdio>

#include "commands.h"
#include "common.h"
#include "io/file.h"

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
  StatusOr<ModelSetup> setup = MakeEstimator(options.model, err);
  if (!setup.ok()) return ReportError(setup.status(), err);
  const data::FeatureNames& names = setup->train->feature_names;

  // The examples, as a Dataset whose labels are unused.
  auto examples = std::make_shared<data::Dataset>();
  examples->feature_names = names;
  for (size_t i = 0; i < options.rows.size(); ++i) {
    const Status s = ParseRow(options.rows[i], "--predict " + options.rows[i], names->size(), &examples->features);
    if (!s.ok()) return ReportError(s, err, kExitUsage);
  }
  if (!options.predict_csv.empty()) {
    StatusOr<std::string> text = ReadFileToString(Env::Default(), options.predict_csv, uint64_t{1} << 30);
    if (!text.ok()) return ReportError(text.status(), err);
    std::string_view rest = *text;
    for (int line_number = 1; !rest.empty(); ++line_number) {
      const size_t newline = rest.find('\n');
      const std::string_view line = rest.substr(0, newline);
      rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
      if (line.empty() || line == "\r") continue;
      const bool header = line_number == 1 && !line.empty() && (std::isalpha(static_cast<unsigned char>(line[0])) != 0);
      if (header) continue;
      const Status s =
          ParseRow(line, options.predict_csv + ":" + std::to_string(line_number), names->size(), &examples->features);
      if (!s.ok()) return ReportError(s, err);
    }
  }
  examples->labels.assign(examples->features.size() / names->size(), 0.0f);
  if (examples->labels.empty()) return ReportError(InvalidArgumentError(options.predict_csv + ": no examples"), err);

  const estimator::InputFn input_fn =
      estimator::DatasetInputFn(examples, {.batch_size = options.model.batch_size, .shuffle = false, .num_epochs = 1});
  StatusOr<std::vector<model::Predictions>> predictions = setup->estimator->Predict(input_fn);
  if (!predictions.ok()) return ReportError(predictions.status(), err);
  int64_t example = 0;
  for (const model::Predictions& p : *predictions) {
    for (int64_t i = 0; i < p.batch_size; ++i, ++example) {
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
  sub->add_option("--predict_csv", options->predict_csv, "A CSV of examples without labels");
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunPredict(*options, out, err); };
  });
}

}  // namespace tfcompat::estimator_tool
