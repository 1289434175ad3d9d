// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <ctime>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "command_line.h"
#include "commands.h"
#include "model_record.h"
#include "model_setup.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/saved_model/saved_model_reader.h"
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
using testing::kIrisFeatures;
using testing::ReadAll;
using testing::RepoDataPath;
using testing::TempDir;
using testing::WriteAll;

const std::vector<std::string> kSpecies = {"setosa", "versicolor", "virginica"};

// The tutorial's model: Iris in TF's layout, its columns named.
ModelFlags Flags(const TempDir& dir) {
  ModelFlags flags;
  flags.config.model_dir = dir.file("iris");
  flags.train_csv = RepoDataPath("iris_training.csv");
  flags.feature_names = kIrisFeatures;
  flags.config.tf_random_seed = 1;
  return flags;
}

// Only the model directory (and the seed): what a later call needs.
ModelFlags Bare(const ModelFlags& flags) {
  ModelFlags bare;
  bare.config.model_dir = flags.config.model_dir;
  bare.config.tf_random_seed = flags.config.tf_random_seed;
  return bare;
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

// A subcommand's exit code and output.
struct Outcome {
  int code;
  std::string out, err;
};
Outcome Evaluate(const ModelFlags& flags, const std::string& csv) {
  std::ostringstream out, err;
  const int code = RunEvaluate(EvaluateOn(flags, csv), out, err);
  return {code, out.str(), err.str()};
}
Outcome Predict(const PredictOptions& options) {
  std::ostringstream out, err;
  const int code = RunPredict(options, out, err);
  return {code, out.str(), err.str()};
}

using KeySet = std::set<std::string>;

CommandLine Run(const std::vector<std::string>& args) { return testing::RunCommandLine(SetupCommands, args); }

// The value of `metric` in evaluate's table.
double Metric(const std::string& table, const std::string& metric) {
  std::istringstream lines(table);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(metric + " ", 0) == 0) return std::stod(line.substr(line.find_first_not_of(' ', metric.size())));
  }
  BOOST_FAIL("no " << metric << " in\n" << table);
  return 0;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first column of predict's table (the class, or a regressor's value),
// one entry per example.
std::vector<std::string> Predicted(const std::string& table) {
  std::vector<std::string> lines = Lines(table);
  std::vector<std::string> first;
  for (size_t i = 1; i < lines.size(); ++i) first.push_back(lines[i].substr(0, lines[i].find(' ')));
  return first;
}

// The rows of an Iris file in TF's layout: four features and a class id.
struct IrisRow {
  std::vector<std::string> features;
  int label;
};
std::vector<IrisRow> IrisRows(const std::string& name) {
  std::vector<IrisRow> rows;
  const std::vector<std::string> lines = Lines(ReadAll(RepoDataPath(name)));
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> fields;
    std::istringstream in(lines[i]);
    for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
    rows.push_back({{fields.begin(), fields.begin() + 4}, std::stoi(fields[4])});
  }
  return rows;
}

// An Iris file as an ordinary CSV: a header row of names in another order
// than TF's, the species as names (some quoted), and a quoted comment
// column holding commas, doubled quotes and a line break.
std::string NamedIris(const TempDir& dir, const std::string& name, bool with_label = true) {
  std::string csv =
      std::string(with_label ? "\"Species\"," : "") + "PetalWidth,\"SepalLength\",note,PetalLength,SepalWidth\n";
  int i = 0;
  for (const IrisRow& row : IrisRows(name)) {
    const std::string& species = kSpecies[static_cast<size_t>(row.label)];
    if (with_label) csv += (i % 2 == 0 ? "\"" + species + "\"" : species) + ",";
    csv += row.features[3] + "," + row.features[0] + "," +
           (i % 3 == 0 ? "\"row " + std::to_string(i) + ", \"\"quoted\"\"\nover two lines\"" : "plain") + "," +
           row.features[2] + ", \"" + row.features[1] + "\"\n";
    ++i;
  }
  const std::string path = dir.file("named_" + name);
  WriteAll(path, csv);
  return path;
}

// The flags of a model trained on NamedIris: species names as labels.
ModelFlags NamedFlags(const TempDir& dir, const std::string& estimator) {
  ModelFlags flags;
  flags.config.model_dir = dir.file(estimator);
  flags.config.tf_random_seed = 3;
  flags.estimator = estimator;
  flags.train_csv = NamedIris(dir, "iris_training.csv");
  flags.label_column = "Species";
  flags.feature_names = kIrisFeatures;
  flags.label_vocabulary = kSpecies;
  return flags;
}

