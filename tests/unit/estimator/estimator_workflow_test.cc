// SPDX-License-Identifier: Apache-2.0
// The Estimator workflow on a model_dir: checkpoints, restore on every
// call (evaluate and predict without the optimizer's slots), summaries, and
// the incompatible-checkpoint error.
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/checkpoint/model_dir_lock.h"
#include "tfcompat/data/csv_input.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/summary/event_file_reader.h"
#include "tfcompat/tensorflow/event.pb.h"
#include "util/iris.h"
#include "util/temp_dir.h"
#include "util/text.h"
#include "util/two_part_model.h"

namespace tfcompat::estimator {
namespace {

using data::Batch;
using model::DNNClassifierOptions;
using model::Metrics;
using model::Model;
using model::OptimizerOptions;
using model::Predictions;
using model::StepLoss;
using model::TrainSteps;
using model::VariableStore;

// Whether `text` matches `pattern`, where '#' stands for one digit and '*'
// for any run of characters (std::regex trips GCC 12's -Wmaybe-uninitialized
// in the sanitizer build).
bool MatchesPattern(std::string_view text, std::string_view pattern) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (size_t skip = 0; skip <= text.size(); ++skip) {
      if (MatchesPattern(text.substr(skip), pattern.substr(1))) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  const bool same =
      pattern.front() == '#' ? (text.front() >= '0' && text.front() <= '9') : text.front() == pattern.front();
  return same && MatchesPattern(text.substr(1), pattern.substr(1));
}

namespace fs = boost::filesystem;
using testing::Contains;
using testing::ReadAll;
using testing::TempDir;
using testing::TwoPartModel;

InputFn Batches(const std::string& file, int64_t num_epochs) {
  return DatasetInputFn(testing::ReadIris(file), {.batch_size = 32, .seed = 7, .num_epochs = num_epochs});
}

struct Fixture {
  TempDir dir;
  std::vector<std::string> log;

  std::unique_ptr<Estimator> Make(RunConfig config, std::vector<int64_t> hidden_units = {10, 10}) {
    return MakeClassifier(std::move(config), testing::IrisClassifierOptions(std::move(hidden_units)));
  }

  std::unique_ptr<Estimator> MakeClassifier(RunConfig config, const DNNClassifierOptions& options) {
    if (config.model_dir.empty()) config.model_dir = dir.file("model");
    config.tf_random_seed = config.tf_random_seed.value_or(1);
    return Estimator::DNNClassifier(options, config, [this](const std::string& line) { log.push_back(line); }).value();
  }

  bool Logged(const std::string& line) const {
    for (const std::string& l : log) {
      if (l == line) return true;
    }
    return false;
  }
};

std::vector<std::string> Checkpoints(const std::string& model_dir) {
  std::vector<std::string> names;
  const StatusOr<CheckpointState> state = ReadCheckpointState(model_dir);
  BOOST_REQUIRE(state.ok());
  for (const std::string& path : state->all_model_checkpoint_paths) {
    names.push_back(fs::path(path).filename().string());
  }
  return names;
}

// Every file under `dir` with its contents, to tell whether anything changed.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (fs::recursive_directory_iterator it(dir), end; it != end; ++it) {
    if (fs::is_regular_file(it->path())) files[it->path().string()] = ReadAll(it->path().string());
  }
  return files;
}

std::vector<EventView> Events(const std::string& dir) {
  std::vector<EventView> events;
  for (fs::directory_iterator it(dir), end; it != end; ++it) {
    if (!IsEventFileName(it->path().filename().string())) continue;
    auto reader = EventFileReader::Open(it->path().string()).value();
    EventView event;
    while (reader->ReadEvent(&event).ok()) events.push_back(event);
  }
  return events;
}

// Steps at which `tag` was written.
std::vector<int64_t> StepsOf(const std::vector<EventView>& events, const std::string& tag) {
  std::vector<int64_t> steps;
  for (const EventView& e : events) {
    for (const SummaryValueView& v : e.values) {
      if (v.tag == tag) steps.push_back(e.step);
    }
  }
  return steps;
}

// The kind of the first value tagged `tag`.
ValueKind KindOf(const std::vector<EventView>& events, const std::string& tag) {
  for (const EventView& e : events) {
    for (const SummaryValueView& v : e.values) {
      if (v.tag == tag) return v.kind;
    }
  }
  return ValueKind::kUnknown;
}

// The summary value tagged `tag` at `step`, as written.
tensorflow::Summary::Value ValueAt(const std::vector<EventView>& events, const std::string& tag, int64_t step) {
  for (const EventView& e : events) {
    if (e.step != step) continue;
    tensorflow::Event event;
    BOOST_REQUIRE(event.ParseFromString(e.serialized));
    for (const tensorflow::Summary::Value& v : event.summary().value()) {
      if (v.tag() == tag) return v;
    }
  }
  BOOST_FAIL("no " << tag << " at step " << step);
  return {};
}

