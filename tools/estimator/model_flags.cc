// SPDX-License-Identifier: Apache-2.0
#include "model_flags.h"

#include <functional>

#include "cli.h"
#include "model_record.h"

namespace tfcompat::estimator_tool {
namespace {

template <size_t N>
std::vector<std::string> Names(const std::string_view (&names)[N]) {
  return std::vector<std::string>(std::begin(names), std::end(names));
}

// An optional flag: set only when given (CLI11 fills `*value` then).
template <typename T>
CLI::Option* AddOptional(CLI::App* sub, const std::string& name, std::optional<T>* value,
                         const std::string& description) {
  return sub->add_option_function<T>(
      name, [value](const T& given) { *value = given; }, description);
}

}  // namespace

void AddModelFlags(CLI::App* sub, ModelFlags* flags) {
  flags->config.model_dir = "models/iris";
  sub->add_option("--model_dir", flags->config.model_dir, "Checkpoints, event files and the model record")
      ->capture_default_str();
  const std::string unset = " (default: model_dir's record; for a new model ";
  AddOptional(sub, "--estimator", &flags->estimator, "The canned estimator" + unset + "DNNClassifier)")
      ->check(CLI::IsMember(Names(kEstimatorNames)));
  AddOptional(sub, "--feature_names", &flags->feature_names,
              "Feature columns, picked by name from a header row (TF's layout: naming its columns)" + unset +
                  "every column but the label)")
      ->delimiter(',');
  AddOptional(sub, "--label_column", &flags->label_column, "The label's column in a header row" + unset + "the last)");
  // 0: unset, the count then coming from the data.
  sub->add_option_function<int>(
         "--n_classes", [flags](const int& n) { flags->n_classes = n == 0 ? std::nullopt : std::optional<int>(n); },
         "Classes; 0: unset" + unset + "the vocabulary's size or the classes TF's header names)")
      ->check(cli::NonNegative<int>());
  AddOptional(sub, "--label_vocabulary", &flags->label_vocabulary,
              "Class names: labels are these strings (TF's label_vocabulary)" + unset + "class ids)")
      ->delimiter(',');
  AddOptional(sub, "--hidden_units", &flags->hidden_units, "Units of each hidden layer" + unset + "10,10)")
      ->delimiter(',')
      ->check(cli::Positive<int64_t>());
  AddOptional(sub, "--activation_fn", &flags->activation_fn, "Hidden layers' activation" + unset + "relu)")
      ->check(CLI::IsMember(Names(kActivationNames)));
  AddOptional(sub, "--dropout", &flags->dropout, "Drop probability after each hidden layer, below 1" + unset + "none)")
      ->check(cli::NumberCheck(cli::Range::kNonNegative, 1.0));
  AddOptional(sub, "--optimizer", &flags->optimizer, "The optimizer" + unset + "Adagrad; linear: Ftrl)")
      ->check(CLI::IsMember(Names(kOptimizerNames)));
  AddOptional(sub, "--learning_rate", &flags->learning_rate, "Learning rate" + unset + "0.05; linear: 0.2)")
      ->check(cli::Positive<float>());
  const std::string wide = " (wide & deep; default: model_dir's record; for a new model ";
  const std::string spec = " (a model over --feature_columns; default: model_dir's record; for a new model ";
  AddOptional(sub, "--feature_columns", &flags->feature_columns,
              "Feature-column spec file (wide & deep, or a canned estimator over feature columns; default: "
              "model_dir's record)");
  AddOptional(sub, "--input_format", &flags->input_format, "csv or tfrecord" + spec + "csv)")
      ->check(CLI::IsMember(Names(kInputFormats)));
  AddOptional(sub, "--na_value", &flags->na_value, "A CSV field meaning missing" + spec + "NA)");
  AddOptional(sub, "--dnn_optimizer", &flags->dnn_optimizer, "The DNN's optimizer" + wide + "Adagrad)")
      ->check(CLI::IsMember(Names(kOptimizerNames)));
  AddOptional(sub, "--dnn_learning_rate", &flags->dnn_learning_rate, "The DNN's learning rate" + wide + "0.001)")
      ->check(cli::Positive<float>());
  AddOptional(sub, "--linear_optimizer", &flags->linear_optimizer, "The linear model's optimizer" + wide + "Ftrl)")
      ->check(CLI::IsMember(Names(kOptimizerNames)));
  AddOptional(sub, "--linear_learning_rate", &flags->linear_learning_rate,
              "The linear model's learning rate" + wide + "min(0.005, 1/sqrt(#linear columns)))")
      ->check(cli::Positive<float>());
  sub->add_option("--train_files", flags->train_files,
                  "Training files, a glob (a model over --feature_columns; default: the record's; required by the "
                  "first train)");
  sub->add_option("--batch_size", flags->batch_size, "Examples per batch")
      ->check(cli::Positive<int64_t>())
      ->capture_default_str();
  CLI::Option* secs = sub->add_option("--save_checkpoints_secs", flags->config.save_checkpoints_secs,
                                      "Save a checkpoint every N seconds (default 600)")
                          ->check(cli::NonNegative<double>());
  CLI::Option* steps = sub->add_option("--save_checkpoints_steps", flags->config.save_checkpoints_steps,
                                       "Save a checkpoint every N steps")
                           ->check(cli::NonNegative<int64_t>());
  secs->excludes(steps);
  sub->add_option("--keep_checkpoint_max", flags->config.keep_checkpoint_max, "Checkpoints kept; 0 keeps all")
      ->check(cli::NonNegative<int64_t>())
      ->capture_default_str();
  sub->add_option("--save_summary_steps", flags->config.save_summary_steps, "Write `loss` every N steps; 0: never")
      ->check(cli::NonNegative<int64_t>())
      ->capture_default_str();
  sub->add_option("--log_step_count_steps", flags->config.log_step_count_steps,
                  "Log the loss and global_step/sec every N steps")
      ->check(cli::Positive<int64_t>())
      ->capture_default_str();
  sub->add_option("--seed", flags->config.tf_random_seed,
                  "tf_random_seed (initial weights, shuffling); default: random")
      ->check(cli::AnyInteger());
  sub->add_option("--train_csv", flags->train_csv,
                  "Training CSV (default: the record's; required by the first train). evaluate and predict read it "
                  "only for a model_dir without a record");
}

}  // namespace tfcompat::estimator_tool