std::vector<std::string> CheckpointNames(const std::string& model_dir) {
  estimator::RunConfig config;
  config.model_dir = model_dir;
  auto library = estimator::Estimator::DNNClassifier(testing::IrisClassifierOptions(), config);
  return library.value()->GetVariableNames().value();
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
  BOOST_TEST(!Contains(eval_err.str(), "warning"), eval_err.str());
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
  flags.hidden_units = std::vector<int64_t>{3};
  train.model = flags;
  BOOST_TEST(RunTrain(train, out, err) == kExitUsage);
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

BOOST_AUTO_TEST_CASE(FirstTrainWritesTheRecord) {
  TempDir dir;
  ModelFlags flags = Flags(dir);
  flags.hidden_units = std::vector<int64_t>{8, 4};
  flags.activation_fn = "tanh";
  flags.dropout = 0.1f;
  flags.optimizer = "Adam";
  BOOST_REQUIRE_EQUAL(Train(flags, 5), kExitOk);
  const std::string path = flags.config.model_dir + "/estimator.json";
  const std::string text = ReadAll(path);
  ModelRecord expected;
  expected.estimator = "DNNClassifier";
  expected.feature_columns = kIrisFeatures;
  expected.n_classes = 3;
  expected.label_vocabulary = kSpecies;  // the class names of TF's header
  expected.hidden_units = {8, 4};
  expected.activation_fn = "tanh";
  expected.dropout = 0.1f;
  expected.optimizer = "Adam";
  expected.learning_rate = 0.05f;  // TF's rate for a named optimizer of the DNN
  expected.train_csv = boost::filesystem::absolute(RepoDataPath("iris_training.csv")).lexically_normal().string();
  BOOST_TEST((ParseModelRecord(text, path).value() == expected), text);
  // Written as documented, numbers as the flags would give them.
  BOOST_TEST(Contains(text, "{\n  \"estimator\": \"DNNClassifier\",\n  \"feature_columns\": [\n"), text);
  BOOST_TEST(Contains(text, "\"dropout\": 0.1,\n  \"optimizer\": \"Adam\",\n  \"learning_rate\": 0.05,\n"), text);
  // Atomically: no temporary file is left.
  for (const auto& entry : boost::filesystem::directory_iterator(flags.config.model_dir)) {
    BOOST_TEST(!Contains(entry.path().filename().string(), ".tmp"), entry.path());
  }
}

BOOST_AUTO_TEST_CASE(RecordRoundTripsForEveryEstimator) {
  for (const std::string_view estimator : kEstimatorNames) {
    ModelRecord record;
    record.estimator = std::string(estimator);
    record.feature_columns = {"a", "b"};
    record.label_column = "y";
    if (IsClassifier(estimator)) {
      record.n_classes = 2;
      record.label_vocabulary = {"no", "yes"};
    }
    if (IsDnn(estimator)) {
      record.hidden_units = {3};
      record.activation_fn = "elu";
      record.dropout = 0.25f;
    }
    record.optimizer = "Ftrl";
    record.learning_rate = 0.2f;
    record.train_csv = "/data/train.csv";
    if (IsWideDeep(estimator)) {
      record.feature_columns.clear();
      record.feature_column_spec = R"({"columns":{},"linear_feature_columns":[]})";
      record.linear_optimizer = "Adagrad";
      record.linear_learning_rate = 0.5f;
      record.input_format = "tfrecord";
      record.na_value = "?";
    }
    const std::string json = ModelRecordJson(record);
    BOOST_TEST((ParseModelRecord(json, "r.json").value() == record), json);
    BOOST_TEST(Contains(json, "\"hidden_units\"") == IsDnn(estimator), json);
    BOOST_TEST(Contains(json, "\"n_classes\"") == IsClassifier(estimator), json);
  }
}

BOOST_AUTO_TEST_CASE(RecordedModelNeedsNoModelFlags) {
  TempDir dir;
  ModelFlags flags = Flags(dir);
  flags.hidden_units = std::vector<int64_t>{6};
  flags.optimizer = "RMSProp";
  flags.learning_rate = 0.01f;
  BOOST_REQUIRE_EQUAL(Train(flags, 30), kExitOk);

  // A later train reads the recorded training file and continues.
  const ModelFlags bare = Bare(flags);
  std::string out, err;
  BOOST_REQUIRE_EQUAL(Train(bare, 20, &out, &err), kExitOk);
  BOOST_TEST(Contains(out, "Continued from " + flags.config.model_dir + "/model.ckpt-30"), out << err);
  BOOST_TEST(Contains(out, "model.ckpt-50"));
  const Outcome eval = Evaluate(bare, RepoDataPath("iris_test.csv"));
  BOOST_REQUIRE_EQUAL(eval.code, kExitOk);
  BOOST_TEST(Metric(eval.out, "global_step") == 50);
  const Outcome predict = Predict(PredictRows(bare, {"5.1,3.3,1.7,0.5"}));
  BOOST_REQUIRE_EQUAL(predict.code, kExitOk);
  BOOST_TEST(Predicted(predict.out).size() == 1u, predict.out);
  // A flag that agrees with the record is fine.
  ModelFlags agreeing = bare;
  agreeing.hidden_units = std::vector<int64_t>{6};
  agreeing.learning_rate = 0.01f;
  BOOST_TEST(Evaluate(agreeing, RepoDataPath("iris_test.csv")).code == kExitOk);
}

BOOST_AUTO_TEST_CASE(FlagContradictingTheRecordIsAnErrorNamingBothValues) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  BOOST_REQUIRE_EQUAL(Train(flags, 5), kExitOk);
  const std::string record = flags.config.model_dir + "/estimator.json";
  const std::string before = ReadAll(record);
  const auto expect = [&](ModelFlags changed, const std::string& message) {
    std::string err;
    BOOST_TEST(Train(changed, 5, nullptr, &err) == kExitUsage);
    BOOST_TEST(Contains(err, "estimator: INVALID_ARGUMENT: " + message + " recorded in " + record), err);
    const Outcome eval = Evaluate(changed, RepoDataPath("iris_test.csv"));
    BOOST_TEST(eval.code == kExitUsage);
    BOOST_TEST(Contains(eval.err, message), eval.err);
  };
  ModelFlags changed = flags;
  changed.hidden_units = std::vector<int64_t>{20, 20};
  expect(changed, "--hidden_units 20,20 contradicts 10,10");
  changed = flags;
  changed.learning_rate = 0.1f;
  expect(changed, "--learning_rate 0.1 contradicts 0.05");
  changed = flags;
  changed.estimator = "LinearClassifier";
  expect(changed, "--estimator LinearClassifier contradicts DNNClassifier");
  changed = flags;
  changed.label_vocabulary = std::vector<std::string>{"a", "b", "c"};
  expect(changed, "--label_vocabulary a,b,c contradicts setosa,versicolor,virginica");
  changed = flags;
  changed.dropout = 0.5f;
  expect(changed, "--dropout 0.5 contradicts none");
  // Nothing was written: no checkpoint past step 5, the record as it was.
  BOOST_TEST(ReadAll(record) == before);
  BOOST_TEST(Contains(ReadAll(flags.config.model_dir + "/checkpoint"), "model_checkpoint_path: \"model.ckpt-5\""));
}

BOOST_AUTO_TEST_CASE(FlagThatDoesNotApplyToTheEstimatorIsAnError) {
  TempDir dir;
  ModelFlags flags = NamedFlags(dir, "LinearRegressor");
  flags.label_column = "PetalWidth";
  flags.feature_names = std::vector<std::string>{"SepalLength", "SepalWidth", "PetalLength"};
  flags.label_vocabulary.reset();
  flags.n_classes = 3;
  std::string err;
  BOOST_TEST(Train(flags, 5, nullptr, &err) == kExitUsage);
  BOOST_TEST(Contains(err, "--n_classes does not apply to a LinearRegressor"), err);
  flags.n_classes.reset();
  BOOST_REQUIRE_EQUAL(Train(flags, 5), kExitOk);
  ModelFlags dnn = Bare(flags);
  dnn.hidden_units = std::vector<int64_t>{10};
  BOOST_TEST(Train(dnn, 5, nullptr, &err) == kExitUsage);
  BOOST_TEST(Contains(err, "--hidden_units does not apply to the LinearRegressor recorded in " +
                               flags.config.model_dir + "/estimator.json"),
             err);
}

BOOST_AUTO_TEST_CASE(CorruptRecordIsAnErrorNamingTheFileAndWhatWasExpected) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  BOOST_REQUIRE_EQUAL(Train(flags, 5), kExitOk);
  const std::string path = flags.config.model_dir + "/estimator.json";
  const std::string good = ReadAll(path);
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    BOOST_TEST_REQUIRE(at != std::string::npos, from);
    return text.replace(at, from.size(), to);
  };
  const std::pair<std::string, std::string> cases[] = {
      {"{\"estimator\": ", path + ": not valid JSON (byte 15); expected the model record `estimator train` writes"},
      {"[1, 2]", path + ": array, not an object; expected the model record"},
      {replaced("\"hidden_units\": [\n    10,\n    10\n  ]", "\"hidden_units\": \"10,10\""),
       path + ": 'hidden_units' must be a list of positive integers"},
      {replaced("\"optimizer\": \"Adagrad\",\n", ""), path + ": missing key 'optimizer'"},
      {replaced("\"hidden_units\"", "\"hiden_units\""),
       path + ": unexpected key 'hiden_units' in the record of a DNNClassifier"},
      {replaced("\"estimator\": \"DNNClassifier\"", "\"estimator\": \"Boosted\""),
       path + ": 'estimator' is 'Boosted', expected one of DNNClassifier, DNNRegressor, LinearClassifier, "
              "LinearRegressor"},
      {replaced("\"learning_rate\": 0.05", "\"learning_rate\": -1"),
       path + ": 'learning_rate' must be a positive number, got -1"},
  };
  for (const auto& [text, message] : cases) {
    WriteAll(path, text);
    const Outcome eval = Evaluate(Bare(flags), RepoDataPath("iris_test.csv"));
    BOOST_TEST(eval.code == kExitError);
    BOOST_TEST(Contains(eval.err, "estimator: DATA_LOSS: " + message), eval.err);
    std::string err;
    BOOST_TEST(Train(Bare(flags), 5, nullptr, &err) == kExitError);
    BOOST_TEST(Contains(err, message), err);
  }
}

