// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/summary/event_file_reader.h"
#include "util/iris.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat::estimator_tool {
namespace {

using cli::kExitError;
using cli::kExitOk;
using cli::kExitUsage;
using testing::CommandLine;
using testing::Contains;
using testing::IsErrorLine;
using testing::Keys;
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

using KeySet = std::set<std::string>;

CommandLine Run(const std::vector<std::string>& args) { return testing::RunCommandLine(SetupCommands, args); }

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
  // A table and nothing else: its first column is as wide as the longest
  // name, average_loss; the metrics are float32, as in the log line.
  std::istringstream table(eval_out.str());
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(table, line)) lines.push_back(line);
  BOOST_REQUIRE_EQUAL(lines.size(), 5u);
  BOOST_TEST(lines[0] == "metric        value");
  BOOST_TEST(lines[1].rfind("accuracy      ", 0) == 0u, lines[1]);
  BOOST_TEST(std::stod(lines[1].substr(14)) >= 0.9);
  BOOST_TEST(lines[3] == "global_step   1000");
  BOOST_TEST(Contains(eval_err.str(), "INFO:tfcompat:Finished evaluation at "));
  BOOST_TEST(Contains(eval_err.str(), "average_loss = " + lines[2].substr(14) + ","), eval_err.str());

  std::ostringstream predict_out, predict_err;
  const PredictOptions predict = PredictRows(flags, {"5.1,3.3,1.7,0.5", "5.9,3.0,4.2,1.5", "6.9,3.1,5.4,2.1"});
  BOOST_REQUIRE_EQUAL(RunPredict(predict, predict_out, predict_err), kExitOk);
  std::istringstream rows(predict_out.str());
  BOOST_REQUIRE(std::getline(rows, line));
  BOOST_TEST(line == "class       class_id  probability  probabilities");
  for (const char* expected : {"setosa      0  ", "versicolor  1  ", "virginica   2  "}) {
    BOOST_REQUIRE(std::getline(rows, line));
    BOOST_TEST(line.rfind(expected, 0) == 0u, line);
  }
}

BOOST_AUTO_TEST_CASE(EvaluateAndPredictJsonHaveTheDocumentedKeys) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  BOOST_REQUIRE_EQUAL(Train(flags, 200), kExitOk);
  const std::vector<std::string> model = {"--model_dir", flags.config.model_dir, "--train_csv", flags.train_csv};
  std::vector<std::string> args = {"evaluate", "--json", "--eval_csv", RepoDataPath("iris_test.csv")};
  args.insert(args.end(), model.begin(), model.end());
  const CommandLine evaluate = Run(args);
  BOOST_REQUIRE_EQUAL(evaluate.code, kExitOk);
  const auto metrics = nlohmann::json::parse(evaluate.out);
  BOOST_TEST(Keys(metrics) == (KeySet{"accuracy", "average_loss", "global_step", "loss"}));
  BOOST_TEST(metrics["global_step"].get<int64_t>() == 200);
  BOOST_TEST(metrics["accuracy"].is_number_float());

  args = {"predict", "--json", "--predict", "5.1,3.3,1.7,0.5", "--predict", "6.9,3.1,5.4,2.1"};
  args.insert(args.end(), model.begin(), model.end());
  const CommandLine predict = Run(args);
  BOOST_REQUIRE_EQUAL(predict.code, kExitOk);
  std::istringstream lines(predict.out);
  std::string line;
  std::vector<nlohmann::json> examples;
  while (std::getline(lines, line)) examples.push_back(nlohmann::json::parse(line));
  BOOST_REQUIRE_EQUAL(examples.size(), 2u);
  for (const auto& example : examples) {
    BOOST_TEST(Keys(example) ==
               (KeySet{"logits", "probabilities", "class_ids", "classes", "all_class_ids", "all_classes"}));
    BOOST_TEST(example["logits"].size() == 3u);
    BOOST_TEST(example["probabilities"].size() == 3u);
    BOOST_TEST(example["all_class_ids"].dump() == "[0,1,2]");
    BOOST_TEST(example["all_classes"].dump() == R"(["setosa","versicolor","virginica"])");
  }
  BOOST_TEST(examples[0]["class_ids"].dump() == "[0]");
  BOOST_TEST(examples[0]["classes"].dump() == R"(["setosa"])");
  BOOST_TEST(examples[1]["classes"].dump() == R"(["virginica"])");
}

