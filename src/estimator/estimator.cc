#include "tfcompat/estimator/estimator.h"

#include <google/protobuf/text_format.h>
#include <stdlib.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <random>
#include <utility>

#include "base/status_macros.h"
#include "checkpoint/checkpoint_internal.h"
#include "estimator/estimator_internal.h"
#include "estimator/model_graph.h"
#include "io/file.h"
#include "summary/summary_writer_internal.h"
#include "tfcompat/checkpoint/checkpoint.h"
#include "tfcompat/checkpoint/model_dir_lock.h"
#include "tfcompat/tensorflow/summary.pb.h"

namespace tfcompat::estimator {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// str(numpy.float32(value)), as TF's log lines print metrics and losses:
// the shortest digits that read back as the same float, positional for
// 1e-4 <= |value| < 1e16 (with ".0" when whole: "123456790.0"), else
// scientific ("1e-05").
std::string FormatNumber(double value) {
  const float f = static_cast<float>(value);
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), f, std::chars_format::scientific);
  const std::string scientific(buffer, result.ptr);
  const double magnitude = std::fabs(static_cast<double>(f));
  if (!(magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e16))) return scientific;
  // "-d.ddde+XX": the digits and the power of ten of the first one.
  const size_t e = scientific.find('e');
  const bool negative = scientific[0] == '-';
  std::string digits = scientific.substr(negative ? 1 : 0, e - (negative ? 1 : 0));
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int exponent = std::stoi(scientific.substr(e + 1));
  std::string text = negative ? "-" : "";
  if (exponent < 0) {
    text += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  } else {
    const size_t whole = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= whole) {
      text += digits + std::string(whole - digits.size(), '0') + ".0";
    } else {
      text += digits.substr(0, whole) + "." + digits.substr(whole);
    }
  }
  return text;
}

// Python's '%g' (StepCounterHook's global_step/sec).
std::string FormatG(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

std::string FormatSeconds(double seconds, int decimals = 3) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, seconds);
  return buffer;
}

// The local time as time.strftime(format, time.localtime()).
std::string LocalTime(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm local;
  localtime_r(&now, &local);
  char buffer[64];
  return std::string(buffer, std::strftime(buffer, sizeof(buffer), format, &local));
}

std::vector<VariableSpec> SpecsOf(VariableStore& store) {
  std::vector<VariableSpec> specs;
  for (const VariableRef& v : store.List()) {
    const bool is_float = std::holds_alternative<std::span<float>>(v.values);
    specs.push_back({std::string(v.name), is_float ? DataType::kFloat : DataType::kInt64,
                     TensorShape(v.shape.begin(), v.shape.end())});
  }
  return specs;
}

std::string_view BytesOf(const VariableRef& v) {
  return std::visit(
      [](auto span) { return std::string_view(reinterpret_cast<const char*>(span.data()), span.size_bytes()); },
      v.values);
}

// TF's CheckpointSaverHook, SummarySaverHook, StepCounterHook and
// LoggingTensorHook of Estimator.train, on one event file.
class TrainingHooks final : public TrainHook {
 public:
  TrainingHooks(const RunConfig& config, const Model* model, VariableStore* store, CheckpointManager* manager,
                SummaryWriter* writer, const LogFn& log)
      : config_(config),
        schedule_(config.checkpoint_schedule()),
        model_(model),
        store_(store),
        manager_(manager),
        writer_(writer),
        log_(log) {}

  Status Begin(int64_t global_step) override {
    start_step_ = global_step;
    return Save(global_step);
  }