BOOST_AUTO_TEST_CASE(FirstTrainNeedsATrainingFile) {
  TempDir dir;
  ModelFlags flags = Flags(dir);
  flags.train_csv.clear();
  std::string err;
  BOOST_TEST(Train(flags, 5, nullptr, &err) == kExitUsage);
  BOOST_TEST(Contains(err, "give --train_csv FILE: there is no " + flags.config.model_dir + "/estimator.json"), err);
}

// Every canned estimator through train, evaluate and predict, on an
// ordinary CSV whose header names the columns in another order: the
// classifiers on the species names, the regressors on PetalWidth (the
// species column then skipped, as the comment column always is).
BOOST_AUTO_TEST_CASE(EveryEstimatorTrainsEvaluatesAndPredicts) {
  TempDir dir;
  const std::string test_csv = NamedIris(dir, "iris_test.csv");
  for (const std::string_view name : kEstimatorNames) {
    if (IsWideDeep(name)) continue;  // typed input: the wide & deep tests below
    BOOST_TEST_CONTEXT(name) {
      ModelFlags flags = NamedFlags(dir, std::string(name));
      const bool classifier = IsClassifier(name);
      if (!classifier) {
        flags.label_column = "PetalWidth";
        flags.feature_names = std::vector<std::string>{"SepalLength", "SepalWidth", "PetalLength"};
        flags.label_vocabulary.reset();
      }
      std::string out, err;
      BOOST_REQUIRE_EQUAL(Train(flags, 500, &out, &err), kExitOk);
      const ModelRecord record = ReadModelRecord(flags.config.model_dir).value().value();
      BOOST_TEST(record.estimator == name);
      BOOST_TEST(record.label_column == (classifier ? "Species" : "PetalWidth"));
      const std::vector<std::string> variables = CheckpointNames(flags.config.model_dir);
      const std::string weight = IsDnn(name) ? "dnn/logits/kernel" : "linear/linear_model/SepalLength/weights";
      BOOST_TEST((std::find(variables.begin(), variables.end(), weight) != variables.end()), weight);

      const Outcome eval = Evaluate(Bare(flags), test_csv);
      BOOST_REQUIRE_EQUAL(eval.code, kExitOk);
      BOOST_TEST(Metric(eval.out, "global_step") == 500);
      if (classifier) {
        BOOST_TEST(Metric(eval.out, "accuracy") >= 0.85, eval.out);
      } else {
        BOOST_TEST(!Contains(eval.out, "accuracy"), eval.out);
        BOOST_TEST(Metric(eval.out, "average_loss") < 0.2, eval.out);
        BOOST_TEST(Contains(eval.out, "label/mean"), eval.out);
      }
      const Outcome predict = Predict(PredictRows(Bare(flags), {}, test_csv));
      BOOST_REQUIRE_EQUAL(predict.code, kExitOk);
      const std::vector<std::string> predicted = Predicted(predict.out);
      BOOST_REQUIRE_EQUAL(predicted.size(), 30u);
      // The first test example: versicolor, petal width 1.5.
      if (classifier) {
        BOOST_TEST(predicted[0] == "versicolor", predict.out);
      } else {
        BOOST_TEST(Lines(predict.out)[0] == "prediction");
        BOOST_TEST(std::abs(std::stod(predicted[0]) - 1.5) < 0.5, predict.out);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(StringLabelsMapThroughTheVocabularyAndAnUnknownOneNamesFileLineAndValue) {
  TempDir dir;
  const ModelFlags flags = NamedFlags(dir, "DNNClassifier");
  BOOST_REQUIRE_EQUAL(Train(flags, 1000), kExitOk);
  const Outcome eval = Evaluate(Bare(flags), NamedIris(dir, "iris_test.csv"));
  BOOST_REQUIRE_EQUAL(eval.code, kExitOk);
  BOOST_TEST(Metric(eval.out, "accuracy") >= 0.9, eval.out);

  const std::string bad = dir.file("bad.csv");
  WriteAll(bad, "Species,SepalLength,SepalWidth,PetalLength,PetalWidth\nsetosa,5,3,1,0.2\n\n\"daisy\",5,3,1,0.2\n");
  const Outcome unknown = Evaluate(Bare(flags), bad);
  BOOST_TEST(unknown.code == kExitError);
  BOOST_TEST(Contains(unknown.err, bad + ":4: column 1 (Species): 'daisy' is not in label_vocabulary"), unknown.err);
}

BOOST_AUTO_TEST_CASE(PredictSkipsTheLabelColumnOfALabelledFile) {
  TempDir dir;
  const ModelFlags flags = NamedFlags(dir, "DNNClassifier");
  BOOST_REQUIRE_EQUAL(Train(flags, 200), kExitOk);
  const Outcome labelled = Predict(PredictRows(Bare(flags), {}, NamedIris(dir, "iris_test.csv")));
  const Outcome unlabelled = Predict(PredictRows(Bare(flags), {}, NamedIris(dir, "iris_test.csv", false)));
  // TF's layout: the features by position, the class id last.
  const Outcome tf_layout = Predict(PredictRows(Bare(flags), {}, RepoDataPath("iris_test.csv")));
  BOOST_REQUIRE_EQUAL(labelled.code, kExitOk);
  BOOST_REQUIRE_EQUAL(unlabelled.code, kExitOk);
  BOOST_REQUIRE_EQUAL(tf_layout.code, kExitOk);
  BOOST_TEST(Predicted(labelled.out).size() == 30u);
  BOOST_TEST(labelled.out == unlabelled.out);
  BOOST_TEST(labelled.out == tf_layout.out);
}

BOOST_AUTO_TEST_CASE(EvaluateAndPredictWithoutACheckpointWarnAndUseTheInitialValues) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  const std::string warning = "estimator: warning: no checkpoint in " + flags.config.model_dir + ": ";
  const Outcome eval = Evaluate(flags, RepoDataPath("iris_test.csv"));
  BOOST_REQUIRE_EQUAL(eval.code, kExitOk);
  BOOST_TEST(Contains(eval.err, warning + "evaluating the model's initial values\n"), eval.err);
  BOOST_TEST(Metric(eval.out, "global_step") == 0);
  // With --quiet, the warning is all stderr holds.
  PredictOptions quiet = PredictRows(flags, {"5.1,3.3,1.7,0.5"});
  quiet.quiet = true;
  const Outcome predict = Predict(quiet);
  BOOST_REQUIRE_EQUAL(predict.code, kExitOk);
  BOOST_TEST(predict.err == warning + "predicting with the model's initial values\n");
  // Neither wrote a record: that is the first train's.
  BOOST_TEST(!boost::filesystem::exists(flags.config.model_dir + "/estimator.json"));
}

// A model_dir written through the library (as TensorFlow writes one) has no
// record: the flags describe the model, and the tool's first train there
// records it.
BOOST_AUTO_TEST_CASE(ModelDirWithoutARecordWorksWithExplicitFlags) {
  TempDir dir;
  const std::string model_dir = dir.file("library");
  {
    estimator::RunConfig config;
    config.model_dir = model_dir;
    auto library =
        estimator::Estimator::DNNClassifier(testing::IrisClassifierOptions({7}), config, [](const std::string&) {
        }).value();
    const estimator::InputFn input = estimator::DatasetInputFn(testing::ReadIris("iris_training.csv"), {});
    BOOST_REQUIRE(library->Train(input, model::TrainSteps::Steps(10)).ok());
  }
  ModelFlags flags;
  flags.config.model_dir = model_dir;
  flags.feature_names = kIrisFeatures;
  flags.n_classes = 3;
  flags.hidden_units = std::vector<int64_t>{7};
  const Outcome eval = Evaluate(flags, RepoDataPath("iris_test.csv"));
  BOOST_REQUIRE_EQUAL(eval.code, kExitOk);
  BOOST_TEST(Metric(eval.out, "global_step") == 10);
  BOOST_TEST(Predict(PredictRows(flags, {"5.1,3.3,1.7,0.5"})).code == kExitOk);
  // Without the flags the model is unknown.
  const Outcome bare = Predict(PredictRows(Bare(flags), {"5.1,3.3,1.7,0.5"}));
  BOOST_TEST(bare.code == kExitUsage);
  BOOST_TEST(Contains(bare.err, "there is no " + model_dir +
                                    "/estimator.json (the first `estimator train` writes "
                                    "it): give --feature_names and --n_classes or --label_vocabulary"),
             bare.err);
  // With the wrong ones, the checkpoint says what does not match.
  ModelFlags wrong = flags;
  wrong.hidden_units = std::vector<int64_t>{10, 10};
  const Outcome mismatch = Evaluate(wrong, RepoDataPath("iris_test.csv"));
  BOOST_TEST(mismatch.code == kExitError);
  BOOST_TEST(Contains(mismatch.err,
                      "tensor_name = dnn/hiddenlayer_0/kernel; shape in shape_and_slice spec [4,10] "
                      "does not match the shape stored in checkpoint: [4,7]"),
             mismatch.err);

  flags.train_csv = RepoDataPath("iris_training.csv");
  std::string out;
  BOOST_REQUIRE_EQUAL(Train(flags, 5, &out), kExitOk);
  BOOST_TEST(Contains(out, "Continued from " + model_dir + "/model.ckpt-10"));
  BOOST_TEST(ReadModelRecord(model_dir).value().value().hidden_units == std::vector<int64_t>{7});
  BOOST_TEST(Metric(Evaluate(Bare(flags), RepoDataPath("iris_test.csv")).out, "global_step") == 15);
}

// TF 1.8's DNNClassifier of tests/testdata/tf/jupyter-talk (its README: one
// numeric column 'x' of shape [3], which is three columns here, hidden units
// [1000, 100, 10], two classes, ProximalAdagrad): a model_dir TensorFlow
// wrote, evaluated and predicted with the flags that describe it.
BOOST_AUTO_TEST_CASE(TensorFlowsModelDirWorksWithExplicitFlags) {
  TempDir dir;
  const std::string model_dir = dir.file("jupyter-talk");
  const std::string from = std::string(TFCOMPAT_TESTDATA) + "/tf/jupyter-talk/model/model.ckpt-3071";
  boost::filesystem::create_directories(model_dir);
  for (const char* suffix : {".index", ".data-00000-of-00001"}) {
    boost::filesystem::copy_file(from + suffix, model_dir + "/model.ckpt-3071" + suffix);
  }
  CheckpointState state;
  state.model_checkpoint_path = model_dir + "/model.ckpt-3071";
  BOOST_REQUIRE(WriteCheckpointState(model_dir, state).ok());
  ModelFlags flags;
  flags.config.model_dir = model_dir;
  flags.feature_names = std::vector<std::string>{"x_0", "x_1", "x_2"};
  flags.hidden_units = std::vector<int64_t>{1000, 100, 10};
  flags.n_classes = 2;
  WriteAll(dir.file("eval.csv"), "x_2,x_0,x_1,y\n2,0.5,-1,0\n-0.75,1.5,0.25,1\n1,-2,3,1\n");

  const Outcome eval = Evaluate(flags, dir.file("eval.csv"));
  BOOST_REQUIRE_EQUAL(eval.code, kExitOk);
  BOOST_TEST(Metric(eval.out, "global_step") == 3071);
  BOOST_TEST(Contains(eval.out, "auc_precision_recall"), eval.out);
  BOOST_TEST(!Contains(eval.err, "warning"), eval.err);
  const Outcome predict = Predict(PredictRows(flags, {"0.5,-1,2", "1.5,0.25,-0.75"}));
  BOOST_REQUIRE_EQUAL(predict.code, kExitOk);
  BOOST_TEST(Predicted(predict.out).size() == 2u, predict.out);
  // Neither writes a record; a train would need ProximalAdagrad's slots,
  // which no optimizer of ours names: TF's error, and still no record.
  flags.train_csv = dir.file("eval.csv");
  flags.label_column = "y";
  std::string err;
  BOOST_TEST(Train(flags, 1, nullptr, &err) == kExitError);
  BOOST_TEST(Contains(err, "dnn/hiddenlayer_0/bias/t_0/Adagrad not found in checkpoint"), err);
  BOOST_TEST(!boost::filesystem::exists(model_dir + "/estimator.json"));
}

// Iris in TF's layout as a binary task: versicolor or not.
std::string BinaryIris(const TempDir& dir, const std::string& name) {
  const std::vector<IrisRow> rows = IrisRows(name);
  std::string out = std::to_string(rows.size()) + ",4,other,versicolor\n";
  for (const IrisRow& row : rows) {
    for (const std::string& v : row.features) out += v + ",";
    out += row.label == 1 ? "1\n" : "0\n";
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
  std::vector<std::string> args = {"train",          "--weight_histograms",
                                   "--steps",        "2",
                                   "--seed",         "1",
                                   "--model_dir",    flags.config.model_dir,
                                   "--train_csv",    flags.train_csv,
                                   "--estimator",    "DNNRegressor",
                                   "--dropout",      "0.2",
                                   "--hidden_units", "5,3"};
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
  // The flags reached the record.
  const ModelRecord record = ReadModelRecord(flags.config.model_dir).value().value();
  BOOST_TEST(record.estimator == "DNNRegressor");
  BOOST_TEST(record.hidden_units == (std::vector<int64_t>{5, 3}));
  BOOST_TEST((record.dropout == std::optional<float>(0.2f)));
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

// --async_checkpoint writes each checkpoint on a background thread: the
// model_dir ends up as a synchronous run's, byte for byte, retention and
// the state file included.
BOOST_AUTO_TEST_CASE(AsyncCheckpointFlagWritesWhatSynchronousSavesWrite) {
  TempDir dir;
  std::map<std::string, std::string> files_of_run[2];
  for (const bool async : {false, true}) {
    const std::string model_dir = dir.file(async ? "async" : "sync");
    std::vector<std::string> args = {"train",
                                     "--model_dir",
                                     model_dir,
                                     "--train_csv",
                                     RepoDataPath("iris_training.csv"),
                                     "--feature_names",
                                     "SepalLength,SepalWidth,PetalLength,PetalWidth",
                                     "--seed",
                                     "1",
                                     "--steps",
                                     "50",
                                     "--save_checkpoints_steps",
                                     "10",
                                     "--keep_checkpoint_max",
                                     "2",
                                     "--quiet"};
    if (async) args.push_back("--async_checkpoint");
    const CommandLine run = Run(args);
    BOOST_TEST_REQUIRE(run.code == kExitOk, run.err);
    for (const auto& entry : boost::filesystem::directory_iterator(model_dir)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("model.ckpt-", 0) == 0) files_of_run[async][name] = ReadAll(entry.path().string());
      if (name == "checkpoint") files_of_run[async][name] = ReadAll(entry.path().string());
    }
  }
  const auto names = [](const std::map<std::string, std::string>& files) {
    std::vector<std::string> out;
    for (const auto& [name, bytes] : files) out.push_back(name);
    return out;
  };
  // The last two of the saves at 10, 20, ..., 50.
  const std::vector<std::string> expected = {"checkpoint", "model.ckpt-40.data-00000-of-00001", "model.ckpt-40.index",
                                             "model.ckpt-50.data-00000-of-00001", "model.ckpt-50.index"};
  BOOST_TEST(names(files_of_run[0]) == expected, boost::test_tools::per_element());
  BOOST_TEST(names(files_of_run[1]) == expected, boost::test_tools::per_element());
  for (const auto& [name, bytes] : files_of_run[0]) {
    if (name == "checkpoint") {
      // The timestamps differ; the paths must not.
      const auto paths = [](const std::string& text) {
        std::string kept;
        for (const std::string& line : Lines(text)) {
          if (!Contains(line, "timestamp")) kept += line.substr(line.rfind('/') + 1) + "\n";
        }
        return kept;
      };
      BOOST_TEST(paths(files_of_run[1][name]) == paths(bytes));
    } else {
      BOOST_TEST((files_of_run[1][name] == bytes), name);
    }
  }
}

BOOST_AUTO_TEST_CASE(UsageErrorsExitWithTheUsageCode) {
  TempDir dir;
  std::ostringstream out, err;
  BOOST_TEST(RunTrain(TrainSteps(Flags(dir), std::nullopt), out, err) == kExitUsage);
  BOOST_TEST(Contains(err.str(), "give exactly one of --steps and --max_steps"));
  BOOST_TEST(RunEvaluate(EvaluateOn(Flags(dir), ""), out, err) == kExitUsage);
  BOOST_TEST(Contains(err.str(), "give --eval_csv FILE"));
  BOOST_TEST(RunPredict(PredictRows(Flags(dir), {}), out, err) == kExitUsage);
  BOOST_TEST(RunPredict(PredictRows(Flags(dir), {"5.1,abc,1.7,0.5"}), out, err) == kExitUsage);
  BOOST_TEST(Contains(err.str(), "--predict 5.1,abc,1.7,0.5: column 2: expected a number, got 'abc'"), err.str());
  BOOST_TEST(RunPredict(PredictRows(Flags(dir), {"5.1,3.3"}), out, err) == kExitUsage);
  BOOST_TEST(Contains(err.str(), "expected 4 values, got 2"), err.str());
  ModelFlags regressor = Flags(dir);
  regressor.estimator = "LinearRegressor";
  regressor.label_vocabulary = kSpecies;
  BOOST_TEST(RunTrain(TrainSteps(regressor, 1), out, err) == kExitUsage);
  BOOST_TEST(Contains(err.str(), "--label_vocabulary does not apply to a LinearRegressor"), err.str());
}

BOOST_AUTO_TEST_CASE(PredictCsvErrorsNameFileLineAndColumn) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  WriteAll(dir.file("p.csv"), "SepalLength,SepalWidth,PetalLength,PetalWidth\n5.1,3.3,1.7,0.5\n5.9,3.0,x,1.5\n");
  const Outcome run = Predict(PredictRows(flags, {}, dir.file("p.csv")));
  BOOST_TEST(run.code == kExitError);
  BOOST_TEST(Contains(run.err, dir.file("p.csv") + ":3: column 3 (PetalLength): expected a number, got 'x'"), run.err);
}

BOOST_AUTO_TEST_CASE(BadTrainingFileIsAnError) {
  TempDir dir;
  ModelFlags flags = Flags(dir);
  flags.train_csv = dir.file("missing.csv");
  const Outcome run = Evaluate(flags, RepoDataPath("iris_test.csv"));
  BOOST_TEST(run.code == kExitError);
  BOOST_TEST(Contains(run.err, "missing.csv"), run.err);
}

// The signature keys of the export's `serve` meta graph.
KeySet SignatureKeys(const std::string& export_dir) {
  const std::unique_ptr<SavedModelReader> model = SavedModelReader::Open(export_dir).value();
  const MetaGraphInfo* serve = model->FindMetaGraph({"serve"}).value();
  KeySet keys;
  for (const auto& [key, signature] : serve->signatures) keys.insert(key);
  return keys;
}

std::vector<std::string> ExportArgs(const ModelFlags& flags, const std::string& export_dir,
                                    std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"export", "--model_dir", flags.config.model_dir, "--export_dir", export_dir};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

BOOST_AUTO_TEST_CASE(ExportWritesATimestampedSavedModelOrOnnxModelAndPrintsItsPath) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  BOOST_REQUIRE_EQUAL(Train(flags, 5), kExitOk);
  const std::string base = dir.file("export");
  const std::regex export_line(base + "/[0-9]+\n");

  // The recorded model needs only --model_dir; the parsing receiver by default.
  const CommandLine parsing = Run(ExportArgs(flags, base));
  BOOST_REQUIRE_EQUAL(parsing.code, kExitOk);
  BOOST_TEST(std::regex_match(parsing.out, export_line), parsing.out);
  const std::string saved_model = parsing.out.substr(0, parsing.out.size() - 1);
  BOOST_TEST(Contains(parsing.err, "INFO:tfcompat:SavedModel written to: " + saved_model + "/saved_model.pb"));
  BOOST_TEST(boost::filesystem::exists(saved_model + "/variables/variables.index"));
  BOOST_TEST(SignatureKeys(saved_model) == (KeySet{"classification", "predict", "serving_default"}));

  // A new export gets a new second.
  const CommandLine raw = Run(ExportArgs(flags, base, {"--serving_input", "raw", "--quiet"}));
  BOOST_REQUIRE_EQUAL(raw.code, kExitOk);
  BOOST_TEST(raw.err.empty(), raw.err);
  BOOST_TEST(std::regex_match(raw.out, export_line), raw.out);
  BOOST_TEST(raw.out != parsing.out);
  BOOST_TEST(SignatureKeys(raw.out.substr(0, raw.out.size() - 1)) == (KeySet{"predict"}));

  const CommandLine onnx = Run(ExportArgs(flags, dir.file("onnx"), {"--format", "onnx", "--quiet"}));
  BOOST_REQUIRE_EQUAL(onnx.code, kExitOk);
  BOOST_TEST(std::regex_match(onnx.out, std::regex(dir.file("onnx") + "/[0-9]+\\n")), onnx.out);
  BOOST_TEST(boost::filesystem::file_size(onnx.out.substr(0, onnx.out.size() - 1) + "/model.onnx") > 0u);
}

// JSON Lines of predict: the same examples, classes and ids exactly,
// floats within float32 rounding of a different summation order.
void CheckSamePredictions(const std::string& expected, const std::string& got) {
  const std::vector<std::string> want = Lines(expected), have = Lines(got);
  BOOST_TEST_REQUIRE(want.size() == have.size(), got);
  for (size_t i = 0; i < want.size(); ++i) {
    const nlohmann::json a = nlohmann::json::parse(want[i]), b = nlohmann::json::parse(have[i]);
    BOOST_TEST(Keys(a) == Keys(b), have[i]);
    for (const char* key : {"class_ids", "classes", "all_class_ids", "all_classes"}) BOOST_TEST(a[key] == b[key]);
    for (const char* key : {"logits", "probabilities"}) {
      BOOST_TEST_REQUIRE(a[key].size() == b[key].size());
      for (size_t k = 0; k < a[key].size(); ++k) {
        BOOST_TEST(std::abs(a[key][k].get<double>() - b[key][k].get<double>()) <= 1e-5, key << " of " << have[i]);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(PredictFromASavedModelPrintsWhatTheModelDirPredicts) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  BOOST_REQUIRE_EQUAL(Train(flags, 200), kExitOk);
  const std::vector<std::string> rows = {"--predict", "5.1,3.3,1.7,0.5", "--predict",     "5.9,3.0,4.2,1.5",
                                         "--predict", "6.9,3.1,5.4,2.1", "--predict_csv", RepoDataPath("iris_test.csv"),
                                         "--json"};
  std::vector<std::string> args = {"predict", "--model_dir", flags.config.model_dir};
  args.insert(args.end(), rows.begin(), rows.end());
  const CommandLine expected = Run(args);
  BOOST_REQUIRE_EQUAL(expected.code, kExitOk);
  BOOST_TEST(Lines(expected.out).size() == 33u);

  const std::string order = "SepalLength,SepalWidth,PetalLength,PetalWidth";
  for (const char* receiver : {"parsing", "raw"}) {
    const CommandLine exported = Run(ExportArgs(flags, dir.file(receiver), {"--serving_input", receiver, "--quiet"}));
    BOOST_REQUIRE_EQUAL(exported.code, kExitOk);
    const std::string saved_model = exported.out.substr(0, exported.out.size() - 1);
    // --model_dir is left at its default: the SavedModel alone predicts.
    args = {"predict", "--saved_model", saved_model, "--feature_names", order, "--batch_size", "7"};
    args.insert(args.end(), rows.begin(), rows.end());
    const CommandLine got = Run(args);
    BOOST_REQUIRE_EQUAL(got.code, kExitOk);
    BOOST_TEST(got.err.empty(), got.err);
    CheckSamePredictions(expected.out, got.out);

    // The table, from the model_dir and from the SavedModel: same classes.
    args = {"predict", "--saved_model", saved_model, "--feature_names", order, "--predict", "6.9,3.1,5.4,2.1"};
    const CommandLine table = Run(args);
    BOOST_REQUIRE_EQUAL(table.code, kExitOk);
    BOOST_TEST(Lines(table.out).at(0) == "class      class_id  probability  probabilities", table.out);
    BOOST_TEST(Lines(table.out).at(1).rfind("virginica  2  ", 0) == 0u, table.out);

    // Without the features' order there is no telling which value is which.
    const CommandLine unnamed = Run({"predict", "--saved_model", saved_model, "--predict", "6.9,3.1,5.4,2.1"});
    BOOST_TEST(unnamed.code == kExitError);
    BOOST_TEST(IsErrorLine(unnamed.err, "estimator", "INVALID_ARGUMENT"), unnamed.err);
    BOOST_TEST(Contains(unnamed.err, "--feature_names"), unnamed.err);
    // A row of another width names itself.
    const CommandLine short_row =
        Run({"predict", "--saved_model", saved_model, "--feature_names", order, "--predict", "6.9,3.1"});
    BOOST_TEST(short_row.code == kExitUsage);
    BOOST_TEST(Contains(short_row.err, "--predict 6.9,3.1: expected 4 values, got 2"), short_row.err);
  }

  const CommandLine missing = Run({"predict", "--saved_model", dir.file("none"), "--predict", "1,2,3,4"});
  BOOST_TEST(missing.code == kExitError);
  BOOST_TEST(IsErrorLine(missing.err, "estimator", "NOT_FOUND"), missing.err);
  BOOST_TEST(Contains(missing.err, dir.file("none")), missing.err);
}

BOOST_AUTO_TEST_CASE(ExportKeepsTheNewestExportsAndLeavesOtherEntries) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  BOOST_REQUIRE_EQUAL(Train(flags, 5), kExitOk);
  const std::string base = dir.file("export");
  for (const char* old : {"1000", "1001", "1002"}) {
    boost::filesystem::create_directories(base + "/" + old + "/variables");
    WriteAll(base + "/" + old + "/saved_model.pb", old);
  }
  // An export another process began a minute ago.
  const std::string writing = "temp-" + std::to_string(std::time(nullptr) - 60);
  boost::filesystem::create_directories(base + "/" + writing);
  const CommandLine run = Run(ExportArgs(flags, base, {"--exports_to_keep", "2", "--quiet"}));
  BOOST_REQUIRE_EQUAL(run.code, kExitOk);
  KeySet entries;
  for (const auto& entry : boost::filesystem::directory_iterator(base))
    entries.insert(entry.path().filename().string());
  const std::string exported = boost::filesystem::path(run.out.substr(0, run.out.size() - 1)).filename().string();
  BOOST_TEST(entries == (KeySet{exported, "1002", writing}));
  BOOST_TEST(ReadAll(base + "/1002/saved_model.pb") == "1002");
}

BOOST_AUTO_TEST_CASE(ExportErrorsNameTheDirectoryAndWriteNoExport) {
  TempDir dir;
  const ModelFlags flags = Flags(dir);
  const std::string base = dir.file("export");
  // No checkpoint: TF's message; no export directory made.
  const CommandLine untrained = Run(ExportArgs(flags, base, {"--feature_names", "a,b,c,d", "--n_classes", "3"}));
  BOOST_TEST(untrained.code == kExitError);
  BOOST_TEST(untrained.err == "estimator: NOT_FOUND: Couldn't find trained model at " + flags.config.model_dir + ".\n");
  BOOST_TEST(!boost::filesystem::exists(base));

  BOOST_REQUIRE_EQUAL(Train(flags, 5), kExitOk);
  WriteAll(base, "a file where the export directory should be");
  const CommandLine onto_file = Run(ExportArgs(flags, base, {"--quiet"}));
  BOOST_TEST(onto_file.code == kExitError);
  BOOST_TEST(IsErrorLine(onto_file.err, "estimator", "FAILED_PRECONDITION"), onto_file.err);
  BOOST_TEST(Contains(onto_file.err, base), onto_file.err);
  BOOST_TEST(ReadAll(base) == "a file where the export directory should be");

  for (const std::vector<std::string>& more :
       std::vector<std::vector<std::string>>{{"--format", "onnx", "--serving_input", "raw"},
                                             {"--exports_to_keep", "0"},
                                             {"--format", "tflite"},
                                             {"--serving_input", "json"}}) {
    const CommandLine usage = Run(ExportArgs(flags, dir.file("other"), more));
    BOOST_TEST(usage.code == kExitUsage, usage.err);
    BOOST_TEST(IsErrorLine(usage.err, "estimator", "INVALID_ARGUMENT"), usage.err);
  }
  const CommandLine no_export_dir = Run({"export", "--model_dir", flags.config.model_dir});
  BOOST_TEST(no_export_dir.code == kExitUsage);
  BOOST_TEST(no_export_dir.err == "estimator: INVALID_ARGUMENT: give --export_dir DIR\n");
  BOOST_TEST(!boost::filesystem::exists(dir.file("other")));
}

BOOST_AUTO_TEST_SUITE_END()

// Wide & deep on the penguins: the spec of tests/testdata/feature_column_spec.
ModelFlags WideDeepFlags(const TempDir& dir, const std::string& spec = "every_column.json") {
  ModelFlags flags;
  flags.config.model_dir = dir.file("penguins");
  flags.estimator = "DNNLinearCombinedClassifier";
  flags.feature_columns = std::string(TFCOMPAT_TESTDATA) + "/feature_column_spec/" + spec;
  flags.train_files = "penguins-*.csv";
  flags.label_column = "species";
  flags.label_vocabulary = std::vector<std::string>{"Adelie", "Chinstrap", "Gentoo"};
  return flags;
}

BOOST_AUTO_TEST_CASE(WideDeepBadSpecIsAUsageErrorNamingTheSpecAndColumn) {
  TempDir dir;
  const std::string spec = dir.file("spec.json");
  WriteAll(spec, R"({"columns": {"island": {"categorical_column_with_vocabulary_list":
                                  {"key": "island", "vocabulary_list": ["Biscoe"]}}},
                     "dnn_feature_columns": ["island"]})");
  ModelFlags flags = WideDeepFlags(dir);
  flags.feature_columns = spec;
  std::string err;
  BOOST_TEST(Train(flags, 1, nullptr, &err) == kExitUsage);
  BOOST_TEST(IsErrorLine(err, "estimator", "INVALID_ARGUMENT"), err);
  BOOST_TEST(Contains(err, spec + ": column 'island': in 'dnn_feature_columns': Items of feature_columns must be a "
                                  "_DenseColumn."),
             err);
}

BOOST_AUTO_TEST_CASE(WideDeepNeedsASpecALabelAndClasses) {
  TempDir dir;
  const std::pair<std::function<void(ModelFlags*)>, std::string> cases[] = {
      {[](ModelFlags* f) { f->feature_columns.reset(); }, "give --feature_columns SPEC.json"},
      {[](ModelFlags* f) { f->label_column.reset(); }, "give --label_column NAME"},
      {[](ModelFlags* f) { f->label_vocabulary.reset(); }, "give --n_classes N"}};
  for (const auto& [change, expected] : cases) {
    ModelFlags flags = WideDeepFlags(dir);
    change(&flags);
    std::string err;
    BOOST_TEST(Train(flags, 1, nullptr, &err) == kExitUsage);
    BOOST_TEST(Contains(err, expected), err);
  }
}

BOOST_AUTO_TEST_CASE(FlagsOfOneFamilyDoNotApplyToTheOther) {
  TempDir dir;
  ModelFlags wide = WideDeepFlags(dir);
  wide.learning_rate = 0.1f;
  std::string err;
  BOOST_TEST(Train(wide, 1, nullptr, &err) == kExitUsage);
  BOOST_TEST(Contains(err, "--learning_rate does not apply to a DNNLinearCombinedClassifier"), err);
  ModelFlags dnn = NamedFlags(dir, "DNNClassifier");
  dnn.dnn_optimizer = "Adam";
  BOOST_TEST(Train(dnn, 1, nullptr, &err) == kExitUsage);
  BOOST_TEST(Contains(err, "--dnn_optimizer does not apply to a DNNClassifier"), err);
}

// A canned estimator over the spec's "feature_columns" (`columns` JSON
// members) in `dir`/spec.json.
ModelFlags CannedSpecFlags(const TempDir& dir, const std::string& estimator, const std::string& columns,
                           const std::string& feature_columns) {
  const std::string spec = dir.file("spec.json");
  WriteAll(spec, R"({"columns": {)" + columns + R"(}, "feature_columns": [)" + feature_columns + "]}");
  ModelFlags flags = WideDeepFlags(dir);
  flags.estimator = estimator;
  flags.feature_columns = spec;
  if (!IsClassifier(estimator)) flags.label_vocabulary.reset();
  return flags;
}

constexpr char kIslandColumns[] =
    R"("island": {"categorical_column_with_vocabulary_list": {"key": "island", "vocabulary_list": ["Biscoe"]}},
       "island_emb": {"embedding_column": {"categorical_column": "island", "dimension": 2}})";

