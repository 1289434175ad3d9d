// SPDX-License-Identifier: Apache-2.0
// Trainer with a Communicator of N ranks against one process with the
// global batch. Run under `mpirun -np N` (tests/CMakeLists.txt: 2 and 4).
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "tfcompat/model/trainer.h"
#include "util/iris.h"
#include "util/mpi_world.h"
#include "util/scaled_difference.h"

namespace tfcompat::model {
namespace {

using distribute::Communicator;
using testing::MpiWorld;
using testing::ReadIris;

constexpr uint64_t kSeed = 2018;

std::unique_ptr<Trainer> IrisTrainer(std::shared_ptr<distribute::Communicator> communicator,
                                     DNNClassifierOptions options = testing::IrisClassifierOptions()) {
  return Trainer::Create(NewDNNClassifier(options, kSeed).value(), nullptr, kSeed, std::move(communicator)).value();
}

std::unique_ptr<data::DatasetBatches> IrisBatches(int64_t batch_size, uint64_t seed = kSeed) {
  return data::DatasetBatches::Create(ReadIris("iris_training.csv"), {.batch_size = batch_size, .seed = seed}).value();
}

// Every variable of the two stores within 1e-5 relative (parameters,
// slots, scalars; ScaledDifference: the order of the gradient sum differs,
// so do the roundings), and the same global_step.
void CheckClose(VariableStore& got, VariableStore& expected) {
  const std::vector<VariableRef> a = got.List(), b = expected.List();
  BOOST_TEST_REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(a[i].name == b[i].name);
    if (a[i].name == kGlobalStepName) {
      BOOST_TEST(std::get<std::span<int64_t>>(a[i].values)[0] == std::get<std::span<int64_t>>(b[i].values)[0]);
      continue;
    }
    const double difference =
        testing::ScaledDifference(std::get<std::span<float>>(a[i].values), std::get<std::span<float>>(b[i].values));
    BOOST_TEST(difference <= 1e-5, a[i].name << ": scaled difference " << difference);
  }
}

// Trains `steps` steps of global batches of `global_batch` on every rank,
// and the same in one process; the variables must agree.
void CheckEqualsOneProcess(int64_t global_batch, int64_t steps, DNNClassifierOptions options) {
  auto ranks = IrisTrainer(MpiWorld(), options);
  auto ranks_input = IrisBatches(global_batch);
  BOOST_TEST_REQUIRE(ranks->Train(ranks_input.get(), TrainSteps::Steps(steps), {}).ok());
  auto one = IrisTrainer(nullptr, options);
  auto one_input = IrisBatches(global_batch);
  BOOST_TEST_REQUIRE(one->Train(one_input.get(), TrainSteps::Steps(steps), {}).ok());
  CheckClose(ranks->variables(), one->variables());
}

BOOST_AUTO_TEST_CASE(RanksTrainAsOneProcessWithTheGlobalBatch) {
  // 16 examples per rank, a summed loss (TF1's default) and Adagrad.
  CheckEqualsOneProcess(16 * MpiWorld()->size(), 30, testing::IrisClassifierOptions());
}

BOOST_AUTO_TEST_CASE(RanksTrainAsOneProcessWithAMeanLossAndAdam) {
  DNNClassifierOptions options = testing::IrisClassifierOptions();
  options.loss_reduction = LossReduction::kSumOverBatchSize;
  options.optimizer = {"Adam", 0.01f};
  CheckEqualsOneProcess(16 * MpiWorld()->size(), 30, options);
}

BOOST_AUTO_TEST_CASE(RanksTrainAsOneProcessWhenTheBatchDoesNotDivideEvenly) {
  // 2 ranks: 4 + 3 examples; 4 ranks: 2 + 2 + 2 + 1.
  DNNClassifierOptions options = testing::IrisClassifierOptions();
  options.loss_reduction = LossReduction::kSumOverBatchSize;
  CheckEqualsOneProcess(2 * MpiWorld()->size() - 1, 30, options);
}

BOOST_AUTO_TEST_CASE(RanksWithoutExamplesInABatchContributeNothing) {
  // A global batch of one example: every rank but rank 0 has an empty share.
  CheckEqualsOneProcess(1, 20, testing::IrisClassifierOptions());
}

BOOST_AUTO_TEST_CASE(ARerunGivesTheSameBits) {
  auto first = IrisTrainer(MpiWorld());
  auto first_input = IrisBatches(8 * MpiWorld()->size());
  BOOST_TEST_REQUIRE(first->Train(first_input.get(), TrainSteps::Steps(25), {}).ok());
  auto second = IrisTrainer(MpiWorld());
  auto second_input = IrisBatches(8 * MpiWorld()->size());
  BOOST_TEST_REQUIRE(second->Train(second_input.get(), TrainSteps::Steps(25), {}).ok());
  const std::span<const float> a = first->variables().params(), b = second->variables().params();
  BOOST_TEST(std::equal(a.begin(), a.end(), b.begin(), b.end()));
}

BOOST_AUTO_TEST_CASE(EveryRankStartsFromRank0sVariables) {
  // Rank r initialises from another seed; rank 0's values win.
  Communicator& world = *MpiWorld();
  auto trainer =
      Trainer::Create(
          NewDNNClassifier(testing::IrisClassifierOptions(), kSeed + static_cast<uint64_t>(world.rank())).value(),
          nullptr, kSeed, MpiWorld())
          .value();
  trainer->variables().global_step() = 7 * (world.rank() + 1);
  BOOST_TEST_REQUIRE(trainer->SyncVariables().ok());
  auto rank0 = NewDNNClassifier(testing::IrisClassifierOptions(), kSeed).value();
  const std::span<const float> a = trainer->variables().params(), b = rank0->variables().params();
  BOOST_TEST(std::equal(a.begin(), a.end(), b.begin(), b.end()));
  BOOST_TEST(trainer->global_step() == 7);
}

// Records the losses the hooks see; stops at `stop_at` on the last rank only.
class LossHook final : public TrainHook {
 public:
  explicit LossHook(int64_t stop_at) : stop_at_(stop_at) {}
  Status AfterStep(const StepResult& result, bool* stop) override {
    losses.push_back(result.loss);
    average_losses.push_back(result.average_loss);
    *stop = result.global_step == stop_at_;
    return OkStatus();
  }
  std::vector<double> losses, average_losses;

