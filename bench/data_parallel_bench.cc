// SPDX-License-Identifier: Apache-2.0
// data_parallel_bench: data-parallel training over MPI (tfcompat::mpi)
// against one process.
//
//   build/bin/data_parallel_bench [--ranks N] [--steps S] [--runs R]
//
// Run plainly, it measures one process, then runs itself under
// `mpirun -np N --oversubscribe` for the ranks' figures, and prints both:
//   * the 784-512-512-10 MLP (DNNClassifier, Adagrad, synthetic data) with
//     batch 512 per rank and one thread per rank (SetGemmMaxThreads(1)):
//     steps/s and examples/s of one process (batch 512) and of N ranks
//     (global batch N x 512), and the speed-up in examples/s;
//   * the time per step the ranks spend in the gradient sum
//     (Communicator::AllreduceSum, waiting for the slower rank included);
//   * that sum alone on the MLP's gradient block (669 706 floats, 2.7 MB):
//     ours (all-to-all, ordered sums, all-gather: the same bits every run)
//     against Open MPI's MPI_Allreduce of the same buffer, the peer.
// Each figure is the median of R runs of S steps (after 5 warm-up steps).
#include <mpi.h>
#include <stdio.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "kernels/gemm.h"
#include "tfcompat/distribute/mpi_communicator.h"
#include "tfcompat/model/trainer.h"