BOOST_AUTO_TEST_CASE(CannedEstimatorRecordsItsSpecAndOneOptimizer) {
  TempDir dir;
  const ModelFlags flags = CannedSpecFlags(dir, "DNNClassifier", kIslandColumns, R"("island_emb")");
  StatusOr<ToolModel> made = ModelFromFlags(flags);
  BOOST_REQUIRE_MESSAGE(made.ok(), made.status().ToString());
  const ModelRecord& record = made->record;
  BOOST_TEST(ReadsFeatureColumnSpec(record));
  BOOST_TEST(record.optimizer == "Adagrad");
  BOOST_TEST(record.learning_rate == 0.05f);
  BOOST_TEST(record.input_format == "csv");
  boost::filesystem::create_directories(flags.config.model_dir);
  BOOST_REQUIRE(WriteModelRecord(flags.config.model_dir, record).ok());
  const std::string json = ReadAll(ModelRecordPath(flags.config.model_dir));
  BOOST_TEST(Contains(json, "\"feature_column_spec\": {"), json);
  BOOST_TEST(Contains(json, "\"optimizer\": \"Adagrad\""), json);
  BOOST_TEST(!Contains(json, "dnn_optimizer"), json);
  StatusOr<ToolModel> recorded = ModelFromFlags(Bare(flags));
  BOOST_REQUIRE_MESSAGE(recorded.ok(), recorded.status().ToString());
  BOOST_TEST((recorded->record == record));

  ModelFlags linear = CannedSpecFlags(dir, "LinearRegressor", kIslandColumns, R"("island")");
  linear.config.model_dir = dir.file("linear");
  StatusOr<ToolModel> linear_made = ModelFromFlags(linear);
  BOOST_REQUIRE_MESSAGE(linear_made.ok(), linear_made.status().ToString());
  BOOST_TEST(linear_made->record.optimizer == "Ftrl");
  BOOST_TEST(linear_made->record.learning_rate == 0.2f);
}