int64_t GlobalStep(const Estimator& estimator) {
  return estimator.GetVariableValue("global_step").value().flat<int64_t>()[0];
}

BOOST_AUTO_TEST_SUITE(EstimatorWorkflowTest)

BOOST_FIXTURE_TEST_CASE(CheckpointsAtFirstAndLastStep, Fixture) {
  auto estimator = Make({});
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(10)).ok());
  BOOST_TEST(Checkpoints(estimator->model_dir()) == (std::vector<std::string>{"model.ckpt-0", "model.ckpt-10"}),
             boost::test_tools::per_element());
  BOOST_TEST(estimator->LatestCheckpoint().value() == estimator->model_dir() + "/model.ckpt-10");
  BOOST_TEST(GlobalStep(*estimator) == 10);
  BOOST_TEST(Logged("Saving checkpoints for 0 into " + estimator->model_dir() + "/model.ckpt."));
  BOOST_TEST(Logged("Saving checkpoints for 10 into " + estimator->model_dir() + "/model.ckpt."));
}

BOOST_FIXTURE_TEST_CASE(StepScheduleSavesEveryNStepsAndKeepsTheNewest, Fixture) {
  RunConfig config;
  config.save_checkpoints_steps = 3;
  config.keep_checkpoint_max = 2;
  auto estimator = Make(config);
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(10)).ok());
  // Saved at 0, 3, 6, 9 and the last step 10; the newest two kept.
  BOOST_TEST(Checkpoints(estimator->model_dir()) == (std::vector<std::string>{"model.ckpt-9", "model.ckpt-10"}),
             boost::test_tools::per_element());
  BOOST_TEST(!fs::exists(estimator->model_dir() + "/model.ckpt-6.index"));
  BOOST_TEST(Logged("Saving checkpoints for 6 into " + estimator->model_dir() + "/model.ckpt."));
}

// The SessionLog{CHECKPOINT} steps of the event files in `dir`.
std::vector<int64_t> CheckpointEventSteps(const std::string& dir) {
  std::vector<int64_t> steps;
  for (const EventView& e : Events(dir)) {
    if (e.kind == EventKind::kSessionLog && e.session_status == SessionStatus::kCheckpoint) steps.push_back(e.step);
  }
  return steps;
}

BOOST_FIXTURE_TEST_CASE(AsyncCheckpointSavesWhatSynchronousSavesAndEndsOnDisk, Fixture) {
  std::map<bool, std::string> model_dirs;
  for (const bool async : {false, true}) {
    RunConfig config;
    config.model_dir = dir.file(async ? "async" : "sync");
    config.save_checkpoints_steps = 3;
    config.keep_checkpoint_max = 0;
    config.async_checkpoint = async;
    auto estimator = Make(config);
    BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(10)).ok());
    model_dirs[async] = estimator->model_dir();
    // Train returned: the last save is complete and the lock released.
    BOOST_TEST(
        Checkpoints(model_dirs[async]) ==
            (std::vector<std::string>{"model.ckpt-0", "model.ckpt-3", "model.ckpt-6", "model.ckpt-9", "model.ckpt-10"}),
        boost::test_tools::per_element());
    BOOST_TEST(CheckpointEventSteps(model_dirs[async]) == (std::vector<int64_t>{0, 3, 6, 9, 10}),
               boost::test_tools::per_element());
    BOOST_TEST(!fs::exists(model_dirs[async] + "/" + ModelDirLock::kFileName));
  }
  // Each checkpoint holds the values of its step, as the synchronous save's.
  for (const std::string& name : Checkpoints(model_dirs[false])) {
    auto sync = BundleReader::Open(model_dirs[false] + "/" + name).value();
    auto async = BundleReader::Open(model_dirs[true] + "/" + name).value();
    BOOST_REQUIRE(sync->entries().size() == async->entries().size());
    for (const BundleEntry& entry : sync->entries()) {
      BOOST_TEST((sync->Lookup(entry.name).value() == async->Lookup(entry.name).value()), name << " " << entry.name);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(GlobalStepContinuesAcrossEstimators, Fixture) {
  auto first = Make({});
  BOOST_REQUIRE(first->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(20)).ok());
  const auto first_metrics = first->Evaluate(Batches("iris_test.csv", 1)).value();
  // Another estimator (another seed: other initial values) on the same
  // directory restores the checkpoint on every call.
  RunConfig config;
  config.tf_random_seed = 99;
  auto second = Make(config);
  const auto second_metrics = second->Evaluate(Batches("iris_test.csv", 1)).value();
  BOOST_TEST(second_metrics.at("loss") == first_metrics.at("loss"));
  BOOST_TEST(second_metrics.at("global_step") == 20);
  BOOST_TEST(Logged("Restoring parameters from " + second->model_dir() + "/model.ckpt-20"));
  BOOST_REQUIRE(second->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(5)).ok());
  BOOST_TEST(GlobalStep(*second) == 25);
  BOOST_REQUIRE(second->Train(Batches("iris_training.csv", 0), TrainSteps::MaxSteps(30)).ok());
  BOOST_TEST(GlobalStep(*second) == 30);
}

