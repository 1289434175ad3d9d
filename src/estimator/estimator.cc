// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/estimator/estimator.h"

#include <google/protobuf/text_format.h>
#include <stdlib.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <random>
#include <utility>

#include "checkpoint/checkpoint_internal.h"
#include "distribute/agreement.h"
#include "estimator/checkpoint_saver_hook.h"
#include "estimator/estimator_internal.h"
#include "estimator/log_format.h"
#include "estimator/logging_tensor_hook.h"
#include "estimator/model_graph.h"
#include "estimator/onnx_graph.h"
#include "estimator/serving_graph.h"
#include "estimator/step_counter_hook.h"
#include "estimator/summary_saver_hook.h"
#include "io/export_dir.h"
#include "io/file.h"
#include "saved_model/saved_model_writer.h"
#include "summary/summary_writer_internal.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/checkpoint/model_dir_lock.h"

namespace tfcompat::estimator {

using data::Batch;
using data::BatchOptions;
using data::BatchSource;
using data::Dataset;
using data::DatasetBatches;
using feature_column::FeatureColumn;
using model::Activation;
using model::DNNClassifierOptions;
using model::DNNRegressorOptions;
using model::EvaluateModel;
using model::LinearClassifierOptions;
using model::LinearRegressorOptions;
using model::Model;
using model::NewDNNClassifier;
using model::NewDNNRegressor;
using model::NewLinearClassifier;
using model::NewLinearRegressor;
using model::NewOptimizer;
using model::Optimizer;
using model::Predictions;
using model::StepResult;
using model::Trainer;
using model::TrainHook;
using model::TrainSteps;
using model::VariableRef;
using model::VariableStore;

namespace {

// The loss of the last step, which Estimator.train logs when training ends.
class FinalLossHook final : public TrainHook {
 public:
  Status AfterStep(const StepResult& result, bool*) override {
    loss_ = result.loss;
    return OkStatus();
  }
  const std::optional<double>& loss() const { return loss_; }

 private:
  std::optional<double> loss_;
};

StatusOr<std::string> MakeTempModelDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = JoinPath(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "tmpXXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) return ErrnoToStatus(errno, "mkdtemp " + pattern);
  return pattern;
}

StatusOr<std::unique_ptr<BundleReader>> OpenLatest(const std::string& model_dir) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::string prefix, LatestCheckpoint(model_dir));
  return BundleReader::Open(prefix);
}

// Numeric columns of one value each (the models' numeric path) are the
// graph's raw features; other columns are the DNN's or the linear model's
// feature columns.
bool AllScalarNumeric(const std::vector<FeatureColumn>& columns) {
  return std::all_of(columns.begin(), columns.end(), [](const FeatureColumn& column) {
    return column.kind() == FeatureColumn::Kind::kNumeric && column.dense_dimension() == 1;
  });
}

GraphDescription ColumnsGraph(const std::vector<FeatureColumn>& columns) {
  GraphDescription graph;
  for (const FeatureColumn& column : columns) {
    if (column.kind() != FeatureColumn::Kind::kNumeric) continue;
    if (AllScalarNumeric(columns)) graph.feature_keys.push_back(column.key());
    if (column.normalizer_fn()) graph.normalized_keys.push_back(column.key());
  }
  return graph;
}

// The classifier heads: one logit for two classes.
void SetClassifierHead(int n_classes, const std::vector<std::string>& vocabulary, GraphDescription* graph) {
  graph->n_classes = n_classes;
  graph->label_vocabulary = vocabulary;
  if (n_classes == 2) {
    graph->head = GraphDescription::Head::kBinary;
    graph->predictions_op = "Sigmoid";
    graph->loss_op = "SigmoidCrossEntropyWithLogits";
  }
}

void SetRegressionHead(GraphDescription* graph) {
  graph->head = GraphDescription::Head::kRegression;
  graph->predictions_op = "Identity";
  graph->loss_op = "SquaredDifference";
}

