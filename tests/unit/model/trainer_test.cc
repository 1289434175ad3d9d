// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/model/trainer.h"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "tfcompat/base/status_macros.h"
#include "util/iris.h"

namespace tfcompat::model {
namespace {

using testing::ReadIris;

std::unique_ptr<Trainer> IrisTrainer(uint64_t seed) {
  return Trainer::Create(NewDNNClassifier(testing::IrisClassifierOptions(), seed).value(), nullptr, seed).value();
}

// Records every step; optionally stops at a step.
class RecordingHook : public TrainHook {
 public:
  Status Begin(int64_t step) override {
    begins.push_back(step);
    return OkStatus();
  }
  Status AfterStep(const StepResult& r, bool* stop) override {
    steps.push_back(r.global_step);
    losses.push_back(r.loss);
    *stop = r.global_step == stop_at;
    return OkStatus();
  }
  Status End(int64_t step) override {
    ends.push_back(step);
    return OkStatus();
  }
  std::vector<int64_t> begins, steps, ends;
  std::vector<double> losses;
  int64_t stop_at = -1;
};

// A user's model_fn: least squares y ~ x w + b on the first feature, with
// hand-written gradients, through the public Model interface only.
class LeastSquaresModel final : public Model {
 public:
  LeastSquaresModel() {
    (void)store_.AddTrainable("custom/w", {1, 1}).value();
    (void)store_.AddTrainable("custom/b", {1}).value();
  }
  VariableStore& variables() override { return store_; }
  std::string_view optimizer_scope() const override { return "custom/"; }
  const OptimizerOptions& default_optimizer() const override { return optimizer_; }
  StatusOr<StepLoss> ComputeGradients(const data::Batch& batch, uint64_t) override {
    const size_t width = batch.feature_names->size();
    const float w = store_.params()[0], b = store_.params()[1];
    double loss = 0, dw = 0, db = 0;
    for (int64_t i = 0; i < batch.size; ++i) {
      const float x = batch.features[static_cast<size_t>(i) * width];
      const double r = w * x + b - batch.labels[static_cast<size_t>(i)];
      loss += r * r;  // d/dw = 2 r x, d/db = 2 r
      dw += 2 * r * x;
      db += 2 * r;
    }
    store_.gradients()[0] = static_cast<float>(dw / batch.size);
    store_.gradients()[1] = static_cast<float>(db / batch.size);
    return StepLoss{loss / batch.size, loss / batch.size};
  }
  StatusOr<Predictions> Predict(const data::Batch&) override { return UnimplementedError("not needed"); }
  Status UpdateMetrics(const data::Batch& batch, Metrics* metrics) override {
    TFCOMPAT_ASSIGN_OR_RETURN(const StepLoss loss, ComputeGradients(batch, 0));
    metrics->Add("loss", loss.loss, 1);
    return OkStatus();
  }

 private:
  VariableStore store_;
  OptimizerOptions optimizer_{"Adam", 0.05f};
};

BOOST_AUTO_TEST_SUITE(TrainerTest)

BOOST_AUTO_TEST_CASE(CustomModelTrainsThroughTheModelInterface) {
  auto data = std::make_shared<data::Dataset>();
  data->feature_names = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"x"});
  for (int i = 0; i < 20; ++i) {
    data->features.push_back(static_cast<float>(i) / 10.0f);
    data->labels.push_back(3.0f * static_cast<float>(i) / 10.0f - 1.0f);
  }
  auto trainer = Trainer::Create(std::make_unique<LeastSquaresModel>(), nullptr, 1).value();
  BOOST_TEST(trainer->variables().Find("custom/beta1_power").ok());
  BOOST_TEST(trainer->variables().Find("custom/w/Adam_1").ok());
  auto batches = data::DatasetBatches::Create(data, {.batch_size = 20, .shuffle = false}).value();
  BOOST_REQUIRE(trainer->Train(batches.get(), TrainSteps::Steps(2000), {}).ok());
  BOOST_TEST(trainer->variables().params()[0] == 3.0f, boost::test_tools::tolerance(1e-2f));
  BOOST_TEST(trainer->variables().params()[1] == -1.0f, boost::test_tools::tolerance(1e-2f));
}

