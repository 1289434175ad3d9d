// SPDX-License-Identifier: Apache-2.0
// Estimator: tf.estimator's train / evaluate / predict workflow on a model
// directory, with TF's checkpoints, event files and log lines.
//
// Every call rebuilds the model and initialises it from the latest
// checkpoint of model_dir (or from scratch when there is none), so a
// process can stop and a later one continue where it left off:
//
//   model_dir/checkpoint                        the state file
//   model_dir/model.ckpt-<step>.index, .data-*  TF V2 checkpoints, the newest keep_checkpoint_max
//   model_dir/graph.pbtxt                       the model's GraphDef in text format
//   model_dir/events.out.tfevents.*             one per train(): graph, loss, the model's summaries,
//                                               global_step/sec, SessionLog START/CHECKPOINT
//   model_dir/eval[_<name>]/events.out.tfevents.*   evaluate(): the metrics and checkpoint_path at
//                                                   the checkpoint's step
//
// Evaluate() and Predict() build the model without an optimizer, as TF
// builds its EVAL and PREDICT graphs: they restore the model's variables and
// global_step only, so the checkpoint's optimizer slots (`.../t_0/Adagrad`,
// `/Adam`, `beta1_power`, `/Ftrl`, `/ProximalAdagrad`, ...) are neither read
// nor required, whichever optimizer trained it and whichever the options
// name. Train() restores the optimizer's slots too: a checkpoint of another
// optimizer fails with TF's "Key <slot> not found in checkpoint".
//
// Train() does what TF's MonitoredTrainingSession and its hooks do:
//   - restores the latest checkpoint (checking every variable first: an
//     incompatible model fails with RestoreVariables' error before any file
//     is written);
//   - saves a checkpoint at the first step (the restored or initial
//     global_step), on the schedule (save_checkpoints_steps or _secs) and
//     after the last step (CheckpointSaverHook);
//   - writes `loss` and the model's summaries (Model::TrainingSummaries:
//     the DNN's `dnn/dnn/hiddenlayer_<i>/activation` histograms, ...; with
//     RunConfig::weight_histograms every trainable variable too) every
//     save_summary_steps, at global steps 1, 1 + n, ... (SummarySaverHook),
//     and `global_step/sec` every log_step_count_steps (StepCounterHook);
//   - logs "loss = L, step = S (x sec)" every log_step_count_steps
//     (LoggingTensorHook).
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(Dataset train, ReadCsvDataset("data/iris_training.csv", {}));
//   auto train_data = std::make_shared<const Dataset>(std::move(train));
//   RunConfig config;
//   config.model_dir = "models/iris";
//   DNNClassifierOptions options;
//   TFCOMPAT_ASSIGN_OR_RETURN(options.feature_columns, feature_column::NumericColumns(*train_data->feature_names));
//   options.hidden_units = {10, 10};
//   options.n_classes = 3;
//   TFCOMPAT_ASSIGN_OR_RETURN(auto estimator, Estimator::DNNClassifier(options, config));
//   InputFn train_input_fn = DatasetInputFn(train_data, {.batch_size = 100});
//   TFCOMPAT_RETURN_IF_ERROR(estimator->Train(train_input_fn, TrainSteps::Steps(1000)));
//   InputFn eval_input_fn = DatasetInputFn(train_data, {.batch_size = 100, .shuffle = false, .num_epochs = 1});
//   TFCOMPAT_ASSIGN_OR_RETURN(auto metrics, estimator->Evaluate(eval_input_fn));
//   // TF Serving's model base path: models/iris/export/<unix seconds>/saved_model.pb, variables/
//   TFCOMPAT_ASSIGN_OR_RETURN(std::string export_dir, estimator->ExportSavedModel("models/iris/export"));
//   // For onnxruntime and other ONNX runtimes: models/iris/onnx/<unix seconds>/model.onnx
//   TFCOMPAT_ASSIGN_OR_RETURN(std::string onnx_dir, estimator->ExportOnnx("models/iris/onnx"));
//   TFCOMPAT_RETURN_IF_ERROR(estimator->DeleteOldExports("models/iris/export", 5));
#ifndef TFCOMPAT_ESTIMATOR_ESTIMATOR_H_
#define TFCOMPAT_ESTIMATOR_ESTIMATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/data/dataset.h"
#include "tfcompat/estimator/checkpoint_saver_listener.h"
#include "tfcompat/estimator/run_config.h"
#include "tfcompat/model/model.h"
#include "tfcompat/model/trainer.h"