BOOST_AUTO_TEST_CASE(CannedSpecOfTheWrongKindIsAUsageErrorNamingTheColumn) {
  TempDir dir;
  std::string err;
  // A bare categorical column is no DNN input...
  ModelFlags dnn = CannedSpecFlags(dir, "DNNRegressor", kIslandColumns, R"("island")");
  BOOST_TEST(Train(dnn, 1, nullptr, &err) == kExitUsage);
  BOOST_TEST(Contains(err, dir.file("spec.json") +
                               ": column 'island': in 'feature_columns': Items of feature_columns must be a "
                               "_DenseColumn."),
             err);
  // ... and wide & deep's lists are not a canned estimator's inputs, nor the reverse.
  ModelFlags wide_spec = WideDeepFlags(dir);
  wide_spec.estimator = "LinearClassifier";
  BOOST_TEST(Train(wide_spec, 1, nullptr, &err) == kExitUsage);
  BOOST_TEST(Contains(err, "a LinearClassifier reads 'feature_columns', not 'linear_feature_columns'"), err);
  ModelFlags canned_spec = CannedSpecFlags(dir, "DNNLinearCombinedRegressor", kIslandColumns, R"("island")");
  BOOST_TEST(Train(canned_spec, 1, nullptr, &err) == kExitUsage);
  BOOST_TEST(Contains(err, "a DNNLinearCombinedRegressor reads 'linear_feature_columns' and 'dnn_feature_columns'"),
             err);
  // The numeric flags do not apply to a model over a spec.
  ModelFlags named = CannedSpecFlags(dir, "DNNClassifier", kIslandColumns, R"("island_emb")");
  named.feature_names = std::vector<std::string>{"island"};
  BOOST_TEST(Train(named, 1, nullptr, &err) == kExitUsage);
  BOOST_TEST(Contains(err, "--feature_names does not apply to a DNNClassifier"), err);
}

