// SPDX-License-Identifier: Apache-2.0
// train_bench: training speed of the estimator's canned DNNClassifier.
//
//   build/bin/train_bench [--peer PYTHON] [--isa NAME] [--steps]
//
// Measures:
//   * Iris DNNClassifier (4-10-10-3, Adagrad) training steps: batch 32 and 100;
//   * a 784-512-512-10 MLP (batch 128, synthetic data): steps/s, and the
//     GFLOP/s of its dense layers' forward + backward passes alone (products,
//     bias, activations), the best and the median of many passes: of the two
//     hidden layers (inner sizes >= 64, those the 70%-of-peak target is
//     about) and of all three;
//   * this core's FMA peak at the packed kernel's vector width, measured at
//     start-up with 200 short rounds of independent vector FMAs: the
//     passes' median is given as a fraction of
//     the rounds' median, their best of the best round. (Not measured between
//     the passes: after running the matrix kernel, the core runs that FMA
//     loop 5-10% slower for a millisecond or more, which would flatter the
//     passes.)
// first with every product on one thread (SetGemmMaxThreads(1)), then with
// each product choosing its threads (Gemm()'s default).
// With --peer, runs bench/train_bench_tf.py under PYTHON (a venv with
// tensorflow-estimator) and prints TF Estimator's figures for the same models.
// --isa NAME runs the ISA-specific kernels of NAME (Gemm()'s packed kernel
// and the elementwise ones: "avx2" on a CPU with AVX-512, say, to see what a
// CPU without it would run; "none": Eigen only) instead of the widest the CPU
// has.
// --steps prints only the Trainer's steps on one thread (Iris batch 32 and
// 100, the MLP), one figure a line, in the thread's CPU time (so that other
// processes on the machine count less): what bench/portable_vs_native.sh
// compares.
// Each model is measured twice: the bare Trainer (no checkpoints or
// summaries), and Estimator::Train into a fresh model_dir with RunConfig's
// defaults (loss and global_step/sec every 100 steps, a checkpoint every
// 600 s, log lines every 100 steps, discarded) -- the steady state after the
// first 20 steps, as the TF peer measures it (its session creation and first
// checkpoint excluded).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli.h"
#include "fma_peak.h"
#include "kernels/eigen_types.h"
#include "kernels/elementwise.h"
#include "kernels/gemm.h"
#include "model/dense_layer.h"
#include "tfcompat/data/csv_input.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/model/trainer.h"
#include "thread_cpu_clock.h"