BOOST_FIXTURE_TEST_CASE(MaxStepsReachedWritesNothing, Fixture) {
  auto estimator = Make({});
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::MaxSteps(5)).ok());
  const auto before = Snapshot(estimator->model_dir());
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::MaxSteps(5)).ok());
  BOOST_TEST((Snapshot(estimator->model_dir()) == before));
  BOOST_TEST(Logged("Skipping training since max_steps has already saved."));
}

BOOST_FIXTURE_TEST_CASE(SecondTrainerOnOneModelDirIsRefused, Fixture) {
  auto estimator = Make({});
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(5)).ok());
  const auto before = Snapshot(estimator->model_dir());
  {
    // Another trainer holds the directory: training is refused, naming it.
    auto holder = ModelDirLock::Acquire(estimator->model_dir());
    BOOST_REQUIRE(holder.ok());
    const Status train = estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(5));
    BOOST_TEST((train.code() == StatusCode::kFailedPrecondition));
    BOOST_TEST(Contains(train.message(), "pid " + std::to_string(::getpid())));
    BOOST_TEST(GlobalStep(*estimator) == 5);
  }
  BOOST_TEST((Snapshot(estimator->model_dir()) == before));
  // Released: training goes on, and leaves no lock file behind.
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(5)).ok());
  BOOST_TEST(GlobalStep(*estimator) == 10);
  BOOST_TEST(!boost::filesystem::exists(estimator->model_dir() + "/" + ModelDirLock::kFileName));
}

