// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/estimator/training.h"

#include <algorithm>
#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/summary/event_file_reader.h"
#include "util/iris.h"
#include "util/temp_dir.h"

namespace tfcompat::estimator {
namespace {

namespace fs = boost::filesystem;
using testing::TempDir;

InputFn Batches(const std::string& file, int64_t num_epochs) {
  return DatasetInputFn(testing::ReadIris(file), {.batch_size = 32, .seed = 7, .num_epochs = num_epochs});
}

// One estimator's log, safe to read while another thread writes it.
class Log {
 public:
  LogFn fn() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
      changed_.notify_all();
    };
  }
  int Count(const std::string& line) const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(std::count(lines_.begin(), lines_.end(), line));
  }
  bool Has(const std::string& line) const { return Count(line) > 0; }
  bool HasPrefix(const std::string& prefix) const {
    std::lock_guard<std::mutex> lock(mu_);
    return std::any_of(lines_.begin(), lines_.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
  }
  void WaitFor(const std::string& line) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return std::find(lines_.begin(), lines_.end(), line) != lines_.end(); });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

struct Fixture {
  TempDir dir;
  Log log;

  // The Iris classifier in dir/model, a checkpoint every 10 steps.
  std::unique_ptr<Estimator> Make(const std::string& task_type = "", Log* to = nullptr) {
    RunConfig config;
    config.model_dir = dir.file("model");
    config.tf_random_seed = 1;
    config.save_checkpoints_steps = 10;
    config.task_type = task_type;
    return Estimator::DNNClassifier(testing::IrisClassifierOptions({4}), config, (to ? to : &log)->fn()).value();
  }
  TrainSpec Train(int64_t max_steps) const {
    TrainSpec spec;
    spec.input_fn = Batches("iris_training.csv", 0);
    spec.max_steps = max_steps;
    return spec;
  }
  EvalSpec Eval(double throttle_secs) const {
    EvalSpec spec;
    spec.input_fn = Batches("iris_test.csv", 1);
    spec.steps = 2;
    spec.start_delay_secs = 0;
    spec.throttle_secs = throttle_secs;
    return spec;
  }
};

// The steps of the evaluations written to model_dir/`eval_dir`, in file
// order (one `accuracy` per evaluation).
std::vector<int64_t> EvalSteps(const std::string& model_dir, const std::string& eval_dir = "eval") {
  std::vector<int64_t> steps;
  const fs::path path = fs::path(model_dir) / eval_dir;
  if (!fs::exists(path)) return steps;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(path), end; it != end; ++it) {
    if (IsEventFileName(it->path().filename().string())) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    auto reader = EventFileReader::Open(file.string()).value();
    EventView event;
    while (reader->ReadEvent(&event).ok()) {
      for (const SummaryValueView& v : event.values) {
        if (v.tag == "accuracy") steps.push_back(event.step);
      }
    }
  }
  return steps;
}

// Records the listener calls, as "begin", "before 10", "after 10", "end 30".
class RecordingListener final : public CheckpointSaverListener {
 public:
  Status Begin() override { return Record("begin"); }
  Status BeforeSave(int64_t step) override { return Record("before " + std::to_string(step)); }
  Status AfterSave(int64_t step) override {
    // The checkpoint is on disk and listed by now.
    const std::string latest = LatestCheckpoint(model_dir_).value();
    BOOST_TEST(latest.substr(latest.size() - std::to_string(step).size() - 1) == "-" + std::to_string(step));
    return Record("after " + std::to_string(step));
  }
  Status End(int64_t step) override { return Record("end " + std::to_string(step)); }

  explicit RecordingListener(std::string model_dir) : model_dir_(std::move(model_dir)) {}
  std::vector<std::string> calls;

 private:
  Status Record(std::string call) {
    calls.push_back(std::move(call));
    return OkStatus();
  }
  std::string model_dir_;
};

BOOST_AUTO_TEST_SUITE(TrainingTest)

BOOST_FIXTURE_TEST_CASE(SavingListenersHearEverySaveInOrder, Fixture) {
  for (const bool async : {false, true}) {
    TempDir model;
    RunConfig config;
    config.model_dir = model.path();
    config.save_checkpoints_steps = 10;
    config.async_checkpoint = async;
    auto estimator = Estimator::DNNClassifier(testing::IrisClassifierOptions({4}), config, log.fn()).value();
    RecordingListener listener(model.path());
    CheckpointSaverListener* const listeners[] = {&listener};
    BOOST_REQUIRE(
        estimator->Train(Batches("iris_training.csv", 0), model::TrainSteps::MaxSteps(25), {}, listeners).ok());
    const std::vector<std::string> expected = {"begin",     "before 0", "after 0",   "before 10", "after 10",
                                               "before 20", "after 20", "before 25", "after 25",  "end 25"};
    BOOST_TEST(listener.calls == expected, "async " << async);
  }
}

