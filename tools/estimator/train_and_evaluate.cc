// SPDX-License-Identifier: Apache-2.0
// estimator train_and_evaluate --max_steps N --eval_csv FILE [--eval_steps N]
// [--eval_name NAME] [--start_delay_secs S] [--throttle_secs S]
// [--task_type chief|worker|master|evaluator [--task_index I]] [--json]
// [model flags]: TF's tf.estimator.train_and_evaluate (training.h). The
// role is --task_type, else the TF_CONFIG environment variable's task,
// else a local run that trains and evaluates after each checkpoint. Prints
// the last evaluation's metrics as `evaluate` does; a training task prints
// where its checkpoints are. An evaluator reads the model's record and
// checkpoints only (started before the chief's first checkpoint, it waits
// for them): it takes no lock and writes model_dir/eval (eval_NAME) alone.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "common.h"
#include "model_record.h"
#include "model_setup.h"
#include "mpi_job.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/estimator/training.h"

namespace tfcompat::estimator_tool {
namespace {

// The task of --task_type, or of TF_CONFIG.
Status SetTask(const TrainAndEvaluateOptions& options, const char* tf_config, estimator::RunConfig* config) {
  if (!options.task_type.empty()) {
    config->task_type = options.task_type;
    config->task_id = options.task_index;
    return OkStatus();
  }
  if (tf_config == nullptr) return OkStatus();
  return config->SetTaskFromTfConfig(tf_config).WithContext("the TF_CONFIG environment variable");
}

// The chief records a new model (WriteRecordHook) before its first
// checkpoint. An evaluator started earlier waits for that record, or for a
// checkpoint of a model_dir that never gets one (TensorFlow's), before it
// builds its model: built sooner, it would be the flags' defaults, not the
// model the chief trains. An error other than "not there yet" ends the wait.
Status WaitForTheModel(const std::string& model_dir, const estimator::LogFn& log) {
  const std::string record = ModelRecordPath(model_dir);
  for (bool logged = false;; logged = true) {
    if (std::filesystem::exists(record)) return OkStatus();
    const StatusOr<std::string> latest = LatestCheckpoint(model_dir);
    if (latest.ok()) return OkStatus();
    if (latest.status().code() != StatusCode::kNotFound) return latest.status();
    if (!logged) log("Waiting for the model's record " + record + " or a checkpoint in " + model_dir + ".");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

int RunTrainAndEvaluate(const TrainAndEvaluateOptions& options, const char* tf_config, std::ostream& out,
                        std::ostream& err) {
  if (options.eval_csv.empty()) {
    return cli::ReportError(kTool, InvalidArgumentError("give --eval_csv FILE (wide & deep: --eval_files GLOB)"), err,
                            cli::kExitUsage);
  }
  estimator::RunConfig config = options.model.config;
  const Status task = SetTask(options, tf_config, &config);
  if (!task.ok()) return cli::ReportError(kTool, task, err, cli::kExitUsage);
  const bool evaluator = config.task_type == estimator::kEvaluator;

  // The trainer may be an MPI job (mpirun -np N estimator
  // train_and_evaluate): rank 0 writes, saves and evaluates in a local run.
  MpiJob job;
  if (!evaluator) {
    StatusOr<MpiJob> joined = JoinMpiJob(options.mpi_timeout_secs, options.model.batch_size, options.quiet, err);
    if (!joined.ok()) return cli::ReportError(kTool, joined.status(), err);
    job = *std::move(joined);
    config.train_distribute = job.communicator;
  }
  // (TrainAndEvaluate refuses an evaluator of another index at once.)
  if (evaluator && config.task_id == 0 && !config.model_dir.empty()) {
    const Status ready = WaitForTheModel(config.model_dir, LogTo(err, options.quiet));
    if (!ready.ok()) return cli::ReportError(kTool, ready, err);
  }
  StatusOr<ToolModel> model = ModelFromFlags(options.model);
  if (!model.ok()) return ReportFlagsError(model.status(), err);
  estimator::TrainSpec train_spec;
  train_spec.max_steps = options.max_steps;
  std::string train_source;
  if (evaluator) {
    // TF's evaluator never calls the TrainSpec's input_fn; it reads the
    // training file only to learn a model without a record, as `evaluate`.
    const Status learned = ReadTrainingFileUnlessRecorded(options.model, &*model);
    if (!learned.ok()) return cli::ReportError(kTool, learned, err);
    train_spec.input_fn = []() -> StatusOr<std::unique_ptr<data::BatchSource>> {
      return FailedPreconditionError("an evaluator task does not train");
    };
  } else {
    StatusOr<std::string> source = TrainSource(options.model, *model);
    if (!source.ok()) return cli::ReportError(kTool, source.status(), err, cli::kExitUsage);
    train_source = *source;
    // Shuffled by the seed, or differently on every run without one.
    const std::optional<int64_t>& seed = options.model.config.tf_random_seed;
    const uint64_t shuffle_seed = seed.has_value() ? static_cast<uint64_t>(*seed) : std::random_device()();
    StatusOr<estimator::InputFn> input_fn =
        ModelInputFn(train_source, /*labelled=*/true,
                     {.batch_size = options.model.batch_size * job.ranks, .seed = shuffle_seed}, &*model);
    if (!input_fn.ok()) return cli::ReportError(kTool, input_fn.status(), err);
    train_spec.input_fn = *std::move(input_fn);
  }
  StatusOr<estimator::InputFn> eval_input_fn =
      ModelInputFn(options.eval_csv, /*labelled=*/true,
                   {.batch_size = options.model.batch_size, .shuffle = false, .num_epochs = 1}, &*model);
  if (!eval_input_fn.ok()) return cli::ReportError(kTool, eval_input_fn.status(), err);
  const estimator::EvalSpec eval_spec{.input_fn = *eval_input_fn,
                                      .steps = options.eval_steps,
                                      .name = options.eval_name,
                                      .start_delay_secs = options.start_delay_secs,
                                      .throttle_secs = options.throttle_secs};
  StatusOr<std::unique_ptr<estimator::Estimator>> made =
      MakeEstimator(model->record, config, LogTo(err, options.quiet || !job.chief()));
  if (!made.ok()) return cli::ReportError(kTool, made.status(), err);
  estimator::Estimator& estimator = **made;

  // A new model's record, written by the trainer once the model_dir is
  // locked and the model restored or initialised.
  std::optional<WriteRecordHook> write_record;
  if (!evaluator && !model->recorded && job.chief()) {
    model->record.train_csv = std::filesystem::absolute(train_source).lexically_normal().string();
    write_record.emplace(estimator.model_dir(), model->record);
    train_spec.hooks.push_back(&*write_record);
  }
  StatusOr<std::map<std::string, double>> metrics = TrainAndEvaluate(estimator, train_spec, eval_spec);
  if (!metrics.ok()) {
    return cli::ReportError(
        kTool, metrics.status(), err,
        metrics.status().code() == StatusCode::kInvalidArgument ? cli::kExitUsage : cli::kExitError);
  }
  if (!job.chief()) return cli::kExitOk;
  if (metrics->empty()) {
    StatusOr<std::string> saved = estimator.LatestCheckpoint();
    if (!saved.ok()) return cli::ReportError(kTool, saved.status(), err);
    out << "Trained model in " << estimator.model_dir() << "; latest checkpoint " << *saved << "\n";
  } else {
    PrintMetrics(*metrics, options.json, out);
  }
  return cli::kExitOk;
}

void SetupTrainAndEvaluate(CLI::App& app, Action* action) {
  auto options = std::make_shared<TrainAndEvaluateOptions>();
  CLI::App* sub = app.add_subcommand(
      "train_and_evaluate",
      "Train up to --max_steps and evaluate the checkpoints (TF's train_and_evaluate; the role from --task_type or "
      "TF_CONFIG)");
  AddModelFlags(sub, &options->model);
  sub->add_option("--max_steps", options->max_steps, "Train up to this global step (required)")
      ->required()
      ->check(cli::Positive<int64_t>());
  sub->add_option("--eval_csv,--eval_files", options->eval_csv, "Labelled CSV to evaluate on (required)");
  sub->add_option("--eval_steps", options->eval_steps, "Batches per evaluation (TF's EvalSpec.steps)")
      ->default_str("100")
      ->check(cli::Positive<int64_t>());
  sub->add_option("--eval_name", options->eval_name, "Write evaluations to model_dir/eval_NAME instead of eval");
  sub->add_option("--start_delay_secs", options->start_delay_secs, "The evaluator's wait before its first pass")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--throttle_secs", options->throttle_secs, "The least time between two evaluations")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--task_type", options->task_type, "This task's role (default: TF_CONFIG's task, else local)")
      ->check(CLI::IsMember(
          std::vector<std::string>{estimator::kChief, estimator::kWorker, estimator::kMaster, estimator::kEvaluator}));
  sub->add_option("--task_index", options->task_index, "This task's index among those of its type")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub->add_flag("--async_checkpoint", options->model.config.async_checkpoint,
                "Write checkpoints on a background thread; training waits only while the variables are copied");
  AddMpiTimeoutFlag(sub, &options->mpi_timeout_secs);
  cli::AddJsonFlag(sub, &options->json)->description("Print the final metrics as one JSON object");
  cli::AddQuietFlag(sub, &options->quiet);
  sub->callback([options, action] {
    *action = [options](std::ostream& out, std::ostream& err) {
      return RunTrainAndEvaluate(*options, std::getenv("TF_CONFIG"), out, err);
    };
  });
}

}  // namespace tfcompat::estimator_tool