BOOST_FIXTURE_TEST_CASE(IncompatibleCheckpointLeavesModelDirUntouched, Fixture) {
  auto estimator = Make({});
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(5)).ok());
  BOOST_REQUIRE(estimator->Evaluate(Batches("iris_test.csv", 1)).ok());
  const auto before = Snapshot(estimator->model_dir());
  auto changed = Make({}, {20, 10});
  const Status train = changed->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(5));
  BOOST_TEST((train.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(Contains(train.message(),
                      "tensor_name = dnn/hiddenlayer_0/kernel; shape in shape_and_slice spec [4,20] "
                      "does not match the shape stored in checkpoint: [4,10]"));
  BOOST_TEST(!changed->Evaluate(Batches("iris_test.csv", 1)).ok());
  BOOST_TEST(!changed->Predict(Batches("iris_test.csv", 1)).ok());
  BOOST_TEST((Snapshot(estimator->model_dir()) == before));
}

// Every optimizer an Estimator can name, each with other slots.
const std::vector<OptimizerOptions> kOptimizers = {
    {.name = "SGD", .learning_rate = 0.1f},       {.name = "Adagrad", .learning_rate = 0.05f},
    {.name = "Momentum", .learning_rate = 0.05f}, {.name = "Adam", .learning_rate = 0.01f},
    {.name = "RMSProp", .learning_rate = 0.01f},  {.name = "RMSProp", .learning_rate = 0.01f, .centered = true},
    {.name = "Ftrl", .learning_rate = 0.05f}};

DNNClassifierOptions IrisWith(const OptimizerOptions& optimizer) {
  DNNClassifierOptions options = testing::IrisClassifierOptions();
  options.optimizer = optimizer;
  return options;
}

std::vector<float> Probabilities(const std::vector<Predictions>& batches) {
  std::vector<float> all;
  for (const Predictions& p : batches) all.insert(all.end(), p.probabilities.begin(), p.probabilities.end());
  return all;
}

BOOST_FIXTURE_TEST_CASE(EvaluateAndPredictRestoreTheModelWhicheverOptimizerTrainedIt, Fixture) {
  for (size_t trained = 0; trained < kOptimizers.size(); ++trained) {
    RunConfig config;
    config.model_dir = dir.file("trained_with_" + std::to_string(trained));
    auto trainer = MakeClassifier(config, IrisWith(kOptimizers[trained]));
    BOOST_REQUIRE(trainer->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(5)).ok());
    const auto metrics = trainer->Evaluate(Batches("iris_test.csv", 1)).value();
    const std::vector<float> probabilities = Probabilities(trainer->Predict(Batches("iris_test.csv", 1)).value());
    BOOST_REQUIRE_EQUAL(probabilities.size(), 30u * 3u);
    // Another seed (other initial values) and optimizer (other slots): the
    // checkpoint's model variables and global_step are all they read.
    config.tf_random_seed = 99;
    for (const OptimizerOptions& optimizer : kOptimizers) {
      const std::string context = config.model_dir + " read with " + optimizer.name;
      auto reader = MakeClassifier(config, IrisWith(optimizer));
      const StatusOr<std::map<std::string, double>> read = reader->Evaluate(Batches("iris_test.csv", 1));
      BOOST_REQUIRE_MESSAGE(read.ok(), context << ": " << read.status().ToString());
      BOOST_TEST((*read == metrics), context);
      BOOST_TEST(read->at("global_step") == 5, context);
      const StatusOr<std::vector<Predictions>> predicted = reader->Predict(Batches("iris_test.csv", 1));
      BOOST_REQUIRE_MESSAGE(predicted.ok(), context << ": " << predicted.status().ToString());
      BOOST_TEST((Probabilities(*predicted) == probabilities), context);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(TrainWithAnotherOptimizerFailsWithTensorFlowsNotFound, Fixture) {
  auto adam = MakeClassifier({}, IrisWith({.name = "Adam", .learning_rate = 0.01f}));
  BOOST_REQUIRE(adam->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(3)).ok());
  const auto before = Snapshot(adam->model_dir());
  auto adagrad = Make({});
  const Status train = adagrad->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(3));
  BOOST_TEST((train.code() == StatusCode::kNotFound), train.ToString());
  BOOST_TEST(Contains(train.message(), "Key dnn/hiddenlayer_0/bias/t_0/Adagrad not found in checkpoint"));
  BOOST_TEST(Contains(train.message(), "Key dnn/logits/kernel/t_0/Adagrad not found in checkpoint"));
  BOOST_TEST((Snapshot(adam->model_dir()) == before));
}

// TF 1.8's DNNClassifier of tests/testdata/tf/jupyter-talk (see its README),
// trained with ProximalAdagrad: its checkpoint holds `t_0/ProximalAdagrad`
// slots, which no optimizer of ours names.
struct JupyterTalk : Fixture {
  static constexpr int64_t kStep = 3071;

  // A copy of the checkpoint in a model_dir, with the state file naming it.
  JupyterTalk() : model_dir(dir.file("jupyter-talk")) {
    const std::string from = std::string(TFCOMPAT_TESTDATA) + "/tf/jupyter-talk/model/model.ckpt-3071";
    const std::string prefix = model_dir + "/model.ckpt-3071";
    fs::create_directories(model_dir);
    for (const char* suffix : {".index", ".data-00000-of-00001"}) fs::copy_file(from + suffix, prefix + suffix);
    CheckpointState state;
    state.model_checkpoint_path = prefix;
    state.all_model_checkpoint_paths = {prefix};
    BOOST_REQUIRE(WriteCheckpointState(model_dir, state).ok());
  }

  // numeric_column('x', shape=[3]) is three inputs, as three columns; hidden
  // units [1000, 100, 10], the binary head.
  std::unique_ptr<Estimator> MakeWith(const OptimizerOptions& optimizer, int64_t seed) {
    DNNClassifierOptions options;
    options.feature_columns = feature_column::NumericColumns(std::vector<std::string>{"x_0", "x_1", "x_2"}).value();
    options.hidden_units = {1000, 100, 10};
    options.n_classes = 2;
    options.optimizer = optimizer;
    RunConfig config;
    config.model_dir = model_dir;
    config.tf_random_seed = seed;
    return MakeClassifier(config, options);
  }

  // A few examples of three features, labelled 0 and 1.
  static InputFn Examples() {
    auto data = std::make_shared<data::Dataset>();
    data->feature_names =
        std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"x_0", "x_1", "x_2"});
    data->features = {0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.75f, -2.0f, 3.0f, 1.0f, 0.0f, 0.0f, 0.0f};
    data->labels = {0.0f, 1.0f, 1.0f, 0.0f};
    return DatasetInputFn(data, {.batch_size = 3, .shuffle = false, .num_epochs = 1});
  }

  const std::string model_dir;
};