namespace tfcompat::model {
namespace {

using Clock = std::chrono::steady_clock;
using data::Batch;
using data::BatchSource;
using data::CsvOptions;
using data::Dataset;
using data::DatasetBatches;
using data::ReadCsvDataset;
using estimator::DatasetInputFn;
using estimator::Estimator;
using estimator::InputFn;
using estimator::RunConfig;
using kernels::Gemm;
using kernels::GemmMaxThreads;
using kernels::SetGemmMaxThreads;

template <typename T>
T OrDie(StatusOr<T> value) {
  if (!value.ok()) {
    std::fprintf(stderr, "train_bench: %s\n", value.status().ToString().c_str());
    std::exit(2);
  }
  return std::move(value).value();
}

// Seconds per call of `f` by clock C: the best of 5 rounds of at least 0.2 s
// each.
template <typename C = Clock, typename F>
double SecondsPerCall(F f) {
  double best = 1e30;
  for (int round = 0; round < 5; ++round) {
    int64_t calls = 0;
    const auto start = C::now();
    double elapsed = 0;
    do {
      f();
      ++calls;
      elapsed = std::chrono::duration<double>(C::now() - start).count();
    } while (elapsed < 0.2);
    best = std::min(best, elapsed / static_cast<double>(calls));
  }
  return best;
}

std::shared_ptr<const Dataset> SyntheticDataset(int features, int classes, int rows) {
  auto d = std::make_shared<Dataset>();
  std::vector<std::string> names;
  for (int i = 0; i < features; ++i) {
    char name[16];
    std::snprintf(name, sizeof(name), "x%04d", i);
    names.emplace_back(name);
  }
  d->feature_names = std::make_shared<const std::vector<std::string>>(std::move(names));
  uint32_t state = 12345;
  for (int64_t i = 0; i < int64_t{rows} * features; ++i) {
    state = state * 1664525u + 1013904223u;
    d->features.push_back(static_cast<float>(state >> 8) * 0x1.0p-24f);
  }
  for (int r = 0; r < rows; ++r) d->labels.push_back(static_cast<float>(r % classes));
  return d;
}

std::shared_ptr<const Dataset> IrisDataset() {
  CsvOptions options;
  options.feature_names = {"SepalLength", "SepalWidth", "PetalLength", "PetalWidth"};
  return std::make_shared<const Dataset>(OrDie(ReadCsvDataset(TFCOMPAT_REPO_DATA "/iris_training.csv", options)));
}

// Microseconds per training step of a DNNClassifier (shuffled, repeated
// input), by clock C.
template <typename C = Clock>
double MicrosPerStep(std::shared_ptr<const Dataset> data, std::vector<int64_t> hidden, int classes, int64_t batch) {
  DNNClassifierOptions options;
  options.feature_columns = feature_column::NumericColumns(*data->feature_names).value();
  options.hidden_units = std::move(hidden);
  options.n_classes = classes;
  auto trainer = OrDie(Trainer::Create(OrDie(NewDNNClassifier(options, 1)), nullptr, 1));
  auto input = OrDie(DatasetBatches::Create(data, {.batch_size = batch, .shuffle = true, .seed = 1}));
  constexpr int64_t kStepsPerCall = 20;
  return 1e6 / kStepsPerCall * SecondsPerCall<C>([&] {
           const Status s = trainer->Train(input.get(), TrainSteps::Steps(kStepsPerCall), {});
           if (!s.ok()) std::abort();
         });
}

// Notes the time of every step after the first 20.
class StepClock final : public TrainHook {
 public:
  Status AfterStep(const StepResult&, bool*) override {
    if (++steps_ == 20) start_ = Clock::now();
    if (steps_ > 20) end_ = Clock::now();
    return OkStatus();
  }
  double MicrosPerStep() const {
    return 1e6 * std::chrono::duration<double>(end_ - start_).count() / static_cast<double>(steps_ - 20);
  }