// The linear models: no layers, so the graph TensorBoard shows holds the
// variables only.
GraphDescription LinearGraph(const std::vector<FeatureColumn>& columns, feature_column::Combiner sparse_combiner) {
  GraphDescription graph = ColumnsGraph(columns);
  graph.linear = true;
  if (!AllScalarNumeric(columns)) {
    graph.linear_columns = columns;
    graph.linear_sparse_combiner = sparse_combiner;
  }
  graph.head_scope = "linear/head";
  return graph;
}

GraphDescription DnnGraph(const std::vector<FeatureColumn>& columns, size_t hidden_layers, Activation activation) {
  GraphDescription graph = ColumnsGraph(columns);
  if (!AllScalarNumeric(columns)) graph.dnn_columns = columns;
  for (size_t i = 0; i < hidden_layers; ++i) graph.layers.push_back("dnn/hiddenlayer_" + std::to_string(i));
  graph.layers.push_back("dnn/logits");
  graph.activation = activation;
  graph.head_scope = "dnn/head";
  return graph;
}

// Wide & deep: the columns, the DNN's layers (with DNN columns) and TF1's
// head scope "head".
GraphDescription DnnLinearCombinedGraph(const model::DNNLinearCombinedOptions& options) {
  GraphDescription graph;
  graph.dnn_columns = options.dnn_feature_columns;
  graph.linear_columns = options.linear_feature_columns;
  graph.linear_sparse_combiner = options.linear_sparse_combiner;
  if (!options.dnn_feature_columns.empty()) {
    for (size_t i = 0; i < options.dnn_hidden_units.size(); ++i) {
      graph.layers.push_back("dnn/hiddenlayer_" + std::to_string(i));
    }
    graph.layers.push_back("dnn/logits");
  }
  graph.activation = options.dnn_activation_fn;
  graph.head_scope = "head";
  return graph;
}

}  // namespace

InputFn DatasetInputFn(std::shared_ptr<const Dataset> dataset, BatchOptions options) {
  return [dataset = std::move(dataset), options]() -> StatusOr<std::unique_ptr<BatchSource>> {
    StatusOr<std::unique_ptr<DatasetBatches>> batches = DatasetBatches::Create(dataset, options);
    if (!batches.ok()) return batches.status();
    return std::unique_ptr<BatchSource>(std::move(*batches));
  };
}

Estimator::Estimator(ModelFn model_fn, EstimatorOptions options, uint64_t seed)
    : model_fn_(std::move(model_fn)), options_(std::move(options)), seed_(seed), env_(Env::Default()) {}

void EstimatorAccess::SetEnv(Estimator& estimator, Env* env) { estimator.env_ = env; }

StatusOr<std::unique_ptr<Estimator>> Estimator::Create(ModelFn model_fn, EstimatorOptions options) {
  if (!model_fn) return InvalidArgumentError("model_fn must be set");
  TFCOMPAT_RETURN_IF_ERROR(options.config.Validate());
  // Evaluate and Predict build no optimizer, so its options are checked here.
  if (options.optimizer.has_value()) TFCOMPAT_RETURN_IF_ERROR(NewOptimizer(*options.optimizer).status());
  if (!options.log) {
    options.log = [](const std::string& line) { std::cerr << "INFO:tfcompat:" << line << "\n"; };
  }
  const bool temporary = options.config.model_dir.empty();
  if (temporary) {
    TFCOMPAT_ASSIGN_OR_RETURN(options.config.model_dir, MakeTempModelDir());
  }
  // TF's seed: the configured one, or a random one per Estimator.
  const uint64_t seed = options.config.tf_random_seed.has_value()
                            ? static_cast<uint64_t>(*options.config.tf_random_seed)
                            : std::random_device()();
  std::unique_ptr<Estimator> estimator(new Estimator(std::move(model_fn), std::move(options), seed));
  if (temporary) estimator->Log("Using temporary folder as model directory: " + estimator->model_dir());
  return estimator;
}