BOOST_FIXTURE_TEST_CASE(EvaluateAndPredictTensorFlowsProximalAdagradModelDir, JupyterTalk) {
  // Training needs the optimizer's slots: TF's NOT_FOUND, nothing written.
  const auto before = Snapshot(model_dir);
  const Status train = MakeWith({}, 1)->Train(Examples(), TrainSteps::Steps(1));
  BOOST_TEST((train.code() == StatusCode::kNotFound), train.ToString());
  BOOST_TEST(Contains(train.message(), "Key dnn/hiddenlayer_0/bias/t_0/Adagrad not found in checkpoint"));
  BOOST_TEST((Snapshot(model_dir) == before));

  // Evaluate and predict need the model only, whichever optimizer is named.
  const std::vector<float> expected = Probabilities(MakeWith({.name = "SGD"}, 2)->Predict(Examples()).value());
  BOOST_REQUIRE_EQUAL(expected.size(), 4u * 2u);
  for (const OptimizerOptions& optimizer : kOptimizers) {
    auto estimator = MakeWith(optimizer, 1);
    const StatusOr<std::map<std::string, double>> metrics = estimator->Evaluate(Examples());
    BOOST_REQUIRE_MESSAGE(metrics.ok(), optimizer.name << ": " << metrics.status().ToString());
    BOOST_TEST(metrics->at("global_step") == kStep, optimizer.name);
    BOOST_TEST(metrics->count("auc") == 1u, optimizer.name);
    const StatusOr<std::vector<Predictions>> predictions = estimator->Predict(Examples());
    BOOST_REQUIRE_MESSAGE(predictions.ok(), optimizer.name << ": " << predictions.status().ToString());
    BOOST_TEST((Probabilities(*predictions) == expected), optimizer.name);
  }
  BOOST_TEST(Logged("Restoring parameters from " + model_dir + "/model.ckpt-3071"));
}

BOOST_FIXTURE_TEST_CASE(WritesSummariesAsTensorFlowDoes, Fixture) {
  RunConfig config;
  config.save_summary_steps = 50;
  config.log_step_count_steps = 100;
  auto estimator = Make(config);
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(250)).ok());
  const std::vector<EventView> events = Events(estimator->model_dir());
  BOOST_TEST(StepsOf(events, "loss") == (std::vector<int64_t>{1, 51, 101, 151, 201}), boost::test_tools::per_element());
  BOOST_TEST(StepsOf(events, "global_step/sec") == (std::vector<int64_t>{101, 201}), boost::test_tools::per_element());
  // TF1's canned DNN summarises every layer, and its head the mean loss, by default.
  for (const char* tag : {"average_loss", "dnn/dnn/hiddenlayer_0/activation", "dnn/dnn/hiddenlayer_1/activation",
                          "dnn/dnn/logits/activation", "dnn/dnn/hiddenlayer_0/fraction_of_zero_values",
                          "dnn/dnn/logits/fraction_of_zero_values"}) {
    BOOST_TEST(StepsOf(events, tag) == (std::vector<int64_t>{1, 51, 101, 151, 201}), boost::test_tools::per_element());
  }
  BOOST_TEST((KindOf(events, "dnn/dnn/hiddenlayer_0/activation") == ValueKind::kHistogram));
  BOOST_TEST((KindOf(events, "dnn/dnn/hiddenlayer_0/fraction_of_zero_values") == ValueKind::kScalar));
  BOOST_TEST(StepsOf(events, "dnn/hiddenlayer_0/kernel").empty());  // weight histograms are opt-in
  int graphs = 0;
  std::vector<int64_t> checkpoints;
  for (const EventView& e : events) {
    if (e.kind == EventKind::kGraphDef) ++graphs;
    if (e.kind == EventKind::kSessionLog && e.session_status == SessionStatus::kCheckpoint) {
      checkpoints.push_back(e.step);
    }
  }
  BOOST_TEST(graphs == 1);
  BOOST_TEST(checkpoints == (std::vector<int64_t>{0, 250}), boost::test_tools::per_element());
  const std::string pbtxt = ReadAll(estimator->model_dir() + "/graph.pbtxt");
  BOOST_TEST(Contains(pbtxt, "name: \"dnn/hiddenlayer_1/Relu\""));
  BOOST_TEST(Contains(pbtxt, "name: \"dnn/logits/BiasAdd\""));
  // The LoggingTensorHook lines: the step before the update.
  int loss_lines = 0;
  for (const std::string& line : log) loss_lines += line.rfind("loss = ", 0) == 0 ? 1 : 0;
  BOOST_TEST(loss_lines == 3);  // steps 0, 100, 200
}