// Saves model_dir's latest checkpoint again, one step on, with the logits
// layer's bias NaN: every logit, probability and the loss become NaN.
void PoisonLatestCheckpoint(const std::string& model_dir, int64_t step) {
  auto latest = LatestCheckpoint(model_dir);
  BOOST_REQUIRE(latest.ok());
  auto reader = BundleReader::Open(*latest);
  BOOST_REQUIRE(reader.ok());
  std::vector<std::pair<std::string, Tensor>> tensors;
  for (const BundleEntry& entry : (*reader)->entries()) {
    auto tensor = (*reader)->Lookup(entry.name);
    BOOST_REQUIRE(tensor.ok());
    if (entry.name == "dnn/logits/bias") {
      *tensor = Tensor::FromVector<float>(DataType::kFloat, entry.shape, std::vector<float>(3, NAN));
    }
    tensors.emplace_back(entry.name, *std::move(tensor));
  }
  auto manager = CheckpointManager::Create(model_dir);
  BOOST_REQUIRE(manager.ok());
  BOOST_REQUIRE((*manager)->Save(step + 1, tensors).ok());
}

BOOST_AUTO_TEST_CASE(NonFiniteResultsAreNaNInTablesAndJson) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  BOOST_REQUIRE_EQUAL(Train(flags, 5), kExitOk);
  PoisonLatestCheckpoint(flags.config.model_dir, 5);
  EvaluateOptions evaluate = EvaluateOn(flags, RepoDataPath("iris_test.csv"));
  evaluate.quiet = true;
  std::ostringstream table, err;
  BOOST_REQUIRE_EQUAL(RunEvaluate(evaluate, table, err), kExitOk);
  BOOST_TEST(Contains(table.str(), "\nloss          NaN\n"), table.str());
  evaluate.json = true;
  std::ostringstream json;
  BOOST_REQUIRE_EQUAL(RunEvaluate(evaluate, json, err), kExitOk);
  BOOST_TEST(nlohmann::json::parse(json.str())["loss"].dump() == R"("NaN")", json.str());

  PredictOptions predict = PredictRows(flags, {"5.1,3.3,1.7,0.5"});
  predict.quiet = true;
  std::ostringstream rows;
  BOOST_REQUIRE_EQUAL(RunPredict(predict, rows, err), kExitOk);
  BOOST_TEST(Contains(rows.str(), "NaN,NaN,NaN\n"), rows.str());
  predict.json = true;
  std::ostringstream lines;
  BOOST_REQUIRE_EQUAL(RunPredict(predict, lines, err), kExitOk);
  const auto example = nlohmann::json::parse(lines.str());
  BOOST_TEST(example["logits"].dump() == R"(["NaN","NaN","NaN"])");
  BOOST_TEST(example["probabilities"].dump() == R"(["NaN","NaN","NaN"])");
}

BOOST_AUTO_TEST_CASE(QuietLeavesOnlyResultsAndErrors) {
  TempDir dir;
  ModelFlags flags = Flags(dir);
  TrainOptions train = TrainSteps(flags, 20);
  train.quiet = true;
  train.progress = true;
  std::ostringstream out, err;
  BOOST_REQUIRE_EQUAL(RunTrain(train, out, err), kExitOk);
  BOOST_TEST(err.str().empty(), err.str());
  BOOST_TEST(Contains(out.str(), "latest checkpoint "));
  EvaluateOptions evaluate = EvaluateOn(flags, RepoDataPath("iris_test.csv"));
  evaluate.quiet = true;
  BOOST_REQUIRE_EQUAL(RunEvaluate(evaluate, out, err), kExitOk);
  BOOST_TEST(err.str().empty(), err.str());
  flags.hidden_units = {3};
  train.model = flags;
  BOOST_TEST(RunTrain(train, out, err) == kExitError);
  BOOST_TEST(IsErrorLine(err.str(), "estimator", "INVALID_ARGUMENT"), err.str());
}

// Whether every log line of `err` starts a line, or follows the bar
// erased: "\r", spaces, "\r".
bool LogLinesStartClean(const std::string& err) {
  std::istringstream lines(err);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t info = line.find("INFO:tfcompat:");
    if (info == std::string::npos || info == 0) continue;
    const std::string before = line.substr(0, info);
    if (before.size() < 3 || before.back() != '\r') return false;
    const size_t erase = before.find_last_not_of(' ', before.size() - 2);
    if (erase == std::string::npos || before[erase] != '\r' || erase == before.size() - 2) return false;
  }
  return true;
}

