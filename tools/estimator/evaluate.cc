// SPDX-License-Identifier: Apache-2.0
// estimator evaluate --eval_csv FILE [--steps N] [--name NAME] [model
// flags]: the metrics of model_dir's latest checkpoint on the test file, as
// a table; written to model_dir/eval (or eval_NAME) for TensorBoard.
#include <algorithm>
#include <cstdio>
#include <string_view>

#include "commands.h"
#include "common.h"
#include "model_setup.h"

namespace tfcompat::estimator_tool {

int RunEvaluate(const EvaluateOptions& options, std::ostream& out, std::ostream& err) {
  if (options.eval_csv.empty()) return ReportError(InvalidArgumentError("give --eval_csv FILE"), err, kExitUsage);
  StatusOr<ToolModel> model = ModelFromFlags(options.model);
  if (!model.ok()) return ReportFlagsError(model.status(), err);
  if (!model->recorded && !options.model.train_csv.empty()) {
    // No record: the training file tells the features and classes.
    const StatusOr<std::shared_ptr<const data::Dataset>> train =
        ReadData(options.model.train_csv, /*labelled=*/true, &*model);
    if (!train.ok()) return ReportError(train.status(), err);
  }
  StatusOr<std::shared_ptr<const data::Dataset>> data = ReadData(options.eval_csv, /*labelled=*/true, &*model);
  if (!data.ok()) return ReportError(data.status(), err);
  StatusOr<std::unique_ptr<estimator::Estimator>> made = MakeEstimator(model->record, options.model.config, err);
  if (!made.ok()) return ReportError(made.status(), err);
  WarnIfNoCheckpoint(**made, "evaluating", err);
  const estimator::InputFn input_fn =
      estimator::DatasetInputFn(*data, {.batch_size = options.model.batch_size, .shuffle = false, .num_epochs = 1});
  StatusOr<std::map<std::string, double>> metrics = (*made)->Evaluate(input_fn, options.steps, options.name);
  if (!metrics.ok()) return ReportError(metrics.status(), err);

  // Two columns, the first as wide as the longest name ("auc_precision_recall").
  size_t width = std::string_view("metric").size();
  for (const auto& [name, value] : *metrics) width = std::max(width, name.size());
  const auto row = [&out, width](const std::string& name, const std::string& value) {
    out << name << std::string(width - name.size() + 2, ' ') << value << "\n";
  };
  row("metric", "value");
  for (const auto& [name, value] : *metrics) {
    char text[64];
    if (name == "global_step") {
      std::snprintf(text, sizeof(text), "%lld", static_cast<long long>(value));
    } else {
      std::snprintf(text, sizeof(text), "%.6f", value);
    }
    row(name, text);
  }
  const auto accuracy = metrics->find("accuracy");
  if (accuracy != metrics->end()) {
    char line[64];
    std::snprintf(line, sizeof(line), "Test set accuracy: %.3f\n", accuracy->second);
    out << line;
  }
  return kExitOk;
}

void SetupEvaluate(CLI::App& app, Action* action) {
  auto options = std::make_shared<EvaluateOptions>();
  CLI::App* sub = app.add_subcommand("evaluate", "Evaluate model_dir's latest checkpoint");
  AddModelFlags(sub, &options->model);
  sub->add_option("--eval_csv", options->eval_csv, "Labelled CSV to evaluate on (required)");
  sub->add_option("--steps", options->steps, "Evaluate this many batches (default: the whole file)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--name", options->name, "Write to model_dir/eval_NAME instead of model_dir/eval");
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunEvaluate(*options, out, err); };
  });
}

}  // namespace tfcompat::estimator_tool