 private:
  int64_t steps_ = 0;
  Clock::time_point start_, end_;
};

// Microseconds per step of Estimator::Train with the default RunConfig.
double EstimatorMicrosPerStep(std::shared_ptr<const Dataset> data, std::vector<int64_t> hidden, int classes,
                              int64_t batch, int64_t steps) {
  DNNClassifierOptions options;
  options.feature_columns = feature_column::NumericColumns(*data->feature_names).value();
  options.hidden_units = std::move(hidden);
  options.n_classes = classes;
  RunConfig config;
  config.tf_random_seed = 1;  // model_dir: a fresh temporary directory
  auto estimator = OrDie(Estimator::DNNClassifier(options, config, [](const std::string&) {}));
  const InputFn input_fn = DatasetInputFn(data, {.batch_size = batch, .shuffle = true, .seed = 1});
  StepClock clock;
  TrainHook* hooks[] = {&clock};
  const Status s = estimator->Train(input_fn, TrainSteps::Steps(steps), hooks);
  if (!s.ok()) {
    std::fprintf(stderr, "train_bench: %s\n", s.ToString().c_str());
    std::exit(2);
  }
  std::filesystem::remove_all(estimator->model_dir());
  return clock.MicrosPerStep();
}

using tfcompat::bench::BestAndMedian;
using tfcompat::bench::ThreadCpuClock;

// GFLOP/s of the MLP's dense layers' passes (forward, dW, db and dx).
struct DenseFigures {
  BestAndMedian hidden;  // the hidden layers, 784x512 and 512x512: inner sizes >= 64
  BestAndMedian all;     // all three, with the 512x10 logits layer
};

// Passes for at least a second.
DenseFigures DenseGflops(int64_t batch) {
  const std::vector<int64_t> sizes = {784, 512, 512, 10};
  const size_t hidden = sizes.size() - 2;  // layers [0, hidden) are the hidden ones
  std::vector<DenseLayer> layers;
  size_t offset = 0;
  double hidden_flops = 0, all_flops = 0;
  for (size_t i = 0; i + 1 < sizes.size(); ++i) {
    const int64_t in = sizes[i], out = sizes[i + 1];
    layers.push_back({offset, offset + static_cast<size_t>(in * out), in, out,
                      i < hidden ? Activation::kRelu : Activation::kLinear});
    offset += static_cast<size_t>(in * out + out);
    // forward x W, backward x^T dz and (except the first layer) dz W^T.
    const double flops = 2.0 * batch * in * out * (i == 0 ? 2 : 3);
    all_flops += flops;
    if (i < hidden) hidden_flops += flops;
  }
  std::vector<float> params(offset, 0.01f), grads(offset);
  // acts[i]: layer i's output; dl_dacts[i]: dL/d(acts[i]), each buffer kept
  // from pass to pass, as in Network (no allocation inside a pass).
  std::vector<Matrix> acts(layers.size()), dl_dacts(layers.size());
  const Matrix x = Matrix::Constant(batch, sizes[0], 0.5f);
  const auto forward = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) layers[i].Forward(params, i == 0 ? x : acts[i - 1], &acts[i]);
  };
  const auto backward = [&](size_t begin, size_t end) {
    for (size_t k = end; k-- > begin;) {
      layers[k].Backward(params, k == 0 ? x : acts[k - 1], acts[k], &dl_dacts[k], grads,
                         k == 0 ? nullptr : &dl_dacts[k - 1]);
    }
  };
  const auto seconds = [](Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
  };
  std::vector<double> hidden_gflops, all_gflops;
  const auto deadline = Clock::now() + std::chrono::seconds(1);
  while (all_gflops.size() < 20 || Clock::now() < deadline) {
    const auto start = Clock::now();
    forward(0, hidden);
    const auto hidden_forward_end = Clock::now();
    forward(hidden, layers.size());
    dl_dacts.back().setConstant(batch, sizes.back(), 0.1f);
    backward(hidden, layers.size());
    const auto hidden_backward_start = Clock::now();
    backward(0, hidden);
    const auto end = Clock::now();
    hidden_gflops.push_back(hidden_flops / (seconds(start, hidden_forward_end) + seconds(hidden_backward_start, end)) /
                            1e9);
    all_gflops.push_back(all_flops / seconds(start, end) / 1e9);
  }
  return {tfcompat::bench::Summarize(std::move(hidden_gflops)), tfcompat::bench::Summarize(std::move(all_gflops))};
}

void PrintDense(const DenseFigures& dense, const BestAndMedian& peak) {
  const auto print = [&](const char* what, const BestAndMedian& gflops) {
    std::printf(
        "  %s: median pass %.1f GFLOP/s = %.0f%% of the FMA peak's median round; best pass %.1f = %.0f%% of "
        "its best round\n",
        what, gflops.median, 100.0 * gflops.median / peak.median, gflops.best, 100.0 * gflops.best / peak.best);
  };
  print("dense layers fwd+bwd, hidden 784x512 + 512x512 (inner sizes >= 64)", dense.hidden);
  print("dense layers fwd+bwd, all three (with the 512x10 logits layer)", dense.all);
}

}  // namespace
}  // namespace tfcompat::model

