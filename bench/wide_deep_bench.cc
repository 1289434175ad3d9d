// SPDX-License-Identifier: Apache-2.0
// wide_deep_bench: training speed of wide & deep (DNNLinearCombinedClassifier)
// over feature columns of every kind, beside TF's Estimator.
//
//   build/bin/wide_deep_bench [--peer PYTHON] [--batch_size N]
//
// The model is data/penguins/wide_deep.json (vocabulary lists of strings and
// int64s, a hash bucket, a cross, a bucketized column, numeric columns,
// embedding and indicator columns; DNN 100-50) on data/penguins/penguins.csv
// with species as the label, read as the estimator tool reads it (CSV
// columns typed by the spec), shuffled and repeated. Figures, each the
// median of 5 runs:
//   * the bare Trainer: steps per second over 500 steps after 20;
//   * Estimator::Train into a fresh model_dir with RunConfig's defaults
//     (summaries every 100 steps, a checkpoint every 600 s), the steady
//     state after the first 20 steps, as the TF peer measures it.
// With --peer, runs bench/wide_deep_bench_tf.py under PYTHON (a venv with
// tensorflow-estimator): tf.compat.v1.estimator.DNNLinearCombinedClassifier
// on the same spec and data.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"
#include "feature_column_spec.h"
#include "feature_input.h"
#include "io/file.h"
#include "model_record.h"
#include "model_setup.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/model/trainer.h"

namespace tfcompat::estimator_tool {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRuns = 5;
constexpr int64_t kWarmupSteps = 20;

template <typename T>
T OrDie(StatusOr<T> value) {
  if (!value.ok()) {
    std::fprintf(stderr, "wide_deep_bench: %s\n", value.status().ToString().c_str());
    std::exit(2);
  }
  return std::move(value).value();
}

void OrDie(const Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "wide_deep_bench: %s\n", status.ToString().c_str());
    std::exit(2);
  }
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// The estimator tool's record of the benchmark's model.
ModelRecord BenchRecord() {
  const std::string spec_path = TFCOMPAT_REPO_DATA "/penguins/wide_deep.json";
  const FeatureColumnSpec spec = OrDie(ReadFeatureColumnSpec(spec_path));
  ModelRecord record;
  record.estimator = "DNNLinearCombinedClassifier";
  record.feature_column_spec = spec.json;
  record.label_column = "species";
  record.label_vocabulary = {"Adelie", "Chinstrap", "Gentoo"};
  record.n_classes = 3;
  record.hidden_units = {100, 50};
  record.activation_fn = "relu";
  record.optimizer = "Adagrad";
  record.learning_rate = 0.001f;
  record.linear_optimizer = "Ftrl";
  record.linear_learning_rate = 0.2f;
  record.input_format = "csv";
  record.na_value = "NA";
  record.train_csv = TFCOMPAT_REPO_DATA "/penguins/penguins.csv";
  return record;
}

// Microseconds per step of the bare Trainer.
double TrainerMicrosPerStep(const ModelRecord& record, int64_t batch_size, int64_t steps) {
  const estimator::InputFn input_fn =
      OrDie(FeatureInputFn(record, record.train_csv, /*labelled=*/true, {.batch_size = batch_size, .seed = 1}));
  const FeatureColumnSpec spec = OrDie(ParseFeatureColumnSpec(record.feature_column_spec, "record"));
  model::DNNLinearCombinedOptions options;
  options.linear_feature_columns = spec.linear_feature_columns;
  options.dnn_feature_columns = spec.dnn_feature_columns;
  options.dnn_hidden_units = record.hidden_units;
  options.n_classes = record.n_classes;
  options.label_vocabulary = record.label_vocabulary;
  // Trainer::Create gives each part its default optimizer: the record's.
  auto trainer = OrDie(model::Trainer::Create(OrDie(model::NewDNNLinearCombinedClassifier(options, 1)), nullptr, 1));
  auto input = OrDie(input_fn());
  OrDie(trainer->Train(input.get(), model::TrainSteps::Steps(kWarmupSteps), {}));
  const Clock::time_point start = Clock::now();
  OrDie(trainer->Train(input.get(), model::TrainSteps::Steps(steps), {}));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return 1e6 * seconds / static_cast<double>(steps);
}

// Steady-state step time of Estimator::Train after the first 20 steps.
class StepClock final : public model::TrainHook {
 public:
  Status AfterStep(const model::StepResult&, bool*) override {
    if (++steps_ == kWarmupSteps) start_ = Clock::now();
    if (steps_ > kWarmupSteps) end_ = Clock::now();
    return OkStatus();
  }
  double MicrosPerStep() const {
    return 1e6 * std::chrono::duration<double>(end_ - start_).count() / static_cast<double>(steps_ - kWarmupSteps);
  }

 private:
  int64_t steps_ = 0;
  Clock::time_point start_, end_;
};

double EstimatorMicrosPerStep(const ModelRecord& record, int64_t batch_size, int64_t steps) {
  const estimator::InputFn input_fn =
      OrDie(FeatureInputFn(record, record.train_csv, /*labelled=*/true, {.batch_size = batch_size, .seed = 1}));
  estimator::RunConfig config;
  config.tf_random_seed = 1;  // model_dir: a fresh temporary directory
  auto estimator = OrDie(MakeEstimator(record, config, [](const std::string&) {}));
  StepClock clock;
  model::TrainHook* hooks[] = {&clock};
  OrDie(estimator->Train(input_fn, model::TrainSteps::Steps(steps), hooks));
  std::filesystem::remove_all(estimator->model_dir());
  return clock.MicrosPerStep();
}

}  // namespace
}  // namespace tfcompat::estimator_tool

int main(int argc, char** argv) {
  using namespace tfcompat::estimator_tool;
  std::string peer;
  int64_t batch_size = 64;
  CLI::App app{"Training speed of wide & deep over feature columns", "wide_deep_bench"};
  app.add_option("--peer", peer, "Python with tensorflow-estimator: also TF Estimator's figures");
  app.add_option("--batch_size", batch_size, "Examples per step")->check(CLI::PositiveNumber);
  if (const std::optional<int> exit_code = tfcompat::cli::Parse(app, argc, argv)) return *exit_code;
  const ModelRecord record = BenchRecord();
  std::vector<double> trainer, estimator;
  for (int run = 0; run < kRuns; ++run) {
    trainer.push_back(TrainerMicrosPerStep(record, batch_size, 500));
    estimator.push_back(EstimatorMicrosPerStep(record, batch_size, 1000));
  }
  const double trainer_us = Median(trainer), estimator_us = Median(estimator);
  std::printf("wide & deep (data/penguins/wide_deep.json, DNN 100-50) on penguins, batch %lld; median of %d runs\n",
              static_cast<long long>(batch_size), kRuns);
  std::printf("  tfcompat Trainer:            %9.1f us/step  %9.0f steps/s\n", trainer_us, 1e6 / trainer_us);
  std::printf("  tfcompat Estimator::Train:   %9.1f us/step  %9.0f steps/s\n", estimator_us, 1e6 / estimator_us);
  std::fflush(stdout);
  if (!peer.empty()) {
    const std::string command = peer + " " TFCOMPAT_BENCH_DIR "/wide_deep_bench_tf.py --batch_size " +
                                std::to_string(batch_size) + " --tfcompat_estimator_us " + std::to_string(estimator_us);
    std::printf("TensorFlow Estimator peer (%s)\n", command.c_str());
    std::fflush(stdout);
    return std::system(command.c_str()) == 0 ? 0 : 2;
  }
  return 0;
}
