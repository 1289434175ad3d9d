// SPDX-License-Identifier: Apache-2.0
// estimator evaluate --eval_csv FILE [--steps N] [--name NAME] [--json]
// [model flags]: the metrics of model_dir's latest checkpoint on the test
// file, as a `metric value` table or a JSON object; written to
// model_dir/eval (or eval_NAME) for TensorBoard.
#include "commands.h"
#include "common.h"
#include "model_setup.h"

namespace tfcompat::estimator_tool {

int RunEvaluate(const EvaluateOptions& options, std::ostream& out, std::ostream& err) {
  if (options.eval_csv.empty()) {
    return cli::ReportError(kTool, InvalidArgumentError("give --eval_csv FILE (wide & deep: --eval_files GLOB)"), err,
                            cli::kExitUsage);
  }
  StatusOr<ToolModel> model = ModelFromFlags(options.model);
  if (!model.ok()) return ReportFlagsError(model.status(), err);
  const Status learned = ReadTrainingFileUnlessRecorded(options.model, &*model);
  if (!learned.ok()) return cli::ReportError(kTool, learned, err);
  StatusOr<estimator::InputFn> input_fn =
      ModelInputFn(options.eval_csv, /*labelled=*/true,
                   {.batch_size = options.model.batch_size, .shuffle = false, .num_epochs = 1}, &*model);
  if (!input_fn.ok()) return cli::ReportError(kTool, input_fn.status(), err);
  StatusOr<std::unique_ptr<estimator::Estimator>> made =
      MakeEstimator(model->record, options.model.config, LogTo(err, options.quiet));
  if (!made.ok()) return cli::ReportError(kTool, made.status(), err);
  WarnIfNoCheckpoint(**made, "evaluating", err);
  StatusOr<std::map<std::string, double>> metrics = (*made)->Evaluate(*input_fn, options.steps, options.name);
  if (!metrics.ok()) return cli::ReportError(kTool, metrics.status(), err);

  PrintMetrics(*metrics, options.json, out);
  return cli::kExitOk;
}

void SetupEvaluate(CLI::App& app, Action* action) {
  auto options = std::make_shared<EvaluateOptions>();
  CLI::App* sub = app.add_subcommand("evaluate", "Evaluate model_dir's latest checkpoint");
  AddModelFlags(sub, &options->model);
  sub->add_option("--eval_csv,--eval_files", options->eval_csv, "Labelled CSV to evaluate on (required)");
  sub->add_option("--steps", options->steps, "Evaluate this many batches (default: the whole file)")
      ->check(cli::Positive<int64_t>());
  sub->add_option("--name", options->name, "Write to model_dir/eval_NAME instead of model_dir/eval");
  cli::AddJsonFlag(sub, &options->json)->description("Print the metrics as one JSON object");
  cli::AddQuietFlag(sub, &options->quiet);
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunEvaluate(*options, out, err); };
  });
}

}  // namespace tfcompat::estimator_tool