// The step the bar shows at its first drawing after `from`.
int64_t BarStepAfter(const std::string& err, size_t from) {
  const size_t bar = err.find("\r[", from);
  if (bar == std::string::npos) return -1;
  return std::stoll(err.substr(err.find("]  ", bar) + 3));
}

BOOST_AUTO_TEST_CASE(ProgressBarGoesToStderrAndNeverSharesALineWithALogLine) {
  TempDir dir;
  TrainOptions train = TrainSteps(Flags(dir), 300);
  train.progress = true;
  std::ostringstream out, err;
  BOOST_REQUIRE_EQUAL(RunTrain(train, out, err), kExitOk);
  BOOST_TEST(!Contains(out.str(), "["), out.str());
  BOOST_TEST(Contains(err.str(), "\r[#"), err.str());
  BOOST_TEST(Contains(err.str(), "]  300/300  100%"), err.str());
  BOOST_TEST(LogLinesStartClean(err.str()), err.str());
  // Redrawn under a log line, the bar shows the step just run: the global
  // step after TF's "step = N" (which counts from 0) is N + 1.
  for (const int64_t step : {100, 200}) {
    const size_t logged = err.str().find("loss = ");
    BOOST_REQUIRE(logged != std::string::npos);
    const size_t line = err.str().find(", step = " + std::to_string(step) + " (", logged);
    BOOST_REQUIRE(line != std::string::npos);
    BOOST_TEST(BarStepAfter(err.str(), line) == step + 1);
  }
  // The bar's line ends before the log lines training ends with.
  BOOST_TEST(Contains(err.str(), "\nINFO:tfcompat:Loss for final step: "), err.str());
}

BOOST_AUTO_TEST_CASE(CommandLineUsageErrorsExitOneWithAnErrorLine) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {}, {"fit"}, {"train", "--bogus"}, {"train", "--steps", "0"}, {"evaluate", "--batch_size", "-3"}}) {
    const CommandLine run = Run(args);
    BOOST_TEST(run.code == kExitUsage);
    BOOST_TEST(IsErrorLine(run.err, "estimator", "INVALID_ARGUMENT"), run.err);
  }
  BOOST_TEST(Run({"train", "--steps", "0"}).err ==
             "estimator: INVALID_ARGUMENT: --steps must be a positive integer, got 0 (see 'estimator train --help')\n");
  BOOST_TEST(Run({"predict", "--learning_rate", "-1"}).err ==
             "estimator: INVALID_ARGUMENT: --learning_rate must be a positive number, got -1 (see 'estimator predict "
             "--help')\n");
  BOOST_TEST(Run({"--version"}).code == kExitOk);
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
  while (std::getline(table, line)) {
    // Values start in one column, after the longest name, auc_precision_recall.
    BOOST_TEST(line.find_first_not_of(' ', line.find(' ')) == 22u, line);
    names.push_back(line.substr(0, line.find(' ')));
  }
  BOOST_TEST(names == (std::vector<std::string>{"accuracy", "accuracy_baseline", "auc", "auc_precision_recall",
                                                "average_loss", "global_step", "label/mean", "loss", "precision",
                                                "prediction/mean", "recall"}),
             boost::test_tools::per_element());
  BOOST_TEST(Contains(err.str(), "INFO:tfcompat:Saving dict for global step 50: accuracy = "), err.str());

  // A binary head's predictions add TF's "logistic".
  PredictOptions predict = PredictRows(flags, {"5.9,3.0,4.2,1.5"});
  predict.json = true;
  std::ostringstream json;
  BOOST_REQUIRE_EQUAL(RunPredict(predict, json, err), kExitOk);
  const auto example = nlohmann::json::parse(json.str());
  BOOST_TEST(Keys(example) ==
             (KeySet{"logits", "logistic", "probabilities", "class_ids", "classes", "all_class_ids", "all_classes"}));
  BOOST_TEST(example["logits"].size() == 1u);
  BOOST_TEST(example["probabilities"].size() == 2u);
  BOOST_TEST(example["all_classes"].dump() == R"(["other","versicolor"])");
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
  BOOST_TEST(IsErrorLine(err, "estimator", "INVALID_ARGUMENT"), err);
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
