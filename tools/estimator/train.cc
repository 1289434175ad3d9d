// SPDX-License-Identifier: Apache-2.0
// estimator train [--steps N | --max_steps N] [--progress] [--quiet] [model
// flags]: trains the model in model_dir on the shuffled, repeated training
// file, continuing from its latest checkpoint; the first train records the
// model (model_record.h).
//
// Under `mpirun -np N`, the N processes train one model data-parallel
// (RunConfig::train_distribute): --batch_size is per rank, so every step
// takes the global batch of N × batch_size examples that one process with
// --batch_size N×b would; rank 0 writes model_dir and the log, the other
// ranks only their first log line and errors.
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <random>

#include "commands.h"
#include "common.h"
#include "model_setup.h"
#include "mpi_job.h"
#include "progress_bar.h"

namespace tfcompat::estimator_tool {
namespace {

// The Estimator's log lines, and the progress bar below them once training
// has begun: the bar runs from the global step training starts at (known
// only once the checkpoint is restored) to the step it will stop at.
class ProgressLog final : public model::TrainHook {
 public:
  ProgressLog(std::ostream& err, const TrainOptions& options)
      : err_(err), steps_(options.steps), max_steps_(options.max_steps) {}

  Status Begin(int64_t global_step) override {
    bar_.emplace(err_, global_step, steps_.has_value() ? global_step + *steps_ : max_steps_.value_or(global_step));
    return OkStatus();
  }
  Status AfterStep(const model::StepResult& result, bool*) override {
    bar_->Update(result.global_step);
    return OkStatus();
  }
  Status End(int64_t) override {
    Finish();
    return OkStatus();
  }

  // A log line: on a line of its own, above the bar while one is drawn.
  void Log(const std::string& line) {
    if (bar_.has_value()) {
      bar_->PrintLine(InfoLine(line));
    } else {
      err_ << InfoLine(line) << "\n";
    }
  }
  // Ends the bar's line (training ended, or failed).
  void Finish() {
    if (bar_.has_value()) bar_->Finish();
  }

 private:
  std::ostream& err_;
  const std::optional<int64_t> steps_;
  const std::optional<int64_t> max_steps_;
  std::optional<cli::ProgressBar> bar_;
};

}  // namespace

int RunTrain(const TrainOptions& options, std::ostream& out, std::ostream& err) {
  if (options.steps.has_value() == options.max_steps.has_value()) {
    return cli::ReportError(kTool, InvalidArgumentError("give exactly one of --steps and --max_steps"), err,
                            cli::kExitUsage);
  }
  StatusOr<MpiJob> job = JoinMpiJob(options.mpi_timeout_secs, options.model.batch_size, options.quiet, err);
  if (!job.ok()) return cli::ReportError(kTool, job.status(), err);
  const bool chief = job->chief();
  ProgressLog progress(err, options);
  const estimator::LogFn log = options.quiet || !chief
                                   ? LogTo(err, /*quiet=*/true)
                                   : estimator::LogFn([&progress](const std::string& line) { progress.Log(line); });
  StatusOr<ToolModel> model = ModelFromFlags(options.model);
  if (!model.ok()) return ReportFlagsError(model.status(), err);
  StatusOr<std::string> train_source = TrainSource(options.model, *model);
  if (!train_source.ok()) return cli::ReportError(kTool, train_source.status(), err, cli::kExitUsage);
  // Shuffled by the seed, or differently on every run without one.
  const std::optional<int64_t>& seed = options.model.config.tf_random_seed;
  const uint64_t shuffle_seed = seed.has_value() ? static_cast<uint64_t>(*seed) : std::random_device()();
  StatusOr<estimator::InputFn> input_fn = ModelInputFn(
      *train_source, /*labelled=*/true,
      {.batch_size = options.model.batch_size * job->ranks, .shuffle = !options.no_shuffle, .seed = shuffle_seed},
      &*model);
  if (!input_fn.ok()) return cli::ReportError(kTool, input_fn.status(), err);
  estimator::RunConfig config = options.model.config;
  config.train_distribute = job->communicator;
  StatusOr<std::unique_ptr<estimator::Estimator>> made = MakeEstimator(model->record, config, log);
  if (!made.ok()) return cli::ReportError(kTool, made.status(), err);
  estimator::Estimator& estimator = **made;

  StatusOr<std::string> latest = estimator.LatestCheckpoint();
  const bool resuming = latest.ok();
  const model::TrainSteps steps = options.steps.has_value() ? model::TrainSteps::Steps(*options.steps)
                                                            : model::TrainSteps::MaxSteps(*options.max_steps);
  std::vector<model::TrainHook*> hooks;
  // A new model's record, written once the model_dir is locked and the
  // model restored or initialised.
  std::optional<WriteRecordHook> write_record;
  if (!model->recorded && chief) {
    model->record.train_csv = std::filesystem::absolute(*train_source).lexically_normal().string();
    write_record.emplace(estimator.model_dir(), model->record);
    hooks.push_back(&*write_record);
  }
  if (options.progress && !options.quiet && chief) hooks.push_back(&progress);
  const Status status = estimator.Train(*input_fn, steps, hooks);
  progress.Finish();
  if (!status.ok()) return cli::ReportError(kTool, status, err);
  if (!chief) return cli::kExitOk;
  StatusOr<std::string> saved = estimator.LatestCheckpoint();
  if (!saved.ok()) return cli::ReportError(kTool, saved.status(), err);
  if (resuming) out << "Continued from " << *latest << "\n";
  out << "Trained model in " << estimator.model_dir() << "; latest checkpoint " << *saved << "\n";
  return cli::kExitOk;
}

void SetupTrain(CLI::App& app, Action* action) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand("train", "Train (continuing from model_dir's latest checkpoint)");
  AddModelFlags(sub, &options->model);
  CLI::Option* steps =
      sub->add_option("--steps", options->steps, "Train this many more steps")->check(cli::Positive<int64_t>());
  CLI::Option* max_steps = sub->add_option("--max_steps", options->max_steps, "Train up to this global step")
                               ->check(cli::Positive<int64_t>());
  steps->excludes(max_steps);
  sub->add_flag("--weight_histograms", options->model.config.weight_histograms,
                "Also write a histogram of every variable every save_summary_steps");
  sub->add_flag("--async_checkpoint", options->model.config.async_checkpoint,
                "Write checkpoints on a background thread; training waits only while the variables are copied");
  CLI::Option* progress = sub->add_flag("--progress,!--no_progress", options->progress,
                                        "A progress bar on stderr (default: when stderr is a terminal)");
  sub->add_flag("--no_shuffle", options->no_shuffle, "Take the examples in file order (repeated), not shuffled");
  AddMpiTimeoutFlag(sub, &options->mpi_timeout_secs);
  cli::AddQuietFlag(sub, &options->quiet);
  sub->callback([options, action, progress] {
    if (progress->count() == 0) options->progress = isatty(STDERR_FILENO) == 1;
    *action = [options](std::ostream& out, std::ostream& err) { return RunTrain(*options, out, err); };
  });
}

}  // namespace tfcompat::estimator_tool