BOOST_FIXTURE_TEST_CASE(WeightHistogramsHoldTheCheckpointedValues, Fixture) {
  RunConfig config;
  config.save_summary_steps = 5;
  config.weight_histograms = true;
  auto estimator = Make(config);
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(6)).ok());
  const std::vector<EventView> events = Events(estimator->model_dir());
  for (const char* tag : {"dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_0/bias", "dnn/hiddenlayer_1/kernel",
                          "dnn/hiddenlayer_1/bias", "dnn/logits/kernel", "dnn/logits/bias"}) {
    BOOST_TEST(StepsOf(events, tag) == (std::vector<int64_t>{1, 6}), boost::test_tools::per_element());
    // At step 6 the histogram is of the values model.ckpt-6 holds.
    const tensorflow::HistogramProto histogram = ValueAt(events, tag, 6).histo();
    const Tensor saved = estimator->GetVariableValue(tag).value();
    double sum = 0, min = 1e30, max = -1e30;
    for (float v : saved.flat<float>()) {
      sum += v;
      min = std::min<double>(min, v);
      max = std::max<double>(max, v);
    }
    BOOST_TEST(histogram.num() == static_cast<double>(saved.num_elements()), tag);
    BOOST_TEST(histogram.sum() == sum, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(histogram.min() == min);
    BOOST_TEST(histogram.max() == max);
  }
  BOOST_TEST(StepsOf(events, "dnn/hiddenlayer_0/kernel/t_0/Adagrad").empty());  // trainable variables only
}

// SummarySaverHook: every session says START after its first step, so
// TensorBoard, which ignores a run's first START, purges from step 8 on.
BOOST_FIXTURE_TEST_CASE(EverySessionStartsAfterItsFirstStep, Fixture) {
  auto estimator = Make({});
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(7)).ok());
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(3)).ok());
  std::vector<int64_t> starts;
  for (const EventView& e : Events(estimator->model_dir())) {
    if (e.kind == EventKind::kSessionLog && e.session_status == SessionStatus::kStart) starts.push_back(e.step);
  }
  std::sort(starts.begin(), starts.end());  // one per session's file, read in directory order
  BOOST_TEST(starts == (std::vector<int64_t>{1, 8}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(EvaluateWritesEvalDirectory, Fixture) {
  auto estimator = Make({});
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(12)).ok());
  const auto metrics = estimator->Evaluate(Batches("iris_test.csv", 1)).value();
  BOOST_REQUIRE(estimator->Evaluate(Batches("iris_test.csv", 1), std::nullopt, "test").ok());
  for (const std::string& dir : {std::string("eval"), std::string("eval_test")}) {
    const std::vector<EventView> events = Events(estimator->model_dir() + "/" + dir);
    for (const char* tag : {"accuracy", "average_loss", "loss"}) {
      BOOST_TEST(StepsOf(events, tag) == std::vector<int64_t>{12}, boost::test_tools::per_element());
    }
    BOOST_TEST(StepsOf(events, "global_step").empty());
    // _write_checkpoint_path_to_summary: the evaluated checkpoint, a string tensor with no plugin.
    const tensorflow::Summary::Value path = ValueAt(events, "checkpoint_path", 12);
    BOOST_TEST(path.tensor().dtype() == tensorflow::DT_STRING);
    BOOST_TEST(path.tensor().string_val(0) == estimator->model_dir() + "/model.ckpt-12");
    BOOST_TEST(!path.has_metadata());
  }
  BOOST_TEST(metrics.at("global_step") == 12);
  BOOST_TEST(
      Logged("Saving 'checkpoint_path' summary for global step 12: " + estimator->model_dir() + "/model.ckpt-12"));
}

BOOST_FIXTURE_TEST_CASE(EvaluateLogsTensorFlowsLines, Fixture) {
  auto estimator = Make({});
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(3)).ok());
  const auto progress = [this] {
    std::vector<std::string> lines;
    for (const std::string& line : log) {
      if (line.rfind("Evaluation [", 0) == 0) lines.push_back(line);
    }
    log.clear();
    return lines;
  };
  progress();
  // Fewer than 20 steps: a line after every batch.
  BOOST_REQUIRE(estimator->Evaluate(Batches("iris_test.csv", 0), 3).ok());
  const std::vector<std::string> all = log;
  BOOST_TEST(progress() == (std::vector<std::string>{"Evaluation [1/3]", "Evaluation [2/3]", "Evaluation [3/3]"}),
             boost::test_tools::per_element());
  // The lines around them, in TF's order and formats.
  const std::vector<std::string> expected = {
      "Starting evaluation at ####-##-##T##:##:##",
      "Restoring parameters from */model.ckpt-3",
      "Evaluation [1/3]",
      "Evaluation [2/3]",
      "Evaluation [3/3]",
      "Inference Time : *.#####s",
      "Finished evaluation at ####-##-##-##:##:##",
      "Saving dict for global step 3: accuracy = *, average_loss = *, global_step = 3, loss = *",
      "Saving 'checkpoint_path' summary for global step 3: */model.ckpt-3"};
  BOOST_REQUIRE_EQUAL(all.size(), expected.size());
  for (size_t i = 0; i < all.size(); ++i) BOOST_TEST(MatchesPattern(all[i], expected[i]), all[i]);
  // From 20 steps on: every tenth of them, and the last.
  BOOST_REQUIRE(estimator->Evaluate(Batches("iris_test.csv", 0), 25).ok());
  std::vector<std::string> every_second;
  for (int k = 2; k <= 24; k += 2) every_second.push_back("Evaluation [" + std::to_string(k) + "/25]");
  every_second.push_back("Evaluation [25/25]");
  BOOST_TEST(progress() == every_second, boost::test_tools::per_element());
  // No step count: no progress lines.
  BOOST_REQUIRE(estimator->Evaluate(Batches("iris_test.csv", 1)).ok());
  BOOST_TEST(progress().empty());
}