int main(int argc, char** argv) {
  using namespace tfcompat::model;
  std::string peer;
  std::string isa;
  bool steps_only = false;
  CLI::App app{"Training speed of the estimator's canned DNNClassifier", "train_bench"};
  app.add_option("--peer", peer, "Python with tensorflow-estimator: also TF Estimator's figures");
  app.add_option("--isa", isa, "Run these kernels instead of the widest the CPU has")
      ->check(CLI::IsMember({"avx512", "avx2", "none"}));
  app.add_flag("--steps", steps_only, "Only the Trainer's steps on one thread, in its CPU time");
  if (const std::optional<int> exit_code = tfcompat::cli::Parse(app, argc, argv)) return *exit_code;
  if (!isa.empty()) {
    const bool none = isa == "none";
    if (!tfcompat::kernels::gemm_internal::SelectPackedKernel(none ? "" : isa) ||
        !tfcompat::kernels::elementwise_internal::SelectImplementation(none ? "eigen" : isa)) {
      return tfcompat::cli::ReportError(
          "train_bench", tfcompat::UnimplementedError("this CPU does not run the " + isa + " kernels"), std::cerr);
    }
  }
  const std::string kernel = tfcompat::kernels::gemm_internal::SelectedPackedKernel();
  SetGemmMaxThreads(1);
  if (steps_only) {
    // In the thread's CPU time: the steps run on this thread alone.
    const auto iris = IrisDataset();
    std::printf("iris 4-10-10-3 batch 32: %.3f us/step\n", MicrosPerStep<ThreadCpuClock>(iris, {10, 10}, 3, 32));
    std::printf("iris 4-10-10-3 batch 100: %.3f us/step\n", MicrosPerStep<ThreadCpuClock>(iris, {10, 10}, 3, 100));
    std::printf("mlp 784-512-512-10 batch 128: %.1f us/step\n",
                MicrosPerStep<ThreadCpuClock>(SyntheticDataset(784, 10, 1280), {512, 512}, 10, 128));
    return 0;
  }
  // Before any other work: see the note at the top.
  const BestAndMedian peak = tfcompat::bench::MeasureFmaPeak(kernel);
  const auto iris = IrisDataset();
  const double iris32 = MicrosPerStep(iris, {10, 10}, 3, 32);
  const double iris100 = MicrosPerStep(iris, {10, 10}, 3, 100);
  const double mlp = MicrosPerStep(SyntheticDataset(784, 10, 1280), {512, 512}, 10, 128);
  const DenseFigures dense = DenseGflops(128);
  SetGemmMaxThreads(std::thread::hardware_concurrency());
  const double mlp_threads = MicrosPerStep(SyntheticDataset(784, 10, 1280), {512, 512}, 10, 128);
  const DenseFigures dense_threads = DenseGflops(128);
  const double est32 = EstimatorMicrosPerStep(iris, {10, 10}, 3, 32, 20000);
  const double est100 = EstimatorMicrosPerStep(iris, {10, 10}, 3, 100, 20000);
  const double est_mlp = EstimatorMicrosPerStep(SyntheticDataset(784, 10, 1280), {512, 512}, 10, 128, 400);
  std::printf("packed kernel: %s\n", kernel.empty() ? "none (Eigen only)" : kernel.c_str());
  std::printf("FMA peak of this core at that width (200 rounds at start-up): median round %.1f GFLOP/s, best %.1f\n",
              peak.median, peak.best);
  std::printf("tfcompat (1 thread)\n");
  std::printf("  iris 4-10-10-3   batch  32: %9.2f us/step  %10.0f steps/s\n", iris32, 1e6 / iris32);
  std::printf("  iris 4-10-10-3   batch 100: %9.2f us/step  %10.0f steps/s\n", iris100, 1e6 / iris100);
  std::printf("  mlp 784-512-512-10 batch 128: %7.0f us/step  %10.1f steps/s\n", mlp, 1e6 / mlp);
  PrintDense(dense, peak);
  std::printf("tfcompat (up to %d threads, chosen per product)\n", GemmMaxThreads());
  std::printf("  mlp 784-512-512-10 batch 128: %7.0f us/step  %10.1f steps/s\n", mlp_threads, 1e6 / mlp_threads);
  PrintDense(dense_threads, peak);
  std::printf(
      "tfcompat Estimator::Train (threads per product), default RunConfig (summaries every 100 steps, checkpoints "
      "every 600 s)\n");
  std::printf("  iris 4-10-10-3   batch  32: %9.2f us/step  %10.0f steps/s\n", est32, 1e6 / est32);
  std::printf("  iris 4-10-10-3   batch 100: %9.2f us/step  %10.0f steps/s\n", est100, 1e6 / est100);
  std::printf("  mlp 784-512-512-10 batch 128: %7.0f us/step  %10.1f steps/s\n", est_mlp, 1e6 / est_mlp);
  std::fflush(stdout);
  if (!peer.empty()) {
    const std::string command = peer + " " TFCOMPAT_BENCH_DIR "/train_bench_tf.py";
    std::printf("TensorFlow Estimator peer (%s)\n", command.c_str());
    std::fflush(stdout);
    return std::system(command.c_str()) == 0 ? 0 : 2;
  }
  return 0;
}