StatusOr<std::unique_ptr<Estimator>> Estimator::DNNClassifier(const DNNClassifierOptions& model_options,
                                                              const RunConfig& config, LogFn log) {
  EstimatorOptions options{
      config, model_options.optimizer,
      DnnGraph(model_options.feature_columns, model_options.hidden_units.size(), model_options.activation_fn),
      std::move(log)};
  SetClassifierHead(model_options.n_classes, model_options.label_vocabulary, &*options.graph);
  return Create([model_options](uint64_t seed) { return NewDNNClassifier(model_options, seed); }, std::move(options));
}

StatusOr<std::unique_ptr<Estimator>> Estimator::DNNRegressor(const DNNRegressorOptions& model_options,
                                                             const RunConfig& config, LogFn log) {
  EstimatorOptions options{
      config, model_options.optimizer,
      DnnGraph(model_options.feature_columns, model_options.hidden_units.size(), model_options.activation_fn),
      std::move(log)};
  SetRegressionHead(&*options.graph);
  return Create([model_options](uint64_t seed) { return NewDNNRegressor(model_options, seed); }, std::move(options));
}

StatusOr<std::unique_ptr<Estimator>> Estimator::DNNLinearCombinedClassifier(
    const model::DNNLinearCombinedOptions& model_options, const RunConfig& config, LogFn log) {
  // Each part has its own optimizer (in the model options).
  EstimatorOptions options{config, std::nullopt, DnnLinearCombinedGraph(model_options), std::move(log)};
  SetClassifierHead(model_options.n_classes, model_options.label_vocabulary, &*options.graph);
  return Create([model_options](uint64_t seed) { return model::NewDNNLinearCombinedClassifier(model_options, seed); },
                std::move(options));
}

StatusOr<std::unique_ptr<Estimator>> Estimator::DNNLinearCombinedRegressor(
    const model::DNNLinearCombinedOptions& model_options, const RunConfig& config, LogFn log) {
  EstimatorOptions options{config, std::nullopt, DnnLinearCombinedGraph(model_options), std::move(log)};
  SetRegressionHead(&*options.graph);
  return Create([model_options](uint64_t seed) { return model::NewDNNLinearCombinedRegressor(model_options, seed); },
                std::move(options));
}

StatusOr<std::unique_ptr<Estimator>> Estimator::LinearClassifier(const LinearClassifierOptions& model_options,
                                                                 const RunConfig& config, LogFn log) {
  GraphDescription graph = LinearGraph(model_options.feature_columns, model_options.sparse_combiner);
  SetClassifierHead(model_options.n_classes, model_options.label_vocabulary, &graph);
  EstimatorOptions options{config, model_options.optimizer, std::move(graph), std::move(log)};
  return Create([model_options](uint64_t) { return NewLinearClassifier(model_options); }, std::move(options));
}

StatusOr<std::unique_ptr<Estimator>> Estimator::LinearRegressor(const LinearRegressorOptions& model_options,
                                                                const RunConfig& config, LogFn log) {
  GraphDescription graph = LinearGraph(model_options.feature_columns, model_options.sparse_combiner);
  SetRegressionHead(&graph);
  EstimatorOptions options{config, model_options.optimizer, std::move(graph), std::move(log)};
  return Create([model_options](uint64_t) { return NewLinearRegressor(model_options); }, std::move(options));
}

void Estimator::Log(const std::string& line) const { options_.log(line); }

StatusOr<std::optional<std::string>> Estimator::FindCheckpoint(const char* purpose) const {
  StatusOr<std::string> latest = LatestCheckpoint();
  if (latest.status().code() == StatusCode::kNotFound) {
    // Estimator.evaluate / predict without a checkpoint run on the initial
    // values, as TF; train starts from them.
    if (purpose != nullptr) {
      Log("Could not find trained model in model_dir: " + model_dir() + ", running initialization to " + purpose + ".");
    }
    return std::optional<std::string>();
  }
  TFCOMPAT_RETURN_IF_ERROR(latest.status());
  return std::optional<std::string>(std::move(*latest));
}

