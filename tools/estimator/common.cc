// SPDX-License-Identifier: Apache-2.0
#include "common.h"

#include <utility>

namespace tfcompat::estimator_tool {

using data::CsvOptions;
using data::Dataset;

std::string DefaultDataPath(const std::string& file_name) {
  return std::string(TFCOMPAT_ESTIMATOR_DATA_DIR) + "/" + file_name;
}

void AddModelFlags(CLI::App* sub, ModelFlags* flags) {
  flags->config.model_dir = "models/iris";
  sub->add_option("--model_dir", flags->config.model_dir, "Checkpoints and event files")->capture_default_str();
  sub->add_option("--hidden_units", flags->hidden_units, "Units of each hidden layer")
      ->delimiter(',')
      ->check(cli::Positive<int64_t>())
      ->capture_default_str();
  sub->add_option("--n_classes", flags->n_classes, "Classes; 0: as many as the training file names")
      ->check(cli::NonNegative<int>())
      ->capture_default_str();
  sub->add_option("--batch_size", flags->batch_size, "Examples per batch")
      ->check(cli::Positive<int64_t>())
      ->capture_default_str();
  sub->add_option("--optimizer", flags->optimizer, "Adagrad, SGD, Momentum, Adam or RMSProp")
      ->check(CLI::IsMember({"Adagrad", "SGD", "Momentum", "Adam", "RMSProp"}))
      ->capture_default_str();
  sub->add_option("--learning_rate", flags->learning_rate, "Learning rate")
      ->check(cli::Positive<float>())
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
  flags->train_csv = DefaultDataPath("iris_training.csv");
  sub->add_option("--train_csv", flags->train_csv, "Training CSV (its header gives the class names)")
      ->capture_default_str();
  sub->add_option("--feature_names", flags->feature_names, "Feature names of a CSV in TF's layout")
      ->delimiter(',')
      ->capture_default_str();
}

namespace {

CsvOptions OptionsFor(const ModelFlags& flags) {
  CsvOptions options;
  options.feature_names = flags.feature_names;
  options.n_classes = flags.n_classes;
  return options;
}

}  // namespace

StatusOr<std::shared_ptr<const Dataset>> ReadLabelled(const std::string& path, const Dataset& train) {
  CsvOptions options;
  options.feature_names = *train.feature_names;
  options.n_classes = static_cast<int>(train.class_names.size());
  StatusOr<Dataset> data = data::ReadCsvDataset(path, options);
  if (!data.ok()) return data.status();
  if (*data->feature_names != *train.feature_names) {
    return InvalidArgumentError(path + ": its features differ from the training file's");
  }
  return std::make_shared<const Dataset>(std::move(*data));
}

StatusOr<ModelSetup> MakeEstimator(const ModelFlags& flags, estimator::LogFn log) {
  StatusOr<Dataset> train = data::ReadCsvDataset(flags.train_csv, OptionsFor(flags));
  if (!train.ok()) return train.status();
  ModelSetup setup;
  setup.train = std::make_shared<const Dataset>(std::move(*train));

  model::DNNClassifierOptions model;
  for (const std::string& name : *setup.train->feature_names) model.feature_columns.emplace_back(name);
  model.hidden_units = flags.hidden_units;
  model.n_classes = flags.n_classes > 0 ? flags.n_classes : static_cast<int>(setup.train->class_names.size());
  if (static_cast<int>(setup.train->class_names.size()) == model.n_classes) {
    model.label_vocabulary = setup.train->class_names;
  }
  model.optimizer = {flags.optimizer, flags.learning_rate};

  StatusOr<std::unique_ptr<estimator::Estimator>> estimator =
      estimator::Estimator::DNNClassifier(model, flags.config, std::move(log));
  if (!estimator.ok()) return estimator.status();
  setup.estimator = std::move(*estimator);
  return setup;
}

std::string InfoLine(std::string_view line) {
  std::string text = "INFO:tfcompat:";
  text += line;
  return text;
}

estimator::LogFn LogTo(std::ostream& err, bool quiet) {
  if (quiet) return [](const std::string&) {};
  return [&err](const std::string& line) { err << InfoLine(line) << "\n"; };
}

}  // namespace tfcompat::estimator_tool
