// SPDX-License-Identifier: Apache-2.0
// estimator export --export_dir E [--format saved_model|onnx]
// [--serving_input parsing|raw] [--exports_to_keep N] [model flags]: model_dir's
// latest checkpoint as a SavedModel (E/<unix seconds>/saved_model.pb and
// variables/, as TF's Estimator.export_saved_model) or an ONNX model
// (E/<unix seconds>/model.onnx); then the exports in E beyond the newest N
// are deleted, as TF's LatestExporter does. Prints the export's path.
#include "commands.h"
#include "common.h"
#include "model_setup.h"

namespace tfcompat::estimator_tool {

int RunExport(const ExportOptions& options, std::ostream& out, std::ostream& err) {
  if (options.export_dir.empty()) {
    return cli::ReportError(kTool, InvalidArgumentError("give --export_dir DIR"), err, cli::kExitUsage);
  }
  if (options.format == ExportFormat::kOnnx && options.serving_input.has_value()) {
    return cli::ReportError(
        kTool, InvalidArgumentError("--serving_input applies to --format saved_model only (ONNX takes raw features)"),
        err, cli::kExitUsage);
  }
  StatusOr<ToolModel> model = ModelFromFlags(options.model);
  if (!model.ok()) return ReportFlagsError(model.status(), err);
  const Status learned = ReadTrainingFileUnlessRecorded(options.model, &*model);
  if (!learned.ok()) return cli::ReportError(kTool, learned, err);
  const Status complete = CheckComplete(*model);
  if (!complete.ok()) return cli::ReportError(kTool, complete, err, cli::kExitUsage);
  StatusOr<std::unique_ptr<estimator::Estimator>> made =
      MakeEstimator(model->record, options.model.config, LogTo(err, options.quiet));
  if (!made.ok()) return cli::ReportError(kTool, made.status(), err);
  estimator::Estimator& estimator = **made;

  const StatusOr<std::string> exported =
      options.format == ExportFormat::kOnnx
          ? estimator.ExportOnnx(options.export_dir)
          : estimator.ExportSavedModel(options.export_dir,
                                       options.serving_input.value_or(estimator::ServingReceiver::kParsing));
  if (!exported.ok()) return cli::ReportError(kTool, exported.status(), err);
  const Status kept = estimator.DeleteOldExports(options.export_dir, options.exports_to_keep);
  if (!kept.ok()) {
    return cli::ReportError(kTool, kept.WithContext("exported " + *exported + ", then could not delete old exports"),
                            err);
  }
  out << *exported << "\n";
  return cli::kExitOk;
}

void SetupExport(CLI::App& app, Action* action) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* sub = app.add_subcommand("export", "Export model_dir's latest checkpoint as a SavedModel or ONNX model");
  AddModelFlags(sub, &options->model);
  sub->add_option("--export_dir", options->export_dir,
                  "Write the export to EXPORT_DIR/<unix seconds>/ (TF Serving's model base path; required)");
  sub->add_option("--format", options->format, "saved_model (TF Serving, saved_model_cli, tf.saved_model.load) or onnx")
      ->transform(CLI::CheckedTransformer(std::map<std::string, ExportFormat>{
          {"saved_model", ExportFormat::kSavedModel}, {"onnx", ExportFormat::kOnnx}}))
      ->default_str("saved_model");
  sub->add_option("--serving_input", options->serving_input,
                  "parsing: serialized tf.Example strings, every signature (default); raw: one float tensor per "
                  "feature, the predict signature")
      ->transform(CLI::CheckedTransformer(std::map<std::string, estimator::ServingReceiver>{
          {"parsing", estimator::ServingReceiver::kParsing}, {"raw", estimator::ServingReceiver::kRaw}}));
  sub->add_option("--exports_to_keep", options->exports_to_keep,
                  "Keep the newest N exports in EXPORT_DIR and delete the others, as TF's LatestExporter")
      ->check(cli::Positive<int>())
      ->default_str(std::to_string(estimator::kDefaultExportsToKeep));
  cli::AddQuietFlag(sub, &options->quiet);
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) { return RunExport(*options, out, err); };
  });
}

}  // namespace tfcompat::estimator_tool