Status Estimator::Restore(const std::string& checkpoint, VariableStore* store) {
  // Every variable is checked before any is read, and before anything is
  // written: an incompatible model leaves model_dir untouched. The values
  // are read straight into the store.
  std::vector<VariableDestination> variables;
  for (const VariableRef& v : store->List()) {
    const bool is_float = std::holds_alternative<std::span<float>>(v.values);
    const std::span<char> bytes = std::visit(
        [](auto span) { return std::span<char>(reinterpret_cast<char*>(span.data()), span.size_bytes()); }, v.values);
    variables.push_back({{std::string(v.name), is_float ? DataType::kFloat : DataType::kInt64,
                          TensorShape(v.shape.begin(), v.shape.end())},
                         bytes});
  }
  TFCOMPAT_RETURN_IF_ERROR(RestoreVariablesInto(checkpoint, variables, model_dir()));
  Log("Restoring parameters from " + checkpoint);
  return OkStatus();
}

StatusOr<std::unique_ptr<Model>> Estimator::BuildModel(const std::optional<std::string>& checkpoint) {
  // No optimizer, so the store holds no slots: RestoreVariables neither
  // reads nor requires them.
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, model_fn_(seed_));
  if (checkpoint.has_value()) TFCOMPAT_RETURN_IF_ERROR(Restore(*checkpoint, &model->variables()));
  return model;
}

StatusOr<std::unique_ptr<Trainer>> Estimator::BuildTrainer(const std::optional<std::string>& checkpoint) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, model_fn_(seed_));
  std::unique_ptr<Optimizer> optimizer;
  if (options_.optimizer.has_value()) {
    TFCOMPAT_ASSIGN_OR_RETURN(optimizer, NewOptimizer(*options_.optimizer));
  }
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Trainer> trainer, Trainer::Create(std::move(model), std::move(optimizer),
                                                                              seed_, options_.config.train_distribute));
  if (checkpoint.has_value()) TFCOMPAT_RETURN_IF_ERROR(Restore(*checkpoint, &trainer->variables()));
  return trainer;
}