BOOST_AUTO_TEST_CASE(WideDeepRecordHoldsTheSpecAndADifferentSpecContradictsIt) {
  TempDir dir;
  ModelFlags flags = WideDeepFlags(dir);
  StatusOr<ToolModel> made = ModelFromFlags(flags);
  BOOST_REQUIRE_MESSAGE(made.ok(), made.status().ToString());
  const ModelRecord& record = made->record;
  BOOST_TEST(record.optimizer == "Adagrad");
  BOOST_TEST(record.learning_rate == 0.001f);
  BOOST_TEST(record.linear_optimizer == "Ftrl");
  BOOST_TEST(record.linear_learning_rate == 0.005f);  // min(0.005, 1/sqrt(5 linear columns))
  BOOST_TEST(record.input_format == "csv");
  BOOST_TEST(record.na_value == "NA");
  BOOST_TEST((record.hidden_units == std::vector<int64_t>({10, 10})));
  boost::filesystem::create_directories(flags.config.model_dir);
  BOOST_REQUIRE(WriteModelRecord(flags.config.model_dir, record).ok());
  const std::string json = ReadAll(ModelRecordPath(flags.config.model_dir));
  BOOST_TEST(Contains(json, "\"feature_column_spec\": {"), json);
  BOOST_TEST(!Contains(json, "\"feature_columns\""), json);

  ModelFlags bare = Bare(flags);
  StatusOr<ToolModel> recorded = ModelFromFlags(bare);
  BOOST_REQUIRE_MESSAGE(recorded.ok(), recorded.status().ToString());
  BOOST_TEST((recorded->record == record));
  BOOST_TEST(ModelFromFlags(flags).ok());  // the same spec agrees

  // The input's format and missing-value text are the data's: a later call
  // may read other files.
  ModelFlags tfrecord = bare;
  tfrecord.input_format = "tfrecord";
  tfrecord.na_value = "?";
  StatusOr<ToolModel> reading = ModelFromFlags(tfrecord);
  BOOST_REQUIRE_MESSAGE(reading.ok(), reading.status().ToString());
  BOOST_TEST(reading->record.input_format == "tfrecord");
  BOOST_TEST(reading->record.na_value == "?");

  const std::string other = dir.file("other.json");
  WriteAll(other, R"({"columns": {"bill": {"numeric_column": {"key": "bill_length_mm"}}},
                      "dnn_feature_columns": ["bill"]})");
  bare.feature_columns = other;
  const Status differs = ModelFromFlags(bare).status();
  BOOST_TEST((differs.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(
      Contains(differs.message(), "--feature_columns " + other + " contradicts the feature_column_spec recorded in " +
                                      ModelRecordPath(flags.config.model_dir)),
      differs.message());
}

BOOST_AUTO_TEST_CASE(WideDeepExportsTakeSerializedExamplesAndNotOnnx) {
  TempDir dir;
  ModelFlags flags = WideDeepFlags(dir);
  StatusOr<ToolModel> made = ModelFromFlags(flags);
  BOOST_REQUIRE_MESSAGE(made.ok(), made.status().ToString());
  boost::filesystem::create_directories(flags.config.model_dir);
  BOOST_REQUIRE(WriteModelRecord(flags.config.model_dir, made->record).ok());
  ExportOptions options;
  options.model = Bare(flags);
  options.export_dir = dir.file("export");
  options.serving_input = estimator::ServingReceiver::kRaw;
  std::ostringstream out, err;
  BOOST_TEST(RunExport(options, out, err) == kExitError);
  BOOST_TEST(IsErrorLine(err.str(), "estimator", "UNIMPLEMENTED"), err.str());
  BOOST_TEST(Contains(err.str(), "with the raw receiver"), err.str());

  options.serving_input.reset();
  options.format = ExportFormat::kOnnx;
  std::ostringstream onnx_out, onnx_err;
  BOOST_TEST(RunExport(options, onnx_out, onnx_err) == kExitError);
  BOOST_TEST(IsErrorLine(onnx_err.str(), "estimator", "UNIMPLEMENTED"), onnx_err.str());
  BOOST_TEST(Contains(onnx_err.str(), "as ONNX"), onnx_err.str());
}

}  // namespace
}  // namespace tfcompat::estimator_tool