BOOST_FIXTURE_TEST_CASE(ListenerErrorEndsTraining, Fixture) {
  struct Failing final : CheckpointSaverListener {
    Status AfterSave(int64_t step) override { return step == 10 ? InternalError("listener failed at 10") : OkStatus(); }
  } failing;
  auto estimator = Make();
  CheckpointSaverListener* const listeners[] = {&failing};
  const Status status =
      estimator->Train(Batches("iris_training.csv", 0), model::TrainSteps::MaxSteps(30), {}, listeners);
  BOOST_TEST(status.message() == "listener failed at 10");
}

BOOST_FIXTURE_TEST_CASE(LocalEvaluatesEveryCheckpointButTheFirst, Fixture) {
  auto estimator = Make();
  const auto metrics = TrainAndEvaluate(*estimator, Train(30), Eval(0));
  BOOST_REQUIRE(metrics.ok());
  BOOST_TEST(metrics->at("global_step") == 30);
  BOOST_TEST(EvalSteps(estimator->model_dir()) == (std::vector<int64_t>{10, 20, 30}));
  BOOST_TEST(log.Has("Running training and evaluation locally (non-distributed)."));
  BOOST_TEST(
      log.Has("Start train and evaluate loop. The evaluate will happen after every checkpoint. Checkpoint frequency is "
              "determined based on RunConfig arguments: save_checkpoints_steps 10 or save_checkpoints_secs None."));
  BOOST_TEST(!log.HasPrefix("Skip the current checkpoint eval"));
}

BOOST_FIXTURE_TEST_CASE(LocalThrottlesAndEvaluatesTheLastCheckpointAtTheEnd, Fixture) {
  auto estimator = Make();
  const auto metrics = TrainAndEvaluate(*estimator, Train(40), Eval(3600));
  BOOST_REQUIRE(metrics.ok());
  BOOST_TEST(metrics->at("global_step") == 40);
  // 10 is the first after training began; 20 and 30 come within the hour;
  // 40, the last, is evaluated when training ends.
  BOOST_TEST(EvalSteps(estimator->model_dir()) == (std::vector<int64_t>{10, 40}));
  BOOST_TEST(log.Count("Skip the current checkpoint eval due to throttle secs (3600 secs).") == 3);
}

BOOST_FIXTURE_TEST_CASE(LocalAtMaxStepsAlreadyEvaluatesTheLatestCheckpoint, Fixture) {
  auto estimator = Make();
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), model::TrainSteps::MaxSteps(20)).ok());
  const auto metrics = TrainAndEvaluate(*estimator, Train(20), Eval(0));
  BOOST_REQUIRE(metrics.ok());
  BOOST_TEST(metrics->at("global_step") == 20);
  BOOST_TEST(EvalSteps(estimator->model_dir()) == (std::vector<int64_t>{20}));
}

BOOST_FIXTURE_TEST_CASE(TrainingTasksTrainOnly, Fixture) {
  for (const char* type : {kChief, kWorker, kMaster}) {
    TempDir model;
    RunConfig config;
    config.model_dir = model.path();
    config.task_type = type;
    auto estimator = Estimator::DNNClassifier(testing::IrisClassifierOptions({4}), config, log.fn()).value();
    const auto metrics = TrainAndEvaluate(*estimator, Train(15), Eval(0));
    BOOST_REQUIRE(metrics.ok());
    BOOST_TEST(metrics->empty());
    BOOST_TEST(LatestCheckpoint(model.path()).value() == model.file("model.ckpt-15"));
    BOOST_TEST(!fs::exists(model.file("eval")), type);
  }
}

BOOST_FIXTURE_TEST_CASE(EvaluatorFollowsTheTrainerAndStopsAfterTheLastStep, Fixture) {
  auto evaluator = Make(kEvaluator);
  EvalSpec eval = Eval(0.05);
  eval.name = "test";
  StatusOr<std::map<std::string, double>> metrics = InternalError("not run");
  std::thread thread([&] { metrics = TrainAndEvaluate(*evaluator, Train(100), eval); });
  log.WaitFor("Estimator is not trained yet. Will start an evaluation when a checkpoint is ready.");
  Log train_log;
  auto trainer = Make("", &train_log);
  const Status trained = trainer->Train(Batches("iris_training.csv", 0), model::TrainSteps::MaxSteps(100));
  thread.join();
  BOOST_REQUIRE(trained.ok());
  BOOST_REQUIRE(metrics.ok());
  BOOST_TEST(metrics->at("global_step") == 100);
  BOOST_TEST(log.Count("Estimator is not trained yet. Will start an evaluation when a checkpoint is ready.") == 1);
  BOOST_TEST(log.Has("Exiting evaluation, global_step=100 >= train max_steps=100"));
  // Each checkpoint at most once, in order, the last one included; nothing
  // in model_dir/eval.
  const std::vector<int64_t> steps = EvalSteps(trainer->model_dir(), "eval_test");
  BOOST_REQUIRE(!steps.empty());
  BOOST_TEST((std::adjacent_find(steps.begin(), steps.end(), std::greater_equal<int64_t>()) == steps.end()));
  BOOST_TEST(steps.back() == 100);
  BOOST_TEST(!fs::exists(fs::path(trainer->model_dir()) / "eval"));
}

