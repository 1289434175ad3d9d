// SPDX-License-Identifier: Apache-2.0
// `estimator train_and_evaluate`: the roles, the output, what an evaluator
// leaves alone.
#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "model_record.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/checkpoint/model_dir_lock.h"
#include "util/iris.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat::estimator_tool {
namespace {

namespace fs = boost::filesystem;
using cli::kExitOk;
using cli::kExitUsage;
using testing::Contains;
using testing::IsErrorLine;
using testing::ReadAll;
using testing::RepoDataPath;
using testing::TempDir;

// Iris, a checkpoint every 50 steps, evaluations with no waiting.
TrainAndEvaluateOptions Options(const TempDir& dir, int64_t max_steps) {
  TrainAndEvaluateOptions options;
  options.model.config.model_dir = dir.file("iris");
  options.model.config.tf_random_seed = 1;
  options.model.config.save_checkpoints_steps = 50;
  options.model.train_csv = RepoDataPath("iris_training.csv");
  options.model.feature_names = testing::kIrisFeatures;
  options.max_steps = max_steps;
  options.eval_csv = RepoDataPath("iris_test.csv");
  options.start_delay_secs = 0;
  options.throttle_secs = 0;
  return options;
}

struct Outcome {
  int code;
  std::string out, err;
};
Outcome Run(const TrainAndEvaluateOptions& options, const char* tf_config = nullptr) {
  std::ostringstream out, err;
  const int code = RunTrainAndEvaluate(options, tf_config, out, err);
  return {code, out.str(), err.str()};
}

// Every file under `dir` but those under `dir`/eval, with its contents.
std::map<std::string, std::string> FilesOutsideEval(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (fs::recursive_directory_iterator it(dir), end; it != end; ++it) {
    if (it->path().filename() == "eval") it.disable_recursion_pending();
    if (fs::is_regular_file(it->path())) files[it->path().string()] = ReadAll(it->path().string());
  }
  return files;
}

BOOST_AUTO_TEST_SUITE(EstimatorTrainAndEvaluateTest)

BOOST_AUTO_TEST_CASE(LocalRunTrainsEvaluatesAndPrintsTheLastMetrics) {
  TempDir dir;
  TrainAndEvaluateOptions options = Options(dir, 150);
  options.json = true;
  const Outcome run = Run(options);
  BOOST_REQUIRE_EQUAL(run.code, kExitOk);
  const auto metrics = nlohmann::json::parse(run.out);
  BOOST_TEST(metrics["global_step"].get<int64_t>() == 150);
  BOOST_TEST(metrics["accuracy"].is_number_float());
  BOOST_TEST(Contains(run.err, "INFO:tfcompat:Running training and evaluation locally (non-distributed).\n"));
  BOOST_TEST(Contains(run.err, "INFO:tfcompat:Saving dict for global step 50: "));
  BOOST_TEST(Contains(run.err, "INFO:tfcompat:Saving dict for global step 100: "));
  // The first train of a model_dir records the model, as `train` does.
  BOOST_TEST(fs::exists(ModelRecordPath(options.model.config.model_dir)));
}

BOOST_AUTO_TEST_CASE(TrainingTaskTrainsOnly) {
  TempDir dir;
  TrainAndEvaluateOptions options = Options(dir, 60);
  options.task_type = "chief";
  const Outcome run = Run(options, R"({"not": "read"})");
  BOOST_REQUIRE_EQUAL(run.code, kExitOk);
  BOOST_TEST(run.out ==
             "Trained model in " + dir.file("iris") + "; latest checkpoint " + dir.file("iris") + "/model.ckpt-60\n");
  BOOST_TEST(!fs::exists(dir.file("iris/eval")));
}

BOOST_AUTO_TEST_CASE(EvaluatorOfTfConfigWritesEvalOnlyAndTakesNoLock) {
  TempDir dir;
  TrainAndEvaluateOptions train = Options(dir, 100);
  train.task_type = "chief";
  BOOST_REQUIRE_EQUAL(Run(train).code, kExitOk);
  const std::string model_dir = dir.file("iris");
  const auto before = FilesOutsideEval(model_dir);
  // A trainer holds the model_dir; the evaluator needs no model flags (the
  // record has them).
  auto lock = ModelDirLock::Acquire(model_dir).value();
  TrainAndEvaluateOptions evaluate = Options(dir, 100);
  evaluate.model = ModelFlags();
  evaluate.model.config.model_dir = model_dir;
  const Outcome run =
      Run(evaluate, R"({"cluster": {"chief": ["h0:2222"]}, "task": {"type": "evaluator", "index": 0}})");
  BOOST_REQUIRE_EQUAL(run.code, kExitOk);
  BOOST_TEST(Contains(run.out, "global_step   100\n"), run.out);
  BOOST_TEST(Contains(run.err, "INFO:tfcompat:Exiting evaluation, global_step=100 >= train max_steps=100\n"));
  lock.reset();
  BOOST_TEST(FilesOutsideEval(model_dir) == before);
  BOOST_TEST(fs::exists(model_dir + "/eval"));
}

// An evaluator given no model flags, started before the chief: it waits
// for the chief's record of the model, then evaluates that model (as an
// `evaluate` of the final checkpoint does), not one of the defaults.
BOOST_AUTO_TEST_CASE(EvaluatorStartedBeforeTheChiefEvaluatesTheChiefsModel) {
  TempDir dir;
  const std::string model_dir = dir.file("iris");
  TrainAndEvaluateOptions evaluate = Options(dir, 100);
  evaluate.model = ModelFlags();
  evaluate.model.config.model_dir = model_dir;
  evaluate.task_type = "evaluator";
  evaluate.json = true;
  Outcome evaluated;
  std::thread evaluator([&] { evaluated = Run(evaluate); });
  // Long enough for the evaluator to find the model_dir empty; the log line
  // checked below shows that it did.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  TrainAndEvaluateOptions train = Options(dir, 100);
  train.task_type = "chief";
  const Outcome trained = Run(train);
  evaluator.join();
  BOOST_REQUIRE_EQUAL(trained.code, kExitOk);
  BOOST_REQUIRE_EQUAL(evaluated.code, kExitOk);
  BOOST_TEST(Contains(evaluated.err, "INFO:tfcompat:Waiting for the model's record " + ModelRecordPath(model_dir) +
                                         " or a checkpoint in " + model_dir + ".\n"),
             evaluated.err);
  EvaluateOptions final_checkpoint;
  final_checkpoint.model.config.model_dir = model_dir;
  final_checkpoint.eval_csv = RepoDataPath("iris_test.csv");
  final_checkpoint.json = true;
  std::ostringstream out, err;
  BOOST_REQUIRE_EQUAL(RunEvaluate(final_checkpoint, out, err), kExitOk);
  const auto expected = nlohmann::json::parse(out.str());
  const auto actual = nlohmann::json::parse(evaluated.out);
  BOOST_TEST(actual["global_step"] == 100);
  BOOST_TEST(actual["accuracy"] == expected["accuracy"]);
  BOOST_TEST(actual["average_loss"] == expected["average_loss"]);
}

BOOST_AUTO_TEST_CASE(BadTaskIsAUsageError) {
  TempDir dir;
  const Outcome bad_json = Run(Options(dir, 10), "{cluster");
  BOOST_TEST(bad_json.code == kExitUsage);
  BOOST_TEST(IsErrorLine(bad_json.err, "estimator", "INVALID_ARGUMENT"), bad_json.err);
  BOOST_TEST(Contains(bad_json.err, "the TF_CONFIG environment variable"), bad_json.err);
  const Outcome second_evaluator =
      Run(Options(dir, 10), R"({"cluster": {"chief": ["h0:2222"]}, "task": {"type": "evaluator", "index": 1}})");
  BOOST_TEST(second_evaluator.code == kExitUsage);
  BOOST_TEST(Contains(second_evaluator.err, "there can only be one `evaluator` task (with task id 0)"));
  BOOST_TEST(!fs::exists(dir.file("iris")));

  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"train_and_evaluate", "--eval_csv", "x.csv"},
           {"train_and_evaluate", "--max_steps", "10", "--eval_csv", "x.csv", "--task_type", "ps"},
           {"train_and_evaluate", "--max_steps", "10", "--eval_csv", "x.csv", "--throttle_secs", "-1"},
           {"train_and_evaluate", "--max_steps", "10"}}) {
    const testing::CommandLine run = testing::RunCommandLine(SetupCommands, args);
    BOOST_TEST(run.code == kExitUsage, args.back());
    BOOST_TEST(IsErrorLine(run.err, "estimator", "INVALID_ARGUMENT"), run.err);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::estimator_tool