 private:
  int64_t stop_at_;
};

BOOST_AUTO_TEST_CASE(HooksSeeTheGlobalBatchsLossAndOneRanksStopStopsAll) {
  Communicator& world = *MpiWorld();
  auto ranks = IrisTrainer(MpiWorld());
  auto ranks_input = IrisBatches(10 * world.size());
  LossHook ranks_hook(world.rank() == world.size() - 1 ? 4 : -1);
  TrainHook* ranks_hooks[] = {&ranks_hook};
  BOOST_TEST_REQUIRE(ranks->Train(ranks_input.get(), TrainSteps::Steps(10), ranks_hooks).ok());
  BOOST_TEST(ranks->global_step() == 4);
  auto one = IrisTrainer(nullptr);
  auto one_input = IrisBatches(10 * world.size());
  LossHook one_hook(-1);
  TrainHook* one_hooks[] = {&one_hook};
  BOOST_TEST_REQUIRE(one->Train(one_input.get(), TrainSteps::Steps(4), one_hooks).ok());
  BOOST_TEST_REQUIRE(ranks_hook.losses.size() == 4u);
  for (size_t i = 0; i < 4; ++i) {
    BOOST_TEST(ranks_hook.losses[i] == one_hook.losses[i], boost::test_tools::tolerance(1e-5));
    BOOST_TEST(ranks_hook.average_losses[i] == one_hook.average_losses[i], boost::test_tools::tolerance(1e-5));
  }
}

// Fails on the last rank's share, from the first step on.
class FailingOnLastRankHook final : public TrainHook {
 public:
  explicit FailingOnLastRankHook(bool fail) : fail_(fail) {}
  Status AfterStep(const StepResult& result, bool*) override {
    if (fail_ && result.global_step == 3) return DataLossError("disk on fire");
    return OkStatus();
  }

 private:
  bool fail_;
};

BOOST_AUTO_TEST_CASE(OneRanksHookErrorEndsTrainingOnEveryRankWithThatError) {
  Communicator& world = *MpiWorld();
  auto trainer = IrisTrainer(MpiWorld());
  auto input = IrisBatches(4 * world.size());
  FailingOnLastRankHook hook(world.rank() == world.size() - 1);
  TrainHook* hooks[] = {&hook};
  const Status status = trainer->Train(input.get(), TrainSteps::Steps(10), hooks);
  BOOST_TEST((status.code() == StatusCode::kDataLoss));
  BOOST_TEST(status.message() ==
             "rank " + std::to_string(world.size() - 1) + " of " + std::to_string(world.size()) + ": disk on fire");
  BOOST_TEST(trainer->global_step() == 3);
}

BOOST_AUTO_TEST_CASE(RanksBuiltWithAnotherModelFailBeforeTraining) {
  Communicator& world = *MpiWorld();
  auto trainer = IrisTrainer(MpiWorld(), testing::IrisClassifierOptions({10, world.rank() == 1 ? 12 : 10}));
  auto input = IrisBatches(4 * world.size());
  const Status status = trainer->Train(input.get(), TrainSteps::Steps(5), {});
  BOOST_TEST((status.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(status.message().find("rank 1 of " + std::to_string(world.size()) +
                                   " was launched with another model (variables) than rank 0") == 0,
             status.message());
  BOOST_TEST(trainer->global_step() == 0);
}

BOOST_AUTO_TEST_CASE(RanksReadingOtherDataFailBeforeTheFirstUpdate) {
  Communicator& world = *MpiWorld();
  auto trainer = IrisTrainer(MpiWorld());
  const std::vector<float> before(trainer->variables().params().begin(), trainer->variables().params().end());
  auto input = IrisBatches(4 * world.size(), world.rank() == 1 ? kSeed + 1 : kSeed);
  const Status status = trainer->Train(input.get(), TrainSteps::Steps(5), {});
  BOOST_TEST((status.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(status.message().find("rank 1 of " + std::to_string(world.size()) +
                                   " was launched with another first batch") == 0,
             status.message());
  const std::span<const float> after = trainer->variables().params();
  BOOST_TEST(std::equal(before.begin(), before.end(), after.begin(), after.end()));
}

BOOST_AUTO_TEST_CASE(RanksAskedForAnotherNumberOfStepsFailBeforeTraining) {
  Communicator& world = *MpiWorld();
  auto trainer = IrisTrainer(MpiWorld());
  auto input = IrisBatches(4 * world.size());
  const Status status = trainer->Train(input.get(), TrainSteps::Steps(world.rank() == 1 ? 6 : 5), {});
  BOOST_TEST((status.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(status.message().find("another number of steps than rank 0 (steps=6 vs steps=5)") != std::string::npos,
             status.message());
}

}  // namespace
}  // namespace tfcompat::model
