#define BOOST_TEST_MODULE estimator_tool_test
#include <boost/test/unit_test.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "util/temp_dir.h"

namespace tfcompat::estimator_tool {
namespace {

using testing::TempDir;
using testing::WriteAll;

ModelFlags Flags(const TempDir& dir) {
  ModelFlags flags;
  flags.config.model_dir = dir.file("iris");
  flags.train_csv = TFCOMPAT_REPO_DATA "/iris_training.csv";
  flags.config.tf_random_seed = 1;
  return flags;
}

TrainOptions TrainSteps(const ModelFlags& flags, std::optional<int64_t> steps) {
  TrainOptions options;
  options.model = flags;
  options.steps = steps;
  return options;
}

EvaluateOptions EvaluateOn(const ModelFlags& flags, const std::string& csv) {
  EvaluateOptions options;
  options.model = flags;
  options.eval_csv = csv;
  return options;
}

PredictOptions PredictRows(const ModelFlags& flags, std::vector<std::string> rows, const std::string& csv = "") {
  PredictOptions options;
  options.model = flags;
  options.rows = std::move(rows);
  options.predict_csv = csv;
  return options;
}

int Train(const ModelFlags& flags, int64_t steps, std::string* out = nullptr, std::string* err = nullptr) {
  std::ostringstream o, e;
  const int code = RunTrain(TrainSteps(flags, steps), o, e);
  if (out != nullptr) *out = o.str();
  if (err != nullptr) *err = e.str();
  return code;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

BOOST_AUTO_TEST_CASE(TrainEvaluatePredictTheTutorial) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  std::string out, err;
  BOOST_REQUIRE_EQUAL(Train(flags, 1000, &out, &err), kExitOk);
  BOOST_TEST(Contains(out, "latest checkpoint " + flags.config.model_dir + "/model.ckpt-1000"));
  BOOST_TEST(Contains(err, "INFO:tfcompat:loss = "));
  BOOST_TEST(Contains(err, ", step = 900 ("));
  BOOST_TEST(Contains(err, "INFO:tfcompat:global_step/sec: "));
  BOOST_TEST(
      Contains(err, "INFO:tfcompat:Saving checkpoints for 1000 into " + flags.config.model_dir + "/model.ckpt."));

  std::ostringstream eval_out, eval_err;
  BOOST_REQUIRE_EQUAL(RunEvaluate(EvaluateOn(flags, TFCOMPAT_REPO_DATA "/iris_test.csv"), eval_out, eval_err), kExitOk);
  BOOST_TEST(Contains(eval_out.str(), "global_step     1000\n"));
  const size_t at = eval_out.str().find("Test set accuracy: ");
  BOOST_REQUIRE(at != std::string::npos);
  BOOST_TEST(std::stod(eval_out.str().substr(at + 19)) >= 0.9);

  std::ostringstream predict_out, predict_err;
  const PredictOptions predict = PredictRows(flags, {"5.1,3.3,1.7,0.5", "5.9,3.0,4.2,1.5", "6.9,3.1,5.4,2.1"});
  BOOST_REQUIRE_EQUAL(RunPredict(predict, predict_out, predict_err), kExitOk);
  std::istringstream lines(predict_out.str());
  std::string line;
  for (const char* expected : {"\"setosa\"", "\"versicolor\"", "\"virginica\""}) {
    BOOST_REQUIRE(std::getline(lines, line));
    BOOST_TEST(Contains(line, "Prediction is " + std::string(expected)), line);
  }
}

BOOST_AUTO_TEST_CASE(SecondRunContinues) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  BOOST_REQUIRE_EQUAL(Train(flags, 20), kExitOk);
  std::string out, err;
  BOOST_REQUIRE_EQUAL(Train(flags, 20, &out, &err), kExitOk);
  BOOST_TEST(Contains(out, "Continued from " + flags.config.model_dir + "/model.ckpt-20"));
  BOOST_TEST(Contains(out, "latest checkpoint " + flags.config.model_dir + "/model.ckpt-40"));
  BOOST_TEST(Contains(err, "Restoring parameters from " + flags.config.model_dir + "/model.ckpt-20"));
}

BOOST_AUTO_TEST_CASE(ChangedHiddenUnitsIsAnError) {
  TempDir dir;
  ModelFlags flags = Flags(dir);
  BOOST_REQUIRE_EQUAL(Train(flags, 5), kExitOk);
  flags.hidden_units = {10, 20};
  std::string err;
  BOOST_TEST(Train(flags, 5, nullptr, &err) == kExitError);
  BOOST_TEST(Contains(err, "estimator: INVALID_ARGUMENT: "), err);
  BOOST_TEST(Contains(err,
                      "tensor_name = dnn/hiddenlayer_1/kernel; shape in shape_and_slice spec [10,20] does not "
                      "match the shape stored in checkpoint: [10,10]"),
             err);
}

BOOST_AUTO_TEST_CASE(UsageErrors) {
  TempDir dir;
  std::ostringstream out, err;
  BOOST_TEST(RunTrain(TrainSteps(Flags(dir), std::nullopt), out, err) == kExitUsage);
  BOOST_TEST(Contains(err.str(), "give exactly one of --steps and --max_steps"));
  BOOST_TEST(RunPredict(PredictRows(Flags(dir), {}), out, err) == kExitUsage);
  BOOST_TEST(RunPredict(PredictRows(Flags(dir), {"5.1,abc,1.7,0.5"}), out, err) == kExitUsage);
  BOOST_TEST(Contains(err.str(), "--predict 5.1,abc,1.7,0.5: column 2: expected a number, got 'abc'"), err.str());
  BOOST_TEST(RunPredict(PredictRows(Flags(dir), {"5.1,3.3"}), out, err) == kExitUsage);
  BOOST_TEST(Contains(err.str(), "expected 4 values, got 2"), err.str());
}

BOOST_AUTO_TEST_CASE(PredictCsvErrorsNameFileAndLine) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  WriteAll(dir.file("p.csv"), "SepalLength,SepalWidth,PetalLength,PetalWidth\n5.1,3.3,1.7,0.5\n5.9,3.0,x,1.5\n");
  std::ostringstream out, err;
  BOOST_TEST(RunPredict(PredictRows(flags, {}, dir.file("p.csv")), out, err) == kExitError);
  BOOST_TEST(Contains(err.str(), dir.file("p.csv") + ":3: column 3: expected a number, got 'x'"), err.str());
}

BOOST_AUTO_TEST_CASE(BadTrainingFileIsAnError) {
  TempDir dir;
  ModelFlags flags = Flags(dir);
  flags.train_csv = dir.file("missing.csv");
  std::ostringstream out, err;
  BOOST_TEST(RunEvaluate(EvaluateOn(flags, flags.train_csv), out, err) == kExitError);
  BOOST_TEST(Contains(err.str(), "missing.csv"), err.str());
}

}  // namespace
}  // namespace tfcompat::estimator_tool