namespace {

using Clock = std::chrono::steady_clock;
using tfcompat::Status;
using tfcompat::StatusOr;
using tfcompat::data::Dataset;
using tfcompat::distribute::Communicator;

constexpr int64_t kBatchPerRank = 512;
constexpr uint64_t kSeed = 7;

template <typename T>
T OrDie(StatusOr<T> value) {
  if (!value.ok()) {
    std::cerr << "data_parallel_bench: " << value.status() << "\n";
    std::exit(1);
  }
  return *std::move(value);
}

void OrDie(const Status& status) {
  if (!status.ok()) {
    std::cerr << "data_parallel_bench: " << status << "\n";
    std::exit(1);
  }
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The MLP's 784 features: x0000 .. x0783.
std::vector<std::string> FeatureNames() {
  std::vector<std::string> names;
  for (int i = 0; i < 784; ++i) {
    char name[8];
    std::snprintf(name, sizeof(name), "x%04d", i);
    names.emplace_back(name);
  }
  return names;
}

// 784 uniform features, 10 classes, `rows` examples.
std::shared_ptr<const Dataset> SyntheticMnistLike(int64_t rows) {
  auto dataset = std::make_shared<Dataset>();
  dataset->feature_names = std::make_shared<const std::vector<std::string>>(FeatureNames());
  uint32_t state = 12345;
  dataset->features.resize(static_cast<size_t>(rows) * 784);
  for (float& x : dataset->features) {
    state = state * 1664525u + 1013904223u;
    x = static_cast<float>(state >> 8) * 0x1.0p-24f;
  }
  for (int64_t r = 0; r < rows; ++r) dataset->labels.push_back(static_cast<float>(r % 10));
  return dataset;
}

// Forwards to another communicator and adds up the time spent in the float
// sums (the gradients').
class TimedCommunicator final : public Communicator {
 public:
  explicit TimedCommunicator(std::shared_ptr<Communicator> inner) : inner_(std::move(inner)) {}
  int rank() const override { return inner_->rank(); }
  int size() const override { return inner_->size(); }
  Status AllreduceSum(std::span<float> values) override {
    const Clock::time_point start = Clock::now();
    const Status status = inner_->AllreduceSum(values);
    gradient_seconds += SecondsSince(start);
    return status;
  }
  Status AllreduceSum(std::span<double> values) override { return inner_->AllreduceSum(values); }
  Status Broadcast(std::span<char> bytes, int root) override { return inner_->Broadcast(bytes, root); }
  StatusOr<std::vector<std::string>> Allgather(std::string_view bytes) override { return inner_->Allgather(bytes); }

  double gradient_seconds = 0;

 private:
  std::shared_ptr<Communicator> inner_;
};

struct StepFigures {
  double steps_per_second = 0;
  double gradient_sum_ms_per_step = 0;
};

// `steps` steps of the MLP after 5 warm-up steps, on `communicator`'s ranks
// (one process when null).
StepFigures TrainMlp(std::shared_ptr<Communicator> communicator, int64_t steps) {
  const int ranks = communicator == nullptr ? 1 : communicator->size();
  auto timed = communicator == nullptr ? nullptr : std::make_shared<TimedCommunicator>(communicator);
  tfcompat::model::DNNClassifierOptions options;
  options.feature_columns = OrDie(tfcompat::feature_column::NumericColumns(FeatureNames()));
  options.hidden_units = {512, 512};
  options.n_classes = 10;
  auto trainer = OrDie(tfcompat::model::Trainer::Create(OrDie(tfcompat::model::NewDNNClassifier(options, kSeed)),
                                                        nullptr, kSeed, timed));
  auto batches = OrDie(tfcompat::data::DatasetBatches::Create(SyntheticMnistLike(4096),
                                                              {.batch_size = kBatchPerRank * ranks, .seed = kSeed}));
  OrDie(trainer->Train(batches.get(), tfcompat::model::TrainSteps::Steps(5), {}));
  if (timed != nullptr) timed->gradient_seconds = 0;
  const Clock::time_point start = Clock::now();
  OrDie(trainer->Train(batches.get(), tfcompat::model::TrainSteps::Steps(steps), {}));
  const double seconds = SecondsSince(start);
  return {static_cast<double>(steps) / seconds,
          timed == nullptr ? 0.0 : 1e3 * timed->gradient_seconds / static_cast<double>(steps)};
}

// Milliseconds of one sum of `n` floats: ours and MPI_Allreduce's, median of 50.
std::pair<double, double> SumMillis(Communicator& ours, size_t n) {
  std::vector<float> values(n, 1.0f), result(n);
  std::vector<double> ours_ms, mpi_ms;
  for (int i = 0; i < 50; ++i) {
    MPI_Barrier(MPI_COMM_WORLD);
    Clock::time_point start = Clock::now();
    OrDie(ours.AllreduceSum(std::span<float>(values)));
    ours_ms.push_back(1e3 * SecondsSince(start));
    MPI_Barrier(MPI_COMM_WORLD);
    start = Clock::now();
    MPI_Allreduce(values.data(), result.data(), static_cast<int>(n), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    mpi_ms.push_back(1e3 * SecondsSince(start));
  }
  return {Median(ours_ms), Median(mpi_ms)};
}

// One rank of the job: rank 0 prints "ranks <steps/s> <sum ms/step> <ours
// ms> <MPI ms>", medians of `runs`.
int RunRank(int64_t steps, int runs) {
  std::shared_ptr<Communicator> world = OrDie(tfcompat::distribute::MpiCommunicator::World());
  std::vector<double> steps_per_second, sum_ms;
  for (int run = 0; run < runs; ++run) {
    const StepFigures figures = TrainMlp(world, steps);
    steps_per_second.push_back(figures.steps_per_second);
    sum_ms.push_back(figures.gradient_sum_ms_per_step);
  }
  const size_t mlp_params = 784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10;
  const auto [ours_ms, mpi_ms] = SumMillis(*world, mlp_params);
  if (world->rank() == 0) {
    std::printf("ranks %.3f %.3f %.3f %.3f\n", Median(steps_per_second), Median(sum_ms), ours_ms, mpi_ms);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Data-parallel training over MPI (2.7 MB MLP, batch 512 per rank) against one process",
               "data_parallel_bench"};
  int ranks = 2;
  int64_t steps = 40;
  int runs = 3;
  bool rank_worker = false;
  app.add_option("--ranks", ranks, "MPI ranks to compare with one process")->check(CLI::Range(2, 64));
  app.add_option("--steps", steps, "Steps per run")->check(CLI::PositiveNumber);
  app.add_option("--runs", runs, "Runs per figure (the median is printed)")->check(CLI::PositiveNumber);
  app.add_flag("--rank_worker", rank_worker, "Internal: run as one rank of the job the benchmark starts");
  if (const std::optional<int> exit_code = tfcompat::cli::Parse(app, argc, argv)) return *exit_code;
  tfcompat::kernels::SetGemmMaxThreads(1);
  if (rank_worker) return RunRank(steps, runs);

  std::vector<double> one;
  for (int run = 0; run < runs; ++run) one.push_back(TrainMlp(nullptr, steps).steps_per_second);
  const double one_steps = Median(one);
  const std::string command = std::string(TFCOMPAT_MPIEXEC) + " -np " + std::to_string(ranks) +
                              " --oversubscribe --allow-run-as-root " +
                              std::filesystem::read_symlink("/proc/self/exe").string() + " --rank_worker --steps " +
                              std::to_string(steps) + " --runs " + std::to_string(runs);
  FILE* job = popen(command.c_str(), "r");
  double ranks_steps = 0, sum_ms = 0, ours_ms = 0, mpi_ms = 0;
  const bool read =
      job != nullptr && std::fscanf(job, "ranks %lf %lf %lf %lf", &ranks_steps, &sum_ms, &ours_ms, &mpi_ms) == 4;
  if (job == nullptr || pclose(job) != 0 || !read) {
    std::cerr << "data_parallel_bench: the ranks' job failed: " << command << "\n";
    return 1;
  }
  const double one_examples = one_steps * kBatchPerRank, ranks_examples = ranks_steps * kBatchPerRank * ranks;
  std::printf("MLP 784-512-512-10, Adagrad, batch %lld per rank, 1 thread per rank; medians of %d runs of %lld steps\n",
              static_cast<long long>(kBatchPerRank), runs, static_cast<long long>(steps));
  std::printf("  1 process  (batch %4lld): %7.2f steps/s  %8.0f examples/s\n", static_cast<long long>(kBatchPerRank),
              one_steps, one_examples);
  std::printf("  %d ranks    (batch %4lld): %7.2f steps/s  %8.0f examples/s  speed-up %.2fx\n", ranks,
              static_cast<long long>(kBatchPerRank * ranks), ranks_steps, ranks_examples,
              ranks_examples / one_examples);
  std::printf("  gradient sum in training: %.2f ms/step (%.0f%% of a step)\n", sum_ms,
              100.0 * sum_ms * ranks_steps / 1e3);
  std::printf("sum of the 2.7 MB gradient block over %d ranks: tfcompat AllreduceSum %.2f ms, MPI_Allreduce %.2f ms\n",
              ranks, ours_ms, mpi_ms);
  return 0;
}