  Status AfterStep(const StepResult& result, bool*) override {
    const int64_t step = result.global_step;
    last_loss_ = result.loss;
    // LoggingTensorHook: the loss and the step it was computed at, every
    // log_step_count_steps iterations of this call.
    const int64_t iteration = step - 1 - start_step_;
    if (config_.log_step_count_steps > 0 && iteration % config_.log_step_count_steps == 0) {
      std::string line = "loss = " + FormatNumber(result.loss) + ", step = " + std::to_string(step - 1);
      if (iteration > 0) line += " (" + FormatSeconds(SecondsSince(last_log_time_)) + " sec)";
      log_(line);
      last_log_time_ = Clock::now();
    }
    // SummarySaverHook: at the first step, then every save_summary_steps.
    if (config_.save_summary_steps > 0 &&
        (!last_summary_step_ || step >= *last_summary_step_ + config_.save_summary_steps)) {
      TFCOMPAT_RETURN_IF_ERROR(WriteSummaries(step, result.loss));
      last_summary_step_ = step;
    }
    // StepCounterHook: starts counting at the first step.
    if (config_.log_step_count_steps > 0) {
      if (!last_count_step_) {
        last_count_step_ = step;
        last_count_time_ = Clock::now();
      } else if (step >= *last_count_step_ + config_.log_step_count_steps) {
        const double rate = static_cast<double>(step - *last_count_step_) / SecondsSince(last_count_time_);
        log_("global_step/sec: " + FormatG(rate));
        TFCOMPAT_RETURN_IF_ERROR(writer_->AddScalar("global_step/sec", static_cast<float>(rate), step));
        last_count_step_ = step;
        last_count_time_ = Clock::now();
      }
    }
    // CheckpointSaverHook's timer.
    if ((schedule_.steps && step >= last_save_step_ + *schedule_.steps) ||
        (schedule_.secs && SecondsSince(last_save_time_) >= *schedule_.secs)) {
      TFCOMPAT_RETURN_IF_ERROR(Save(step));
    }
    return OkStatus();
  }

  Status End(int64_t global_step) override {
    if (global_step != last_save_step_) TFCOMPAT_RETURN_IF_ERROR(Save(global_step));
    if (last_loss_) log_("Loss for final step: " + FormatNumber(*last_loss_) + ".");
    return OkStatus();
  }

 private:
  // What SummarySaverHook's merged summary holds: the Estimator's `loss`,
  // the model's own summaries and, when asked, every trainable variable.
  Status WriteSummaries(int64_t step, double loss) {
    TFCOMPAT_RETURN_IF_ERROR(writer_->AddScalar("loss", static_cast<float>(loss), step));
    for (const ModelSummary& summary : model_->TrainingSummaries()) {
      if (const float* scalar = std::get_if<float>(&summary.value)) {
        TFCOMPAT_RETURN_IF_ERROR(writer_->AddScalar(summary.tag, *scalar, step));
      } else {
        const auto& values = std::get<std::vector<double>>(summary.value);
        TFCOMPAT_RETURN_IF_ERROR(writer_->AddHistogram(summary.tag, HistogramData::FromValues(values), step));
      }
    }
    if (!config_.weight_histograms) return OkStatus();
    for (const VariableRef& v : store_->ListTrainable()) {
      const auto values = std::get<std::span<float>>(v.values);
      const std::vector<double> widened(values.begin(), values.end());
      TFCOMPAT_RETURN_IF_ERROR(writer_->AddHistogram(v.name, HistogramData::FromValues(widened), step));
    }
    return OkStatus();
  }

  Status Save(int64_t step) {
    log_("Saving checkpoints for " + std::to_string(step) + " into " + JoinPath(manager_->directory(), "model.ckpt") +
         ".");
    const auto write = [this](BundleWriter& bundle) {
      for (const VariableRef& v : store_->List()) {
        const bool is_float = std::holds_alternative<std::span<float>>(v.values);
        TFCOMPAT_RETURN_IF_ERROR(bundle.AddBytes(v.name, is_float ? DataType::kFloat : DataType::kInt64,
                                                 TensorShape(v.shape.begin(), v.shape.end()), BytesOf(v)));
      }
      return OkStatus();
    };
    TFCOMPAT_ASSIGN_OR_RETURN(const std::string prefix, manager_->Save(step, write));
    TFCOMPAT_RETURN_IF_ERROR(writer_->AddCheckpoint(prefix, step));
    last_save_step_ = step;
    last_save_time_ = Clock::now();
    return OkStatus();
  }