namespace tfcompat {
class Env;  // internal (src/io/file.h)
}  // namespace tfcompat

namespace tfcompat::estimator {

// TF's input_fn: a fresh stream of batches for each call.
using InputFn = std::function<StatusOr<std::unique_ptr<data::BatchSource>>()>;

// An input_fn over a Dataset: a fresh DatasetBatches with `options` on
// each call (TF's `lambda: dataset.shuffle(...).repeat(...).batch(...)`).
InputFn DatasetInputFn(std::shared_ptr<const data::Dataset> dataset, data::BatchOptions options);

// TF's model_fn: builds the model (its variables initialised from `seed`).
using ModelFn = std::function<StatusOr<std::unique_ptr<model::Model>>(uint64_t seed)>;

// Where the log lines go (TF's INFO log). The default writes
// "INFO:tfcompat:<line>" to stderr.
using LogFn = std::function<void(const std::string& line)>;

// What a canned model computes: for the graph TensorBoard shows (the
// dense layers) and for ExportSavedModel (the whole forward pass and the
// head's outputs).
struct GraphDescription {
  // The numeric columns' keys.
  std::vector<std::string> feature_keys;
  // The DNN's dense layers: scope names in order ("dnn/hiddenlayer_0", ...,
  // "dnn/logits"), each holding `kernel` and `bias`; `activation` follows
  // every layer but the last. Empty for the linear model.
  std::vector<std::string> layers;
  model::Activation activation = model::Activation::kRelu;
  // The linear model: one `linear/linear_model/<key>/weights` [1, logits]
  // per feature and `linear/linear_model/bias_weights`.
  bool linear = false;
  std::string head_scope;  // "dnn/head", "linear/head"
  // The op computing the per-example loss from logits and labels.
  std::string loss_op = "SparseSoftmaxCrossEntropyWithLogits";
  // The op turning logits into predictions.
  std::string predictions_op = "Softmax";
  // The canned head, whose outputs and signatures a SavedModel holds.
  enum class Head { kMultiClass, kBinary, kRegression };
  Head head = Head::kMultiClass;
  int n_classes = 0;  // classifiers
  std::vector<std::string> label_vocabulary;
  // Keys of the columns with a normalizer_fn: C++ code, which a SavedModel
  // cannot hold.
  std::vector<std::string> normalized_keys;
  // A model over feature columns (wide & deep, or a canned model whose
  // columns are not all numeric of one value): the DNN's columns (its
  // layers in `layers`) and the linear model's; `feature_keys` and `linear`
  // are then unused. The serving graph parses what the columns read.
  std::vector<feature_column::FeatureColumn> dnn_columns;
  std::vector<feature_column::FeatureColumn> linear_columns;
  feature_column::Combiner linear_sparse_combiner = feature_column::Combiner::kSum;
};

// What an exported SavedModel's serving graph receives (TF's
// serving_input_receiver_fn):
//   kParsing   build_parsing_serving_input_receiver_fn: a batch of
//              serialized tf.Example protos (`input_example_tensor`, string
//              [-1]), parsed by ParseExampleV2 with one float feature of
//              shape [1] per column. Signatures: classifiers
//              `serving_default` and `classification` (input `inputs`;
//              outputs `classes`, `scores`), binary ones also `regression`
//              (`outputs` = logistic), regressors `serving_default` and
//              `regression` (`outputs`); all `predict` (input `examples`;
//              every prediction: `logits`, `probabilities`, `class_ids`,
//              `classes`, `all_class_ids`, `all_classes`, binary `logistic`;
//              regressors `predictions`).
//   kRaw       build_raw_serving_input_receiver_fn: one float [-1]
//              placeholder per feature, keyed by its name; only `predict`,
//              as TF exports it (classify and regress take serialized
//              Examples).
enum class ServingReceiver { kParsing, kRaw };

// TF's LatestExporter keeps this many exports (DeleteOldExports).
inline constexpr int kDefaultExportsToKeep = 5;

// The file ExportOnnx writes in its export directory.
inline constexpr char kOnnxModelFileName[] = "model.onnx";

struct EstimatorOptions {
  RunConfig config;
  // Empty: the model's default optimizer (one per part of a model with
  // several, Model::optimizer_parts()). Set: the optimizer of a one-part
  // model; Train() of a model with several parts fails with InvalidArgument.
  std::optional<model::OptimizerOptions> optimizer;
  // Empty: the graph holds the variables only.
  std::optional<GraphDescription> graph;
  LogFn log;
};

class Estimator {
 public:
  // Validates the config and the optimizer options (as TF's canned model_fn
  // does in every mode); with no model_dir, creates a fresh temporary
  // directory (logged, see model_dir()), as TF does.
  [[nodiscard]] static StatusOr<std::unique_ptr<Estimator>> Create(ModelFn model_fn, EstimatorOptions options);

