// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "tfcompat/summary/event_file_reader.h"
#include "util/iris.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat::estimator_tool {
namespace {

using testing::Contains;
using testing::ReadAll;
using testing::RepoDataPath;
using testing::TempDir;
using testing::WriteAll;

ModelFlags Flags(const TempDir& dir) {
  ModelFlags flags;
  flags.config.model_dir = dir.file("iris");
  flags.train_csv = RepoDataPath("iris_training.csv");
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

BOOST_AUTO_TEST_SUITE(EstimatorToolTest)

BOOST_AUTO_TEST_CASE(TrainsEvaluatesAndPredictsTheTutorial) {
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
  BOOST_REQUIRE_EQUAL(RunEvaluate(EvaluateOn(flags, RepoDataPath("iris_test.csv")), eval_out, eval_err), kExitOk);
  // The table's first column is as wide as the longest name, average_loss.
  BOOST_TEST(Contains(eval_out.str(), "metric        value\n"), eval_out.str());
  BOOST_TEST(Contains(eval_out.str(), "global_step   1000\n"), eval_out.str());
  BOOST_TEST(Contains(eval_err.str(), "INFO:tfcompat:Finished evaluation at "));
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

// Iris in TF's layout as a binary task: versicolor or not.
std::string BinaryIris(const TempDir& dir, const std::string& name) {
  std::istringstream in(ReadAll(RepoDataPath(name)));
  std::string line, out;
  std::getline(in, line);
  out = line.substr(0, line.find(',', line.find(',') + 1)) + ",other,versicolor\n";
  while (std::getline(in, line)) {
    const size_t label = line.rfind(',') + 1;
    out += line.substr(0, label) + (line.substr(label) == "1" ? "1" : "0") + "\n";
  }
  WriteAll(dir.file(name), out);
  return dir.file(name);
}

BOOST_AUTO_TEST_CASE(BinaryModelEvaluationTableHasTheBinaryHeadsMetrics) {
  TempDir dir;
  ModelFlags flags = Flags(dir);
  flags.train_csv = BinaryIris(dir, "iris_training.csv");
  BOOST_REQUIRE_EQUAL(Train(flags, 50), kExitOk);
  std::ostringstream out, err;
  BOOST_REQUIRE_EQUAL(RunEvaluate(EvaluateOn(flags, BinaryIris(dir, "iris_test.csv")), out, err), kExitOk);
  std::istringstream table(out.str());
  std::vector<std::string> names;
  std::string line;
  std::getline(table, line);
  BOOST_TEST(line == "metric" + std::string(16, ' ') + "value");
  while (std::getline(table, line) && line.rfind("Test set", 0) != 0) {
    // Values start in one column, after the longest name, auc_precision_recall.
    BOOST_TEST(line.find_first_not_of(' ', line.find(' ')) == 22u, line);
    names.push_back(line.substr(0, line.find(' ')));
  }
  BOOST_TEST(names == (std::vector<std::string>{"accuracy", "accuracy_baseline", "auc", "auc_precision_recall",
                                                "average_loss", "global_step", "label/mean", "loss", "precision",
                                                "prediction/mean", "recall"}),
             boost::test_tools::per_element());
  BOOST_TEST(Contains(err.str(), "INFO:tfcompat:Saving dict for global step 50: accuracy = "), err.str());
}

BOOST_AUTO_TEST_CASE(WeightHistogramsFlagAddsTheWeightHistograms) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  CLI::App app;
  Action action;
  SetupTrain(app, &action);
  std::vector<std::string> args = {
      "train",       "--weight_histograms", "--steps", "2", "--seed", "1", "--model_dir", flags.config.model_dir,
      "--train_csv", flags.train_csv};
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  app.parse(args);
  std::ostringstream out, err;
  BOOST_REQUIRE_EQUAL(action(out, err), kExitOk);
  std::set<std::string> tags;
  for (const auto& entry : boost::filesystem::directory_iterator(flags.config.model_dir)) {
    if (!IsEventFileName(entry.path().filename().string())) continue;
    auto reader = EventFileReader::Open(entry.path().string()).value();
    EventView event;
    while (reader->ReadEvent(&event).ok()) {
      for (const SummaryValueView& v : event.values) tags.insert(v.tag);
    }
  }
  BOOST_TEST(tags.count("dnn/hiddenlayer_0/kernel") == 1u);
  BOOST_TEST(tags.count("dnn/dnn/hiddenlayer_0/activation") == 1u);
}

BOOST_AUTO_TEST_CASE(SecondRunContinuesFromTheLatestCheckpoint) {
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

BOOST_AUTO_TEST_CASE(UsageErrorsExitWithTheUsageCode) {
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

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::estimator_tool