  const RunConfig& config_;
  const RunConfig::CheckpointSchedule schedule_;
  const Model* model_;
  VariableStore* store_;
  CheckpointManager* manager_;
  SummaryWriter* writer_;
  const LogFn& log_;
  int64_t start_step_ = 0;
  std::optional<double> last_loss_;
  Clock::time_point last_log_time_;
  std::optional<int64_t> last_summary_step_;
  std::optional<int64_t> last_count_step_;
  Clock::time_point last_count_time_;
  int64_t last_save_step_ = -1;
  Clock::time_point last_save_time_;
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

GraphDescription DnnGraph(const std::vector<NumericColumn>& columns, size_t hidden_layers, Activation activation) {
  GraphDescription graph;
  for (const NumericColumn& column : columns) graph.feature_keys.push_back(column.key);
  for (size_t i = 0; i < hidden_layers; ++i) graph.layers.push_back("dnn/hiddenlayer_" + std::to_string(i));
  graph.layers.push_back("dnn/logits");
  graph.activation = activation;
  graph.head_scope = "dnn/head";
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

StatusOr<std::unique_ptr<Estimator>> Estimator::DNNClassifier(const DNNClassifierOptions& model,
                                                              const RunConfig& config, LogFn log) {
  EstimatorOptions options{config, model.optimizer,
                           DnnGraph(model.feature_columns, model.hidden_units.size(), model.activation_fn),
                           std::move(log)};
  if (model.n_classes == 2) {  // the binary head: one logit
    options.graph->predictions_op = "Sigmoid";
    options.graph->loss_op = "SigmoidCrossEntropyWithLogits";
  }
  return Create([model](uint64_t seed) { return NewDNNClassifier(model, seed); }, std::move(options));
}

StatusOr<std::unique_ptr<Estimator>> Estimator::DNNRegressor(const DNNRegressorOptions& model, const RunConfig& config,
                                                             LogFn log) {
  EstimatorOptions options{config, model.optimizer,
                           DnnGraph(model.feature_columns, model.hidden_units.size(), model.activation_fn),
                           std::move(log)};
  options.graph->predictions_op = "Identity";
  options.graph->loss_op = "SquaredDifference";
  return Create([model](uint64_t seed) { return NewDNNRegressor(model, seed); }, std::move(options));
}

StatusOr<std::unique_ptr<Estimator>> Estimator::LinearClassifier(const LinearClassifierOptions& model,
                                                                 const RunConfig& config, LogFn log) {
  EstimatorOptions options{config, model.optimizer, std::nullopt, std::move(log)};
  return Create([model](uint64_t) { return NewLinearClassifier(model); }, std::move(options));
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

StatusOr<std::unique_ptr<Trainer>> Estimator::BuildAndRestore(const std::optional<std::string>& checkpoint) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, model_fn_(seed_));
  std::unique_ptr<Optimizer> optimizer;
  if (options_.optimizer.has_value()) {
    TFCOMPAT_ASSIGN_OR_RETURN(optimizer, NewOptimizer(*options_.optimizer));
  }
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Trainer> trainer,
                            Trainer::Create(std::move(model), std::move(optimizer), seed_));
  if (!checkpoint.has_value()) return trainer;
  // Every variable is checked before any is set, and before anything is
  // written: an incompatible model leaves model_dir untouched.
  VariableStore& store = trainer->variables();
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<Tensor> values,
                            RestoreVariables(*checkpoint, SpecsOf(store), model_dir()));
  Log("Restoring parameters from " + *checkpoint);
  const std::vector<VariableRef> variables = store.List();
  for (size_t i = 0; i < variables.size(); ++i) {
    std::visit(
        [&](auto span) {
          const std::string_view bytes = values[i].bytes();
          std::memcpy(span.data(), bytes.data(), std::min(bytes.size(), span.size_bytes()));
        },
        variables[i].values);
  }
  return trainer;
}