  // The canned estimators (optimizer from the model options).
  [[nodiscard]] static StatusOr<std::unique_ptr<Estimator>> DNNClassifier(
      const model::DNNClassifierOptions& model_options, const RunConfig& config, LogFn log = {});
  [[nodiscard]] static StatusOr<std::unique_ptr<Estimator>> DNNRegressor(
      const model::DNNRegressorOptions& model_options, const RunConfig& config, LogFn log = {});
  [[nodiscard]] static StatusOr<std::unique_ptr<Estimator>> LinearClassifier(
      const model::LinearClassifierOptions& model_options, const RunConfig& config, LogFn log = {});
  [[nodiscard]] static StatusOr<std::unique_ptr<Estimator>> LinearRegressor(
      const model::LinearRegressorOptions& model_options, const RunConfig& config, LogFn log = {});

  // Wide & deep, each part trained by its own optimizer (model_options'
  // linear_optimizer and dnn_optimizer). No GraphDescription: graph.pbtxt
  // holds the variables only, and the exports fail with FailedPrecondition.
  [[nodiscard]] static StatusOr<std::unique_ptr<Estimator>> DNNLinearCombinedClassifier(
      const model::DNNLinearCombinedOptions& model_options, const RunConfig& config, LogFn log = {});
  [[nodiscard]] static StatusOr<std::unique_ptr<Estimator>> DNNLinearCombinedRegressor(
      const model::DNNLinearCombinedOptions& model_options, const RunConfig& config, LogFn log = {});

  // Trains `steps` more steps, or up to global step `max_steps` (nothing
  // to do when the checkpoint is already there), or until the input ends.
  // `saving_listeners` hear of every checkpoint saved (TF's
  // train(saving_listeners=), checkpoint_saver_listener.h).
  [[nodiscard]] Status Train(const InputFn& input_fn, const model::TrainSteps& steps,
                             std::span<model::TrainHook* const> hooks = {},
                             std::span<CheckpointSaverListener* const> saving_listeners = {});

  // Metrics of `checkpoint_path` (a checkpoint prefix; empty: the latest
  // checkpoint) over `steps` batches (or the whole input), with
  // "global_step"; written to model_dir/eval (or eval_<name>) with the
  // checkpoint's path. Logs TF's lines: "Starting evaluation at <time>",
  // "Evaluation [k/steps]" (given steps), "Inference Time : <s>s",
  // "Finished evaluation at <time>", "Saving dict for global step N: ...".
  // A given checkpoint that is missing fails with RestoreVariablesInto's
  // NotFound, before model_dir/eval is touched.
  [[nodiscard]] StatusOr<std::map<std::string, double>> Evaluate(const InputFn& input_fn,
                                                                 std::optional<int64_t> steps = std::nullopt,
                                                                 const std::string& name = "",
                                                                 const std::string& checkpoint_path = "");

  // Predictions of the latest checkpoint for every batch of the input.
  [[nodiscard]] StatusOr<std::vector<model::Predictions>> Predict(const InputFn& input_fn);

  // Exports the latest checkpoint as a SavedModel, as TF's
  // Estimator.export_saved_model: <export_dir_base>/<unix seconds>/ with
  // saved_model.pb (one MetaGraphDef tagged `serve`; the graph of real TF
  // ops that TF Serving, saved_model_cli and tf.saved_model.load run) and
  // variables/ (the model's variables and global_step, no optimizer
  // slots). Written in temp-<seconds> and renamed into place, so a failure
  // never leaves an integer-named directory. Returns the export's path.
  // NotFound "Couldn't find trained model at <model_dir>." without a
  // checkpoint; FailedPrecondition for a model built by a custom model_fn
  // (no GraphDescription); Unimplemented for a column with a normalizer_fn.
  // Layout and graph: docs/formats/saved_model.md.
  [[nodiscard]] StatusOr<std::string> ExportSavedModel(const std::string& export_dir_base,
                                                       ServingReceiver receiver = ServingReceiver::kParsing);

