// SPDX-License-Identifier: Apache-2.0
// The model record: what the `estimator` tool needs to rebuild the model a
// model directory holds, which the first `estimator train` writes there
// (atomically) as model_dir/estimator.json, so that later calls need no
// model flags:
//
//   {
//     "estimator": "DNNClassifier",           DNNClassifier, DNNRegressor, LinearClassifier, LinearRegressor
//     "feature_columns": ["SepalLength", ...], numeric columns, in the training file's (or the flag's) order
//     "label_column": "Species",              the label's column name; "" when the file named none
//     "n_classes": 3,                          classifiers only
//     "label_vocabulary": ["setosa", ...],     classifiers only; [] when labels are class ids
//     "hidden_units": [10, 10],                DNN only
//     "activation_fn": "relu",                 DNN only
//     "dropout": null,                         DNN only; null: none
//     "optimizer": "Adagrad",
//     "learning_rate": 0.05,
//     "train_csv": "/abs/path/iris_training.csv"   the first train's file, the default of later trains
//   }
//
// Wide & deep (DNNLinearCombinedClassifier, DNNLinearCombinedRegressor)
// records its feature-column spec instead of "feature_columns", each
// part's optimizer, and its input:
//
//   {
//     "estimator": "DNNLinearCombinedClassifier",
//     "feature_column_spec": {"columns": {...}, ...},  the spec file's content, vocabulary files made absolute
//     "label_column": "species", "n_classes": 3, "label_vocabulary": [...],   classifier as above
//     "hidden_units": [10, 10], "activation_fn": "relu", "dropout": null,   TF's dnn_hidden_units, ...
//     "dnn_optimizer": "Adagrad", "dnn_learning_rate": 0.001,
//     "linear_optimizer": "Ftrl", "linear_learning_rate": 0.005,
//     "input_format": "csv",                   csv or tfrecord (the default of later calls)
//     "na_value": "NA",                        a CSV field meaning "missing"
//     "train_files": "/abs/path/train-*.csv"   the first train's glob, the default of later trains
//   }
//
// A canned estimator given a spec (--feature_columns SPEC.json) records it
// as wide & deep does, with its one optimizer:
//
//   {"estimator": "DNNClassifier", "feature_column_spec": {...}, "label_column": ..., classifier and DNN keys,
//    "optimizer": "Adagrad", "learning_rate": 0.05, "input_format": "csv", "na_value": "NA", "train_files": ...}
//
// Every key of the estimator is required and no other is allowed. A record
// that does not read is an error naming the file and what was expected.
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_MODEL_RECORD_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_MODEL_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"

namespace tfcompat::estimator_tool {

inline constexpr std::string_view kModelRecordName = "estimator.json";

// TF's canned estimator class names the tool builds.
inline constexpr std::string_view kEstimatorNames[] = {"DNNClassifier",
                                                       "DNNRegressor",
                                                       "LinearClassifier",
                                                       "LinearRegressor",
                                                       "DNNLinearCombinedClassifier",
                                                       "DNNLinearCombinedRegressor"};
// The input formats of wide & deep.
inline constexpr std::string_view kInputFormats[] = {"csv", "tfrecord"};
// The optimizer and activation names the flags and the record accept.
inline constexpr std::string_view kOptimizerNames[] = {"Adagrad", "Adam", "Ftrl", "Momentum", "RMSProp", "SGD"};
inline constexpr std::string_view kActivationNames[] = {"relu", "relu6", "elu", "tanh", "sigmoid", "linear"};

// Whether `name` is one of kEstimatorNames; what kind of model it builds.
bool IsEstimatorName(std::string_view name);
bool IsDnn(std::string_view estimator);
bool IsClassifier(std::string_view estimator);
// DNNLinearCombined*: feature columns from a spec (feature_column_spec.h).
bool IsWideDeep(std::string_view estimator);

struct ModelRecord {
  std::string estimator;
  std::vector<std::string> feature_columns;
  std::string label_column;
  int n_classes = 0;                          // classifiers
  std::vector<std::string> label_vocabulary;  // classifiers
  std::vector<int64_t> hidden_units;          // DNN
  std::string activation_fn;                  // DNN
  std::optional<float> dropout;               // DNN
  std::string optimizer;                      // wide & deep: the DNN's
  float learning_rate = 0;
  // The training file; wide & deep: its glob ("train_files").
  std::string train_csv;
  // Models over a feature-column spec only (ReadsFeatureColumnSpec).
  std::string feature_column_spec;  // FeatureColumnSpec::json
  std::string input_format;
  std::string na_value;
  // Wide & deep only.
  std::string linear_optimizer;
  float linear_learning_rate = 0;

  friend bool operator==(const ModelRecord&, const ModelRecord&) = default;
};

// Whether the model reads its features through a feature-column spec: wide
// & deep always, a canned estimator when it was given one (a
// feature_column_spec in the record) instead of numeric feature names.
bool ReadsFeatureColumnSpec(const ModelRecord& record);

// model_dir/estimator.json.
std::string ModelRecordPath(const std::string& model_dir);

// The record's JSON text (the layout above), and back; `path` names the
// file in errors (DataLoss).
std::string ModelRecordJson(const ModelRecord& record);
[[nodiscard]] StatusOr<ModelRecord> ParseModelRecord(std::string_view text, const std::string& path);

// The record of `model_dir`; nullopt when it has none (a new model_dir, or
// one TensorFlow wrote).
[[nodiscard]] StatusOr<std::optional<ModelRecord>> ReadModelRecord(const std::string& model_dir);

// Writes the record atomically (a temporary file renamed over it), after
// removing what a killed writer may have left (call it while holding the
// model_dir's lock).
[[nodiscard]] Status WriteModelRecord(const std::string& model_dir, const ModelRecord& record);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_MODEL_RECORD_H_
