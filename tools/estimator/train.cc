// SPDX-License-Identifier: Apache-2.0
// estimator train [--steps N | --max_steps N] [model flags]: trains the
// model in model_dir on the shuffled, repeated training file, continuing
// from its latest checkpoint; the first train records the model
// (model_record.h).
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "commands.h"
#include "common.h"
#include "model_setup.h"

namespace tfcompat::estimator_tool {
namespace {

// "[#########           ]  450/1000" redrawn in place.
class ProgressBar final : public model::TrainHook {
 public:
  explicit ProgressBar(std::ostream& out) : out_(out) {}

  Status Begin(int64_t global_step) override {
    first_ = global_step;
    return OkStatus();
  }
  void set_last(int64_t last) { last_ = last; }

  Status AfterStep(const model::StepResult& result, bool*) override {
    if (last_ <= first_) return OkStatus();
    constexpr int kWidth = 40;
    const int64_t done = std::min(result.global_step, last_) - first_;
    const int filled = static_cast<int>(done * kWidth / (last_ - first_));
    out_ << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] " << result.global_step << "/"
         << last_ << std::flush;
    return OkStatus();
  }

  Status End(int64_t) override {
    out_ << "\n";
    return OkStatus();
  }

 private:
  std::ostream& out_;
  int64_t first_ = 0;
  int64_t last_ = 0;
};

}  // namespace

int RunTrain(const TrainOptions& options, std::ostream& out, std::ostream& err) {
  if (options.steps.has_value() == options.max_steps.has_value()) {
    return ReportError(InvalidArgumentError("give exactly one of --steps and --max_steps"), err, kExitUsage);
  }
  StatusOr<ToolModel> model = ModelFromFlags(options.model);
  if (!model.ok()) return ReportFlagsError(model.status(), err);
  const std::string train_csv = !options.model.train_csv.empty() ? options.model.train_csv : model->record.train_csv;
  if (train_csv.empty()) {
    return ReportError(InvalidArgumentError("give --train_csv FILE: there is no " + model->record_path +
                                            " to take the training file from"),
                       err, kExitUsage);
  }
  StatusOr<std::shared_ptr<const data::Dataset>> train = ReadData(train_csv, /*labelled=*/true, &*model);
  if (!train.ok()) return ReportError(train.status(), err);
  StatusOr<std::unique_ptr<estimator::Estimator>> made = MakeEstimator(model->record, options.model.config, err);
  if (!made.ok()) return ReportError(made.status(), err);
  estimator::Estimator& estimator = **made;

  StatusOr<std::string> latest = estimator.LatestCheckpoint();
  const bool resuming = latest.ok();
  // Shuffled by the seed, or differently on every run without one.
  const std::optional<int64_t>& seed = options.model.config.tf_random_seed;
  const uint64_t shuffle_seed = seed.has_value() ? static_cast<uint64_t>(*seed) : std::random_device()();
  const estimator::InputFn input_fn =
      estimator::DatasetInputFn(*train, {.batch_size = options.model.batch_size, .seed = shuffle_seed});
  const model::TrainSteps steps = options.steps.has_value() ? model::TrainSteps::Steps(*options.steps)
                                                            : model::TrainSteps::MaxSteps(*options.max_steps);
  ProgressBar bar(out);
  std::vector<model::TrainHook*> hooks;
  // A new model's record, written once the model_dir is locked and the
  // model restored or initialised.
  std::optional<WriteRecordHook> write_record;
  if (!model->recorded) {
    model->record.train_csv = std::filesystem::absolute(train_csv).lexically_normal().string();
    write_record.emplace(estimator.model_dir(), model->record);
    hooks.push_back(&*write_record);
  }
  if (options.progress) {
    // The bar needs the last step: the restored one is known only after the
    // checkpoint is read, so it counts from the value the checkpoint holds.
    StatusOr<Tensor> step = estimator.GetVariableValue(std::string(model::kGlobalStepName));
    const int64_t start = step.ok() ? step->flat<int64_t>()[0] : 0;
    bar.set_last(options.steps.has_value() ? start + *options.steps : *options.max_steps);
    hooks.push_back(&bar);
  }
  const Status status = estimator.Train(input_fn, steps, hooks);
  if (!status.ok()) return ReportError(status, err);
  StatusOr<std::string> saved = estimator.LatestCheckpoint();
  if (!saved.ok()) return ReportError(saved.status(), err);
  if (resuming) out << "Continued from " << *latest << "\n";
  out << "Trained model in " << estimator.model_dir() << "; latest checkpoint " << *saved << "\n";
  return kExitOk;
}

void SetupTrain(CLI::App& app, Action* action) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand("train", "Train (continuing from model_dir's latest checkpoint)");
  AddModelFlags(sub, &options->model);
  CLI::Option* steps =
      sub->add_option("--steps", options->steps, "Train this many more steps")->check(CLI::PositiveNumber);
  CLI::Option* max_steps =
      sub->add_option("--max_steps", options->max_steps, "Train up to this global step")->check(CLI::PositiveNumber);
  steps->excludes(max_steps);
  sub->add_flag("--weight_histograms", options->model.config.weight_histograms,
                "Also write a histogram of every variable every save_summary_steps");
  sub->callback([options, action] {
    options->progress = isatty(STDOUT_FILENO) == 1;
    *action = [options](std::ostream& out, std::ostream& err) { return RunTrain(*options, out, err); };
  });
}

}  // namespace tfcompat::estimator_tool