  // Exports the latest checkpoint as an ONNX model, for runtimes without
  // TensorFlow (onnxruntime, ...): <export_dir_base>/<unix seconds>/model.onnx
  // (kOnnxModelFileName), one ModelProto of IR version 8 and opset 17
  // (ai.onnx) holding the model's variables as initializers. Written in
  // temp-<seconds> and renamed into place as ExportSavedModel's export is;
  // returns the export directory's path. The graph computes what the
  // SavedModel's `predict` signature does, for inference (dropout is the
  // identity there, so the graph has none):
  //   inputs   one float [batch, 1] tensor per feature column, named by its key;
  //   outputs  classifiers `logits` (float [batch, n], binary [batch, 1]),
  //            `probabilities` (float [batch, n]), `class_ids` (int64
  //            [batch, 1]), `classes` (string [batch, 1]), `all_class_ids`
  //            (int32 [batch, n]), `all_classes` (string [batch, n]), binary
  //            also `logistic` (float [batch, 1]); regressors `predictions`
  //            (float [batch, 1]).
  // The class names are the label_vocabulary, or the ids as strings ("0",
  // "1", ...), as TF's. Errors as ExportSavedModel's; also
  // FailedPrecondition when a GraphDescription given to Create() does not
  // fit the model's variables, and InvalidArgument when a feature key is the
  // name of an output or another value of the graph ("logits"). Layout,
  // nodes and attributes: docs/formats/onnx.md.
  [[nodiscard]] StatusOr<std::string> ExportOnnx(const std::string& export_dir_base);

  // Deletes the exports in export_dir_base beyond the `exports_to_keep`
  // newest (the directories named by unix seconds that ExportSavedModel and
  // ExportOnnx make), as TF's LatestExporter does after each export. Each
  // is renamed to temp-<seconds>-deleted before it is deleted, so a crash
  // never leaves a partial export under an integer name; nothing else in
  // export_dir_base is touched. InvalidArgument for exports_to_keep < 1.
  [[nodiscard]] Status DeleteOldExports(const std::string& export_dir_base,
                                        int exports_to_keep = kDefaultExportsToKeep) const;

  // The latest checkpoint's prefix; NotFound when there is none.
  [[nodiscard]] StatusOr<std::string> LatestCheckpoint() const;
  // Names of the variables in the latest checkpoint, sorted.
  [[nodiscard]] StatusOr<std::vector<std::string>> GetVariableNames() const;
  // A variable's value in the latest checkpoint.
  [[nodiscard]] StatusOr<Tensor> GetVariableValue(const std::string& name) const;

  const std::string& model_dir() const { return options_.config.model_dir; }
  const RunConfig& config() const { return options_.config; }

 private:
  friend class EstimatorAccess;
  Estimator(ModelFn model_fn, EstimatorOptions options, uint64_t seed);

  // The latest checkpoint, or none; then TF's message naming `purpose`
  // ("evaluate") is logged unless it is null.
  [[nodiscard]] StatusOr<std::optional<std::string>> FindCheckpoint(const char* purpose) const;
  // For Evaluate and Predict: a new model without an optimizer, its
  // variables and global_step restored from `checkpoint` when there is one.
  [[nodiscard]] StatusOr<std::unique_ptr<model::Model>> BuildModel(const std::optional<std::string>& checkpoint);
  // For Train: a new model with the optimizer's slots and scalars, every
  // one of them restored from `checkpoint` when there is one.
  [[nodiscard]] StatusOr<std::unique_ptr<model::Trainer>> BuildTrainer(const std::optional<std::string>& checkpoint);
  // Sets every variable of `store` from `checkpoint`, after checking all of
  // them (RestoreVariablesInto's error otherwise, with nothing set; after a
  // read error the store's values are unspecified and the caller drops it).
  [[nodiscard]] Status Restore(const std::string& checkpoint, model::VariableStore* store);
  // For the exports: checks that the model can be exported as `format` ("a
  // SavedModel"), then BuildModel of the latest checkpoint.
  [[nodiscard]] StatusOr<std::unique_ptr<model::Model>> BuildExportModel(std::string_view format);
  void Log(const std::string& line) const;

  ModelFn model_fn_;
  EstimatorOptions options_;
  uint64_t seed_;
  // Where checkpoints, event files and graph.pbtxt are written.
  Env* env_;
};

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_ESTIMATOR_ESTIMATOR_H_