// The tutorial: hidden [10, 10], batch 100, 1000 steps of Adagrad(0.05).
BOOST_AUTO_TEST_CASE(IrisTutorialReachesNinetyPercentTestAccuracy) {
  auto trainer = IrisTrainer(2018);
  auto train =
      data::DatasetBatches::Create(ReadIris("iris_training.csv"), {.batch_size = 100, .shuffle = true, .seed = 2018})
          .value();
  RecordingHook hook;
  TrainHook* hooks[] = {&hook};
  BOOST_REQUIRE(trainer->Train(train.get(), TrainSteps::Steps(1000), hooks).ok());
  BOOST_TEST(trainer->global_step() == 1000);
  BOOST_TEST(hook.steps.size() == 1000u);
  BOOST_TEST(hook.losses.back() < hook.losses.front() / 4);
  auto test =
      data::DatasetBatches::Create(ReadIris("iris_test.csv"), {.batch_size = 100, .shuffle = false, .num_epochs = 1})
          .value();
  const auto metrics = trainer->Evaluate(test.get(), std::nullopt).value();
  BOOST_TEST_MESSAGE("iris test accuracy " << metrics.at("accuracy") << " average_loss " << metrics.at("average_loss"));
  BOOST_TEST(metrics.at("accuracy") >= 0.9);
  BOOST_TEST(metrics.at("global_step") == 1000.0);
  BOOST_TEST(metrics.at("loss") == 30 * metrics.at("average_loss"), boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(TrainingIsDeterministicForASeed) {
  std::vector<float> params[2];
  for (auto& p : params) {
    auto trainer = IrisTrainer(5);
    auto train = data::DatasetBatches::Create(ReadIris("iris_training.csv"), {.batch_size = 32, .seed = 5}).value();
    BOOST_REQUIRE(trainer->Train(train.get(), TrainSteps::Steps(20), {}).ok());
    p.assign(trainer->variables().params().begin(), trainer->variables().params().end());
  }
  BOOST_TEST(params[0] == params[1]);
}

BOOST_AUTO_TEST_CASE(StepsAddAndMaxStepsStopAtTheGlobalStep) {
  auto trainer = IrisTrainer(1);
  auto train = data::DatasetBatches::Create(ReadIris("iris_training.csv"), {.batch_size = 10, .seed = 1}).value();
  BOOST_REQUIRE(trainer->Train(train.get(), TrainSteps::Steps(3), {}).ok());
  BOOST_REQUIRE(trainer->Train(train.get(), TrainSteps::Steps(3), {}).ok());
  BOOST_TEST(trainer->global_step() == 6);
  BOOST_REQUIRE(trainer->Train(train.get(), TrainSteps::MaxSteps(10), {}).ok());
  BOOST_TEST(trainer->global_step() == 10);
  RecordingHook hook;
  TrainHook* hooks[] = {&hook};
  BOOST_REQUIRE(trainer->Train(train.get(), TrainSteps::MaxSteps(8), hooks).ok());
  BOOST_TEST(trainer->global_step() == 10);
  BOOST_TEST(hook.begins.empty());
}

BOOST_AUTO_TEST_CASE(HooksSeeEveryStepAndCanStop) {
  auto trainer = IrisTrainer(1);
  auto train = data::DatasetBatches::Create(ReadIris("iris_training.csv"), {.batch_size = 10, .seed = 1}).value();
  RecordingHook hook;
  hook.stop_at = 4;
  TrainHook* hooks[] = {&hook};
  BOOST_REQUIRE(trainer->Train(train.get(), TrainSteps::Steps(100), hooks).ok());
  BOOST_TEST(hook.begins == std::vector<int64_t>({0}));
  BOOST_TEST(hook.steps == std::vector<int64_t>({1, 2, 3, 4}));
  BOOST_TEST(hook.ends == std::vector<int64_t>({4}));
}

BOOST_AUTO_TEST_CASE(EndOfInputEndsTraining) {
  auto trainer = IrisTrainer(1);
  auto train =
      data::DatasetBatches::Create(ReadIris("iris_training.csv"), {.batch_size = 50, .shuffle = false, .num_epochs = 1})
          .value();
  BOOST_REQUIRE(trainer->Train(train.get(), TrainSteps{}, {}).ok());
  BOOST_TEST(trainer->global_step() == 3);  // 50 + 50 + 20 rows
}

BOOST_AUTO_TEST_CASE(BadStepCountsHaveTFsMessages) {
  auto trainer = IrisTrainer(1);
  auto train = data::DatasetBatches::Create(ReadIris("iris_training.csv"), {}).value();
  BOOST_TEST(trainer->Train(train.get(), {1, 1}, {}).message() == "Can not provide both steps and max_steps.");
  BOOST_TEST(trainer->Train(train.get(), TrainSteps::Steps(0), {}).message() == "Must specify steps > 0, given: 0");
  BOOST_TEST(trainer->Train(train.get(), TrainSteps::MaxSteps(-1), {}).message() ==
             "Must specify max_steps > 0, given: -1");
}

BOOST_AUTO_TEST_CASE(DivergingLossIsNanLossError) {
  DNNRegressorOptions options;
  options.feature_columns = testing::IrisColumns();
  options.hidden_units = {10};
  options.activation_fn = Activation::kLinear;
  options.optimizer = {"SGD", 1e4f};
  auto trainer = Trainer::Create(NewDNNRegressor(options, 1).value(), nullptr, 1).value();
  auto train = data::DatasetBatches::Create(ReadIris("iris_training.csv"), {.batch_size = 100}).value();
  BOOST_TEST(trainer->Train(train.get(), TrainSteps::Steps(100), {}).message() == "NaN loss during training.");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::model