BOOST_FIXTURE_TEST_CASE(EvaluateAndPredictWithoutCheckpointUseInitialValues, Fixture) {
  auto estimator = Make({});
  const auto metrics = estimator->Evaluate(Batches("iris_test.csv", 1)).value();
  BOOST_TEST(metrics.at("global_step") == 0);
  BOOST_TEST(Logged("Could not find trained model in model_dir: " + estimator->model_dir() +
                    ", running initialization to evaluate."));
  BOOST_TEST(StepsOf(Events(estimator->model_dir() + "/eval"), "checkpoint_path").empty());  // none to name
  const auto predictions = estimator->Predict(Batches("iris_test.csv", 1)).value();
  int64_t examples = 0;
  for (const Predictions& p : predictions) examples += p.batch_size;
  BOOST_TEST(examples == 30);
  BOOST_TEST((estimator->LatestCheckpoint().status().code() == StatusCode::kNotFound));
}

BOOST_FIXTURE_TEST_CASE(VariablesHaveTensorFlowsNames, Fixture) {
  auto estimator = Make({});
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(1)).ok());
  const std::vector<std::string> names = estimator->GetVariableNames().value();
  const std::vector<std::string> expected = {"dnn/hiddenlayer_0/bias",
                                             "dnn/hiddenlayer_0/bias/t_0/Adagrad",
                                             "dnn/hiddenlayer_0/kernel",
                                             "dnn/hiddenlayer_0/kernel/t_0/Adagrad",
                                             "dnn/hiddenlayer_1/bias",
                                             "dnn/hiddenlayer_1/bias/t_0/Adagrad",
                                             "dnn/hiddenlayer_1/kernel",
                                             "dnn/hiddenlayer_1/kernel/t_0/Adagrad",
                                             "dnn/logits/bias",
                                             "dnn/logits/bias/t_0/Adagrad",
                                             "dnn/logits/kernel",
                                             "dnn/logits/kernel/t_0/Adagrad",
                                             "global_step"};
  BOOST_TEST(names == expected, boost::test_tools::per_element());
  const Tensor kernel = estimator->GetVariableValue("dnn/logits/kernel").value();
  BOOST_TEST((kernel.shape() == TensorShape{10, 3}));
  BOOST_TEST((estimator->GetVariableValue("dnn/nope").status().code() == StatusCode::kNotFound));
}

// A model whose metrics are fixed numbers, to see how they are printed.
class FixedMetricsModel final : public Model {
 public:
  FixedMetricsModel() { (void)store_.AddTrainable("w", {1}).value(); }
  VariableStore& variables() override { return store_; }
  std::string_view optimizer_scope() const override { return ""; }
  const OptimizerOptions& default_optimizer() const override { return optimizer_; }
  StatusOr<StepLoss> ComputeGradients(const Batch&, uint64_t) override { return StepLoss{}; }
  StatusOr<Predictions> Predict(const Batch&) override { return Predictions{}; }
  Status UpdateMetrics(const Batch&, Metrics* metrics) override {
    metrics->Add("a_whole", 1, 1);
    metrics->Add("b_tiny", 1.5e-5, 1);
    metrics->Add("c_large", 123456789, 1);
    metrics->Add("d_tenth", 0.1, 1);
    metrics->Add("e_zero", 0, 1);
    metrics->Add("f_huge", 2.5e20, 1);
    return OkStatus();
  }

 private:
  VariableStore store_;
  OptimizerOptions optimizer_ = {"SGD", 0.1f};
};

BOOST_FIXTURE_TEST_CASE(SavingDictPrintsNumbersAsNumpy, Fixture) {
  EstimatorOptions options;
  options.config.model_dir = dir.file("model");
  options.log = [this](const std::string& line) { log.push_back(line); };
  auto estimator =
      Estimator::Create(
          [](uint64_t) { return StatusOr<std::unique_ptr<Model>>(std::make_unique<FixedMetricsModel>()); }, options)
          .value();
  BOOST_REQUIRE(estimator->Evaluate(Batches("iris_test.csv", 1)).ok());
  // str(numpy.float32(x)) for each, as TF's _dict_to_str, sorted by name.
  BOOST_TEST(Logged("Saving dict for global step 0: a_whole = 1.0, b_tiny = 1.5e-05, c_large = 123456790.0, "
                    "d_tenth = 0.1, e_zero = 0.0, f_huge = 2.5e+20, global_step = 0"),
             log.back());
}