Status Estimator::Train(const InputFn& input_fn, const TrainSteps& steps, std::span<TrainHook* const> hooks,
                        std::span<CheckpointSaverListener* const> saving_listeners) {
  // Data-parallel training: rank 0 (the chief) restores and writes, the
  // other ranks only train; every step that may fail on one rank is agreed
  // on, so no rank waits for one that gave up.
  distribute::Communicator* const communicator = options_.config.train_distribute.get();
  const bool chief = communicator == nullptr || communicator->rank() == 0;
  const auto agree = [communicator](const Status& local) {
    return communicator == nullptr ? local : distribute::AgreeOnStatus(*communicator, local);
  };
  // One trainer per model_dir, held from the restore to the last save, so a
  // second process cannot interleave its checkpoints with ours.
  std::unique_ptr<ModelDirLock> lock;
  std::unique_ptr<Trainer> trainer;
  TFCOMPAT_RETURN_IF_ERROR(agree([&]() -> Status {
    std::optional<std::string> checkpoint;
    if (chief) {
      TFCOMPAT_RETURN_IF_ERROR(env_->RecursivelyCreateDir(model_dir()));
      TFCOMPAT_ASSIGN_OR_RETURN(lock, ModelDirLock::Acquire(model_dir()));
      TFCOMPAT_ASSIGN_OR_RETURN(checkpoint, FindCheckpoint(nullptr));
    }
    TFCOMPAT_ASSIGN_OR_RETURN(trainer, BuildTrainer(checkpoint));
    return OkStatus();
  }()));
  // Every rank starts from the chief's variables and global_step.
  TFCOMPAT_RETURN_IF_ERROR(trainer->SyncVariables());
  const int64_t restored_step = trainer->global_step();
  if (steps.max_steps.has_value() && restored_step >= *steps.max_steps) {
    if (chief) Log("Skipping training since max_steps has already saved.");
    return OkStatus();
  }
  StatusOr<std::unique_ptr<BatchSource>> input = input_fn();
  TFCOMPAT_RETURN_IF_ERROR(agree(input.status()));

  // The chief's files: the graph, the event file and the checkpoints.
  const RunConfig& config = options_.config;
  std::unique_ptr<SummaryWriter> writer;
  std::unique_ptr<CheckpointManager> manager;
  TFCOMPAT_RETURN_IF_ERROR(agree([&]() -> Status {
    if (!chief) return OkStatus();
    const tensorflow::GraphDef graph =
        BuildModelGraph(trainer->variables(), options_.graph.has_value() ? &*options_.graph : nullptr);
    std::string pbtxt;
    if (!google::protobuf::TextFormat::PrintToString(graph, &pbtxt)) {
      return InternalError("cannot print the graph of " + model_dir());
    }
    // A killed Train may have left temp files of graph.pbtxt; the lock says
    // no other writer's are among them.
    const std::string graph_path = JoinPath(model_dir(), "graph.pbtxt");
    TFCOMPAT_RETURN_IF_ERROR(RemoveAtomicWriteTemps(env_, graph_path));
    TFCOMPAT_RETURN_IF_ERROR(WriteFileAtomically(env_, graph_path, pbtxt));
    TFCOMPAT_ASSIGN_OR_RETURN(writer, SummaryWriterAccess::Create(env_, model_dir(), {}));
    TFCOMPAT_RETURN_IF_ERROR(AddGraphDef(*writer, graph));
    CheckpointManager::Options manager_options;
    manager_options.keep_checkpoint_max = static_cast<int>(config.keep_checkpoint_max);
    manager_options.keep_checkpoint_every_n_hours = config.keep_checkpoint_every_n_hours;
    TFCOMPAT_ASSIGN_OR_RETURN(manager, CheckpointAccess::NewManager(env_, model_dir(), manager_options));
    return OkStatus();
  }()));
  if (!chief) return trainer->Train(input->get(), steps, hooks);
  // The hooks of TF's Estimator.train, after the caller's, in TF's order.
  std::vector<TrainHook*> all_hooks(hooks.begin(), hooks.end());
  // Create() validated the config: log_step_count_steps > 0.
  LoggingTensorHook logging(config.log_step_count_steps, options_.log);
  StepCounterHook step_counter(config.log_step_count_steps, writer.get(), options_.log);
  std::optional<SummarySaverHook> summary_saver;
  if (config.save_summary_steps > 0) {
    summary_saver.emplace(config.save_summary_steps, config.weight_histograms, &trainer->model(), writer.get());
  }
  CheckpointSaverHook checkpoint_saver(config.checkpoint_schedule(), config.async_checkpoint, &trainer->variables(),
                                       manager.get(), writer.get(), options_.log, saving_listeners);
  FinalLossHook final_loss;
  all_hooks.push_back(&logging);
  if (summary_saver) all_hooks.push_back(&*summary_saver);
  all_hooks.push_back(&step_counter);
  all_hooks.push_back(&checkpoint_saver);
  all_hooks.push_back(&final_loss);
  const Status status = trainer->Train(input->get(), steps, all_hooks);
  // A save still in flight (training stopped before End) completes while
  // the lock is held; its error counts after training's own.
  const Status saved = checkpoint_saver.Finish();
  const Status closed = writer->Close();
  TFCOMPAT_RETURN_IF_ERROR(status);
  TFCOMPAT_RETURN_IF_ERROR(saved);
  if (final_loss.loss()) Log("Loss for final step: " + FormatNumber(*final_loss.loss()) + ".");
  return closed;
}

