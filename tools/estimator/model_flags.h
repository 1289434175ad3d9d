// SPDX-License-Identifier: Apache-2.0
// The model flags every subcommand of the `estimator` tool takes.
//
// The model's settings (--estimator ... --learning_rate) are optional: one
// left unset comes from model_dir's record (model_record.h), or for a
// model_dir without one from the defaults below; one that is set must
// agree with the record. So once `estimator train` has written the record,
// `estimator evaluate|predict|train --model_dir D` needs none of them.
//
//   flag                 default for a new model
//   --estimator          DNNClassifier
//   --feature_names      every column but the label (TF's layout: x0, x1, ...)
//   --label_column       the last column
//   --n_classes          the label vocabulary's size, or the classes TF's header names
//   --label_vocabulary   none: labels are class ids (TF's layout: the header's class names)
//   --hidden_units       10,10 (DNN only)
//   --activation_fn      relu (DNN only)
//   --dropout            none (DNN only)
//   --optimizer          Adagrad (DNN), Ftrl (linear)
//   --learning_rate      0.05 (DNN), 0.2 (linear): what TF gives a named optimizer
//
// Wide & deep (--estimator DNNLinearCombinedClassifier|DNNLinearCombinedRegressor)
// reads typed features through TF's feature columns instead of
// --feature_names, and trains each part with its own optimizer:
//
//   --feature_columns       SPEC.json (feature_column_spec.h); required for a new model
//   --input_format          csv (a header row naming the columns) or tfrecord (tf.train.Example); default csv,
//                           later calls: the recorded one (a flag overrides it: it describes the files)
//   --train_files           the training files, a glob (instead of --train_csv)
//   --na_value              a CSV field meaning "missing"; default NA (a flag overrides the record)
//   --hidden_units          TF's dnn_hidden_units, default 10,10; --activation_fn, --dropout as for the DNN
//   --dnn_optimizer         default Adagrad;  --dnn_learning_rate     default 0.001
//   --linear_optimizer      default Ftrl;     --linear_learning_rate  default min(0.005, 1/sqrt(#linear columns))
//   --label_column          required for a new model; --label_vocabulary, --n_classes as above
// (--feature_names, --optimizer, --learning_rate and --train_csv do not
// apply to wide & deep; these flags apply to it only.)
//
// A canned estimator (DNNClassifier, ...) given --feature_columns SPEC.json
// (the spec's "feature_columns") reads its features through them as wide &
// deep does: --feature_columns, --input_format, --train_files and
// --na_value apply, --feature_names and --train_csv do not; --optimizer and
// --learning_rate as above.
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_MODEL_FLAGS_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_MODEL_FLAGS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tfcompat/estimator/run_config.h"

namespace tfcompat::estimator_tool {

struct ModelFlags {
  // model_dir (default models/iris), tf_random_seed and the checkpoint,
  // summary and logging schedules (TF's defaults).
  estimator::RunConfig config;
  std::optional<std::string> estimator;
  std::optional<std::vector<std::string>> feature_names;
  std::optional<std::string> label_column;
  std::optional<int> n_classes;
  std::optional<std::vector<std::string>> label_vocabulary;
  std::optional<std::vector<int64_t>> hidden_units;
  std::optional<std::string> activation_fn;
  std::optional<float> dropout;
  std::optional<std::string> optimizer;
  std::optional<float> learning_rate;
  // Wide & deep only.
  std::optional<std::string> feature_columns;
  std::optional<std::string> input_format;
  std::optional<std::string> na_value;
  std::optional<std::string> dnn_optimizer;
  std::optional<float> dnn_learning_rate;
  std::optional<std::string> linear_optimizer;
  std::optional<float> linear_learning_rate;
  int64_t batch_size = 100;
  // The training file. `train` trains on it (default: the record's);
  // `evaluate` and `predict` read it only for a model_dir without a record,
  // to learn the feature names, label column and classes from it.
  std::string train_csv;
  // Wide & deep: the training files (a glob), as train_csv.
  std::string train_files;
};

// Registers the flags on `sub`; CLI11 checks names and ranges.
void AddModelFlags(CLI::App* sub, ModelFlags* flags);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_MODEL_FLAGS_H_