// A model of two optimizer parts (wide & deep's Ftrl and Adagrad) saves and
// restores both parts' slots; its untouched sparse rows stay at their start.
BOOST_FIXTURE_TEST_CASE(TwoPartModelCheckpointsEachPartsSlotsAndResumes, Fixture) {
  EstimatorOptions options;
  options.config.model_dir = dir.file("model");
  options.log = [this](const std::string& line) { log.push_back(line); };
  const auto model_fn = [](uint64_t) { return StatusOr<std::unique_ptr<Model>>(std::make_unique<TwoPartModel>()); };
  auto estimator = Estimator::Create(model_fn, options).value();
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(2)).ok());
  BOOST_REQUIRE(estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(1)).ok());
  BOOST_TEST(GlobalStep(*estimator) == 3);
  const std::vector<std::string> names = estimator->GetVariableNames().value();
  for (const char* name : {"linear/linear_model/island/weights/part_0/Ftrl_1",
                           "linear/linear_model/bias_weights/part_0/Ftrl", "dnn/hiddenlayer_0/kernel/t_0/Adagrad"}) {
    BOOST_TEST((std::find(names.begin(), names.end(), name) != names.end()), name);
  }
  BOOST_TEST((std::find(names.begin(), names.end(), "dnn/hiddenlayer_0/kernel/t_0/Ftrl") == names.end()));
  const Tensor accum = estimator->GetVariableValue("linear/linear_model/island/weights/part_0/Ftrl").value();
  // Rows 1 and 3 took three gradients of 0.5; the others none.
  BOOST_TEST(std::vector<float>(accum.flat<float>().begin(), accum.flat<float>().end()) ==
                 std::vector<float>({0.1f, 0.85f, 0.1f, 0.85f, 0.1f}),
             boost::test_tools::tolerance(1e-6f) << boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(OptimizerOptionOfATwoPartModelFailsTrainWithInvalidArgument, Fixture) {
  EstimatorOptions options;
  options.config.model_dir = dir.file("model");
  options.optimizer = OptimizerOptions{"Adagrad", 0.1f};
  options.log = [this](const std::string& line) { log.push_back(line); };
  const auto model_fn = [](uint64_t) { return StatusOr<std::unique_ptr<Model>>(std::make_unique<TwoPartModel>()); };
  auto estimator = Estimator::Create(model_fn, options).value();
  const Status status = estimator->Train(Batches("iris_training.csv", 0), TrainSteps::Steps(1));
  BOOST_TEST((status.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(status.message().find("carry their own optimizers") != std::string::npos, status.ToString());
}

BOOST_AUTO_TEST_CASE(NoModelDirMeansATemporaryOne) {
  std::vector<std::string> log;
  const DNNClassifierOptions options = testing::IrisClassifierOptions({4});
  auto estimator =
      Estimator::DNNClassifier(options, RunConfig(), [&log](const std::string& line) { log.push_back(line); }).value();
  BOOST_TEST(fs::is_directory(estimator->model_dir()));
  BOOST_REQUIRE(log.size() == 1u);
  BOOST_TEST(log[0] == "Using temporary folder as model directory: " + estimator->model_dir());
  fs::remove_all(estimator->model_dir());
}

BOOST_AUTO_TEST_CASE(BothCheckpointSchedulesIsAnError) {
  RunConfig config;
  config.model_dir = "unused";
  config.save_checkpoints_steps = 10;
  config.save_checkpoints_secs = 10;
  DNNClassifierOptions options;
  options.feature_columns.push_back(feature_column::FeatureColumn::Numeric("x").value());
  options.hidden_units = {4};
  BOOST_TEST((Estimator::DNNClassifier(options, config).status().code() == StatusCode::kInvalidArgument));
}

// Evaluate and predict build no optimizer, so a bad one is refused up front
// (TF's canned model_fn makes the optimizer in every mode).
BOOST_AUTO_TEST_CASE(BadOptimizerIsAnErrorAtConstruction) {
  RunConfig config;
  config.model_dir = "unused";
  for (const OptimizerOptions& optimizer :
       {OptimizerOptions{.name = "Adadelta"}, OptimizerOptions{.name = "Adam", .learning_rate = 0.0f}}) {
    const Status status = Estimator::DNNClassifier(IrisWith(optimizer), config).status();
    BOOST_TEST((status.code() == StatusCode::kInvalidArgument), status.ToString());
  }
  const Status unknown = Estimator::DNNClassifier(IrisWith({.name = "Adadelta"}), config).status();
  BOOST_TEST(Contains(unknown.message(), "Unsupported optimizer name: Adadelta"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::estimator