StatusOr<std::map<std::string, double>> Estimator::Evaluate(const InputFn& input_fn, std::optional<int64_t> steps,
                                                            const std::string& name,
                                                            const std::string& checkpoint_path) {
  // The lines and their order as TF's Estimator.evaluate and
  // evaluation._evaluate_once log them.
  std::optional<std::string> checkpoint = checkpoint_path;
  if (checkpoint_path.empty()) {
    TFCOMPAT_ASSIGN_OR_RETURN(checkpoint, FindCheckpoint("evaluate"));
  }
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<BatchSource> input, input_fn());
  Log("Starting evaluation at " + LocalTime("%Y-%m-%dT%H:%M:%S"));
  const LogClock::time_point start = LogClock::now();
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, BuildModel(checkpoint));
  // _StopAfterNEvalsHook, given a step count: progress after every batch,
  // or every tenth of the steps from 20 steps on, and after the last.
  std::function<void(int64_t)> progress;
  if (steps.has_value() && *steps > 0) {
    const int64_t total = *steps, every = total < 20 ? 1 : total / 10;
    progress = [this, total, every](int64_t done) {
      if (done % every == 0 || done == total) {
        Log("Evaluation [" + std::to_string(done) + "/" + std::to_string(total) + "]");
      }
    };
  }
  using MetricMap = std::map<std::string, double>;
  TFCOMPAT_ASSIGN_OR_RETURN(MetricMap metrics, EvaluateModel(*model, input.get(), steps, progress));
  Log("Inference Time : " + FormatSeconds(SecondsSince(start), 5) + "s");
  Log("Finished evaluation at " + LocalTime("%Y-%m-%d-%H:%M:%S"));
  const int64_t global_step = model->variables().global_step();
  std::string line = "Saving dict for global step " + std::to_string(global_step) + ":";
  const char* separator = " ";
  for (const auto& [metric, value] : metrics) {
    line += separator + metric + " = " + (metric == "global_step" ? std::to_string(global_step) : FormatNumber(value));
    separator = ", ";
  }
  Log(line);
  const std::string eval_dir = JoinPath(model_dir(), name.empty() ? "eval" : "eval_" + name);
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<SummaryWriter> writer, SummaryWriterAccess::Create(env_, eval_dir, {}));
  for (const auto& [metric, value] : metrics) {
    if (metric == "global_step") continue;
    TFCOMPAT_RETURN_IF_ERROR(writer->AddScalar(metric, static_cast<float>(value), global_step));
  }
  if (checkpoint.has_value()) {
    // _write_checkpoint_path_to_summary: a string tensor with no plugin.
    Log("Saving 'checkpoint_path' summary for global step " + std::to_string(global_step) + ": " + *checkpoint);
    TFCOMPAT_RETURN_IF_ERROR(writer->AddStringTensor("checkpoint_path", *checkpoint, global_step));
  }
  TFCOMPAT_RETURN_IF_ERROR(writer->Close());
  return metrics;
}

StatusOr<std::vector<Predictions>> Estimator::Predict(const InputFn& input_fn) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::optional<std::string> checkpoint, FindCheckpoint("predict"));
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, BuildModel(checkpoint));
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<BatchSource> input, input_fn());
  std::vector<Predictions> predictions;
  Batch batch;
  while (true) {
    const Status next = input->Next(&batch);
    if (next.code() == StatusCode::kOutOfRange) break;
    TFCOMPAT_RETURN_IF_ERROR(next);
    TFCOMPAT_ASSIGN_OR_RETURN(Predictions p, model->Predict(batch));
    predictions.push_back(std::move(p));
  }
  return predictions;
}

namespace {

bool HasFeatureColumns(const GraphDescription& description) {
  return !description.dnn_columns.empty() || !description.linear_columns.empty();
}

}  // namespace

StatusOr<std::unique_ptr<Model>> Estimator::BuildExportModel(std::string_view format) {
  if (!options_.graph.has_value()) {
    return FailedPreconditionError("cannot export " + model_dir() +
                                   ": the model_fn has no GraphDescription of the model to build a serving graph from");
  }
  const GraphDescription& description = *options_.graph;
  if (!description.normalized_keys.empty()) {
    return UnimplementedError("cannot export " + model_dir() + ": feature column " + description.normalized_keys[0] +
                              " has a normalizer_fn, which " + std::string(format) + " cannot hold");
  }
  StatusOr<std::string> checkpoint = LatestCheckpoint();
  if (checkpoint.status().code() == StatusCode::kNotFound) {
    return NotFoundError("Couldn't find trained model at " + model_dir() + ".");
  }
  TFCOMPAT_RETURN_IF_ERROR(checkpoint.status());
  return BuildModel(*checkpoint);
}