BOOST_FIXTURE_TEST_CASE(EvaluatorWaitsForANewCheckpoint, Fixture) {
  auto trainer = Make();
  BOOST_REQUIRE(trainer->Train(Batches("iris_training.csv", 0), model::TrainSteps::MaxSteps(10)).ok());
  auto evaluator = Make(kEvaluator);
  StatusOr<std::map<std::string, double>> metrics = InternalError("not run");
  std::thread thread([&] { metrics = TrainAndEvaluate(*evaluator, Train(20), Eval(0.05)); });
  log.WaitFor(
      "No new checkpoint ready for evaluation. Skip the current evaluation pass as evaluation results are expected "
      "to be same for the same checkpoint.");
  BOOST_REQUIRE(trainer->Train(Batches("iris_training.csv", 0), model::TrainSteps::MaxSteps(20)).ok());
  thread.join();
  BOOST_REQUIRE(metrics.ok());
  BOOST_TEST(EvalSteps(trainer->model_dir()) == (std::vector<int64_t>{10, 20}));
  BOOST_TEST(log.HasPrefix("Waiting 0.0"));
}

BOOST_FIXTURE_TEST_CASE(EvaluatorSkipsACheckpointDeletedBeforeItIsRead, Fixture) {
  auto trainer = Make();
  BOOST_REQUIRE(trainer->Train(Batches("iris_training.csv", 0), model::TrainSteps::MaxSteps(10)).ok());
  auto evaluator = Make(kEvaluator);
  EvalSpec eval = Eval(0.05);
  // Evaluate() calls the input_fn before it reads the checkpoint: the first
  // time, the trainer goes on to step 20 and model.ckpt-10 goes, as
  // keep_checkpoint_max would delete it (index first).
  const std::string model_dir = trainer->model_dir();
  bool first = true;
  eval.input_fn = [&, batches = eval.input_fn]() {
    if (std::exchange(first, false)) {
      BOOST_REQUIRE(trainer->Train(Batches("iris_training.csv", 0), model::TrainSteps::MaxSteps(20)).ok());
      for (fs::directory_iterator it(model_dir), end; it != end; ++it) {
        if (it->path().filename().string().rfind("model.ckpt-10.", 0) == 0) fs::remove(it->path());
      }
    }
    return batches();
  };
  const auto metrics = TrainAndEvaluate(*evaluator, Train(20), eval);
  BOOST_REQUIRE(metrics.ok());
  BOOST_TEST(metrics->at("global_step") == 20);
  BOOST_TEST(log.HasPrefix("Checkpoint " + model_dir + "/model.ckpt-10 was deleted before it could be evaluated ("));
  BOOST_TEST(EvalSteps(model_dir) == (std::vector<int64_t>{20}));
}

BOOST_FIXTURE_TEST_CASE(SpecsAndTasksTFRejects, Fixture) {
  auto estimator = Make();
  const auto message = [&](const TrainSpec& train, const EvalSpec& eval) {
    return TrainAndEvaluate(*estimator, train, eval).status().message();
  };
  BOOST_TEST(message(Train(0), Eval(0)) == "Must specify max_steps > 0, given: 0");
  EvalSpec eval = Eval(0);
  eval.steps = 0;
  BOOST_TEST(message(Train(10), eval) == "Must specify steps > 0, given: 0");
  BOOST_TEST(message(Train(10), Eval(-1)) == "Must specify throttle_secs >= 0, given: -1");
  eval = Eval(0);
  eval.start_delay_secs = -0.5;
  BOOST_TEST(message(Train(10), eval) == "Must specify start_delay_secs >= 0, given: -0.5");
  BOOST_TEST(message({}, Eval(0)) == "`input_fn` must be callable, given: None (TrainSpec)");

  RunConfig config = estimator->config();
  config.task_type = kEvaluator;
  config.task_id = 1;
  auto second = Estimator::DNNClassifier(testing::IrisClassifierOptions({4}), config, log.fn()).value();
  const Status status = TrainAndEvaluate(*second, Train(10), Eval(0)).status();
  BOOST_TEST((status.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(status.message() ==
             "For distributed training, there can only be one `evaluator` task (with task id 0).  Given task id 1");
  config.task_type = kPs;
  config.task_id = 0;
  auto ps = Estimator::DNNClassifier(testing::IrisClassifierOptions({4}), config, log.fn()).value();
  BOOST_TEST(TrainAndEvaluate(*ps, Train(10), Eval(0)).status().message().rfind("Task type ps is not supported.", 0) ==
             0);
  BOOST_TEST(!fs::exists(estimator->model_dir()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::estimator