Status Estimator::Train(const InputFn& input_fn, const TrainSteps& steps, std::span<TrainHook* const> hooks) {
  TFCOMPAT_RETURN_IF_ERROR(env_->RecursivelyCreateDir(model_dir()));
  // One trainer per model_dir, held from the restore to the last save, so a
  // second process cannot interleave its checkpoints with ours.
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<ModelDirLock> lock, ModelDirLock::Acquire(model_dir()));
  TFCOMPAT_ASSIGN_OR_RETURN(const std::optional<std::string> checkpoint, FindCheckpoint(nullptr));
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Trainer> trainer, BuildAndRestore(checkpoint));
  const int64_t restored_step = trainer->global_step();
  if (steps.max_steps.has_value() && restored_step >= *steps.max_steps) {
    Log("Skipping training since max_steps has already saved.");
    return OkStatus();
  }
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<BatchSource> input, input_fn());

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
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<SummaryWriter> writer, SummaryWriterAccess::Create(env_, model_dir(), {}));
  TFCOMPAT_RETURN_IF_ERROR(AddGraphDef(*writer, graph));
  // A restart: TensorBoard drops the points of the previous run after it.
  if (restored_step > 0) TFCOMPAT_RETURN_IF_ERROR(writer->AddSessionStart(restored_step));

  const RunConfig& config = options_.config;
  CheckpointManager::Options manager_options;
  manager_options.keep_checkpoint_max = static_cast<int>(config.keep_checkpoint_max);
  manager_options.keep_checkpoint_every_n_hours = config.keep_checkpoint_every_n_hours;
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<CheckpointManager> manager,
                            CheckpointAccess::NewManager(env_, model_dir(), manager_options));
  TrainingHooks training(config, &trainer->model(), &trainer->variables(), manager.get(), writer.get(), options_.log);
  std::vector<TrainHook*> all_hooks(hooks.begin(), hooks.end());
  all_hooks.push_back(&training);
  const Status status = trainer->Train(input.get(), steps, all_hooks);
  const Status closed = writer->Close();
  TFCOMPAT_RETURN_IF_ERROR(status);
  return closed;
}

StatusOr<std::map<std::string, double>> Estimator::Evaluate(const InputFn& input_fn, std::optional<int64_t> steps,
                                                            const std::string& name) {
  // The lines and their order as TF's Estimator.evaluate and
  // evaluation._evaluate_once log them.
  TFCOMPAT_ASSIGN_OR_RETURN(const std::optional<std::string> checkpoint, FindCheckpoint("evaluate"));
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<BatchSource> input, input_fn());
  Log("Starting evaluation at " + LocalTime("%Y-%m-%dT%H:%M:%S"));
  const Clock::time_point start = Clock::now();
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Trainer> trainer, BuildAndRestore(checkpoint));
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
  TFCOMPAT_ASSIGN_OR_RETURN(MetricMap metrics, trainer->Evaluate(input.get(), steps, progress));
  Log("Inference Time : " + FormatSeconds(SecondsSince(start), 5) + "s");
  Log("Finished evaluation at " + LocalTime("%Y-%m-%d-%H:%M:%S"));
  const int64_t global_step = trainer->global_step();
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
    tensorflow::Event event;
    event.set_step(global_step);
    tensorflow::Summary::Value* value = event.mutable_summary()->add_value();
    value->set_tag("checkpoint_path");
    tensorflow::TensorProto* tensor = value->mutable_tensor();
    tensor->set_dtype(tensorflow::DT_STRING);
    tensor->mutable_tensor_shape();
    tensor->add_string_val(*checkpoint);
    TFCOMPAT_RETURN_IF_ERROR(SummaryWriterAccess::WriteEvent(*writer, event));
  }
  TFCOMPAT_RETURN_IF_ERROR(writer->Close());
  return metrics;
}

StatusOr<std::vector<Predictions>> Estimator::Predict(const InputFn& input_fn) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::optional<std::string> checkpoint, FindCheckpoint("predict"));
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<Trainer> trainer, BuildAndRestore(checkpoint));
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<BatchSource> input, input_fn());
  std::vector<Predictions> predictions;
  Batch batch;
  while (true) {
    const Status next = input->Next(&batch);
    if (next.code() == StatusCode::kOutOfRange) break;
    TFCOMPAT_RETURN_IF_ERROR(next);
    TFCOMPAT_ASSIGN_OR_RETURN(Predictions p, trainer->Predict(batch));
    predictions.push_back(std::move(p));
  }
  return predictions;
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