StatusOr<std::string> Estimator::ExportSavedModel(const std::string& export_dir_base, ServingReceiver receiver) {
  if (options_.graph.has_value() && HasFeatureColumns(*options_.graph) && receiver == ServingReceiver::kRaw) {
    return UnimplementedError("cannot export " + model_dir() +
                              " with the raw receiver: a model over feature columns serves serialized tf.Examples "
                              "(the parsing receiver)");
  }
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, BuildExportModel("a SavedModel"));
  const GraphDescription& description = *options_.graph;

  // The PREDICT graph's variables: global_step, then the model's in the
  // order it creates them (TF's `variables` collection).
  std::vector<saved_model::SavedVariable> variables;
  const int64_t& global_step = std::as_const(model->variables()).global_step();
  variables.push_back({std::string(model::kGlobalStepName),
                       DataType::kInt64,
                       {},
                       std::string_view(reinterpret_cast<const char*>(&global_step), sizeof(global_step)),
                       /*trainable=*/false,
                       /*partitioned=*/false});
  for (const VariableRef& v : model->variables().ListTrainable()) {
    const std::span<const float> values = std::get<std::span<float>>(v.values);
    variables.push_back({std::string(v.name), DataType::kFloat, TensorShape(v.shape.begin(), v.shape.end()),
                         std::string_view(reinterpret_cast<const char*>(values.data()), values.size_bytes()),
                         /*trainable=*/true, /*partitioned=*/true});
  }
  tensorflow::MetaGraphDef meta_graph;
  meta_graph.mutable_meta_info_def()->add_tags("serve");
  tensorflow::VersionDef* versions = meta_graph.mutable_graph_def()->mutable_versions();
  versions->set_producer(1645);  // TF 2.15's GraphDef version
  versions->set_min_consumer(12);
  saved_model::AddVariablesAndSaver(variables, &meta_graph);
  AddServingGraph(description, receiver, &meta_graph);
  saved_model::AddMainOp(&meta_graph);
  TFCOMPAT_ASSIGN_OR_RETURN(std::string export_dir,
                            saved_model::WriteSavedModel(env_, export_dir_base, meta_graph, variables));
  Log("SavedModel written to: " + JoinPath(export_dir, "saved_model.pb"));
  return export_dir;
}

StatusOr<std::string> Estimator::ExportOnnx(const std::string& export_dir_base) {
  if (options_.graph.has_value() && HasFeatureColumns(*options_.graph)) {
    return UnimplementedError("cannot export " + model_dir() +
                              " as ONNX: ONNX export covers models over numeric features only; export a model over "
                              "feature columns as a SavedModel");
  }
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, BuildExportModel("an ONNX model"));
  StatusOr<onnx::ModelProto> onnx_model = BuildOnnxModel(*options_.graph, model->variables());
  if (!onnx_model.ok()) return onnx_model.status().WithContext("cannot export " + model_dir() + " as ONNX");
  std::string bytes;
  if (!onnx_model->SerializeToString(&bytes)) return InternalError("cannot serialize the ONNX model of " + model_dir());
  TFCOMPAT_ASSIGN_OR_RETURN(std::string export_dir, WriteExportDir(env_, export_dir_base, [&](const std::string& dir) {
                              return WriteSyncedFile(env_, JoinPath(dir, kOnnxModelFileName), bytes);
                            }));
  Log("ONNX model written to: " + JoinPath(export_dir, kOnnxModelFileName));
  return export_dir;
}

Status Estimator::DeleteOldExports(const std::string& export_dir_base, int exports_to_keep) const {
  return tfcompat::DeleteOldExports(env_, export_dir_base, exports_to_keep);
}

StatusOr<std::string> Estimator::LatestCheckpoint() const { return tfcompat::LatestCheckpoint(model_dir()); }

StatusOr<std::vector<std::string>> Estimator::GetVariableNames() const {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<BundleReader> reader, OpenLatest(model_dir()));
  std::vector<std::string> names;
  for (const BundleEntry& entry : reader->entries()) names.push_back(entry.name);
  return names;
}

StatusOr<Tensor> Estimator::GetVariableValue(const std::string& name) const {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<BundleReader> reader, OpenLatest(model_dir()));
  return reader->Lookup(name);
}

}  // namespace tfcompat::estimator
