// SPDX-License-Identifier: Apache-2.0
#include "model_setup.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "feature_column_spec.h"
#include "feature_input.h"
#include "io/file.h"
#include "number_format.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/data/csv_input.h"

namespace tfcompat::estimator_tool {
namespace {

constexpr std::string_view kDefaultEstimator = "DNNClassifier";
const std::vector<int64_t> kDefaultHiddenUnits = {10, 10};
constexpr std::string_view kDefaultActivation = "relu";
// What TF's canned DNN gives an optimizer named by a string (the linear
// models: model::kLinearLearningRate).
constexpr float kDnnLearningRate = 0.05f;
// A CSV field meaning "missing" for wide & deep, unless --na_value says otherwise.
constexpr std::string_view kDefaultNaValue = "NA";

// The flags that apply to some models only: {flag, given}. A model reads
// its features through a spec (wide & deep, or a canned estimator given
// --feature_columns) or as numeric columns of a CSV file.
std::vector<std::pair<std::string_view, bool>> SpecOnlyFlags(const ModelFlags& flags) {
  return {{"--feature_columns", flags.feature_columns.has_value()},
          {"--input_format", flags.input_format.has_value()},
          {"--na_value", flags.na_value.has_value()},
          {"--train_files", !flags.train_files.empty()}};
}
std::vector<std::pair<std::string_view, bool>> NumericOnlyFlags(const ModelFlags& flags) {
  return {{"--feature_names", flags.feature_names.has_value()}, {"--train_csv", !flags.train_csv.empty()}};
}
std::vector<std::pair<std::string_view, bool>> WideDeepOnlyFlags(const ModelFlags& flags) {
  return {{"--dnn_optimizer", flags.dnn_optimizer.has_value()},
          {"--dnn_learning_rate", flags.dnn_learning_rate.has_value()},
          {"--linear_optimizer", flags.linear_optimizer.has_value()},
          {"--linear_learning_rate", flags.linear_learning_rate.has_value()}};
}
std::vector<std::pair<std::string_view, bool>> NotWideDeepFlags(const ModelFlags& flags) {
  return {{"--optimizer", flags.optimizer.has_value()}, {"--learning_rate", flags.learning_rate.has_value()}};
}
// InvalidArgument for the first flag given that does not apply to
// `estimator` (reading a spec when `spec`).
Status CheckApplies(const ModelFlags& flags, const std::string& estimator, bool spec) {
  auto inapplicable = spec ? NumericOnlyFlags(flags) : SpecOnlyFlags(flags);
  const auto family = IsWideDeep(estimator) ? NotWideDeepFlags(flags) : WideDeepOnlyFlags(flags);
  inapplicable.insert(inapplicable.end(), family.begin(), family.end());
  for (const auto& [flag, given] : inapplicable) {
    if (given) return InvalidArgumentError(std::string(flag) + " does not apply to a " + estimator);
  }
  return OkStatus();
}

// A setting as a flag would give it; "none" for an empty one.
std::string Text(const std::string& s) { return s.empty() ? "none" : s; }
std::string Text(int n) { return std::to_string(n); }
std::string Text(float x) { return cli::FormatNumber(x); }
std::string Text(const std::optional<float>& x) { return x.has_value() ? Text(*x) : "none"; }
template <typename T>
std::string Text(const std::vector<T>& values) {
  std::string out;
  for (const T& v : values) {
    if (!out.empty()) out += ',';
    if constexpr (std::is_same_v<T, std::string>) {
      out += v;
    } else {
      out += std::to_string(v);
    }
  }
  return out.empty() ? "none" : out;
}

// A flag given for a recorded model must apply to its estimator and agree
// with the record.
template <typename Given, typename Recorded>
Status Agree(std::string_view flag, const std::optional<Given>& given, const Recorded& recorded, bool applies,
             const ToolModel& model) {
  if (!given.has_value()) return OkStatus();
  if (!applies) {
    return InvalidArgumentError(std::string(flag) + " does not apply to the " + model.record.estimator +
                                " recorded in " + model.record_path);
  }
  if (Recorded(*given) == recorded) return OkStatus();
  return InvalidArgumentError(std::string(flag) + " " + Text(*given) + " contradicts " + Text(recorded) +
                              " recorded in " + model.record_path);
}

Status CheckAgainstRecord(const ModelFlags& flags, ToolModel* model) {
  ModelRecord& r = model->record;
  const bool classifier = IsClassifier(r.estimator), dnn = IsDnn(r.estimator);
  TFCOMPAT_RETURN_IF_ERROR(Agree("--estimator", flags.estimator, r.estimator, true, *model));
  const bool spec = ReadsFeatureColumnSpec(r);
  if (!spec && flags.feature_columns.has_value()) {
    return InvalidArgumentError("--feature_columns does not apply to the " + r.estimator + " recorded in " +
                                model->record_path + ", which reads the numeric columns " + Text(r.feature_columns));
  }
  TFCOMPAT_RETURN_IF_ERROR(CheckApplies(flags, r.estimator, spec));
  if (spec) {
    if (flags.feature_columns.has_value()) {
      TFCOMPAT_ASSIGN_OR_RETURN(const FeatureColumnSpec spec, ReadFeatureColumnSpec(*flags.feature_columns));
      if (spec.json != r.feature_column_spec) {
        return InvalidArgumentError("--feature_columns " + *flags.feature_columns +
                                    " contradicts the feature_column_spec recorded in " + model->record_path);
      }
    }
    // How the input is stored is the data's, not the model's: a flag
    // overrides the record for this call (TFRecord files to evaluate a model
    // trained on CSV).
    if (flags.input_format.has_value()) r.input_format = *flags.input_format;
    if (flags.na_value.has_value()) r.na_value = *flags.na_value;
  }
  if (IsWideDeep(r.estimator)) {
    TFCOMPAT_RETURN_IF_ERROR(Agree("--dnn_optimizer", flags.dnn_optimizer, r.optimizer, true, *model));
    TFCOMPAT_RETURN_IF_ERROR(Agree("--dnn_learning_rate", flags.dnn_learning_rate, r.learning_rate, true, *model));
    TFCOMPAT_RETURN_IF_ERROR(Agree("--linear_optimizer", flags.linear_optimizer, r.linear_optimizer, true, *model));
    TFCOMPAT_RETURN_IF_ERROR(
        Agree("--linear_learning_rate", flags.linear_learning_rate, r.linear_learning_rate, true, *model));
  }
  TFCOMPAT_RETURN_IF_ERROR(Agree("--feature_names", flags.feature_names, r.feature_columns, true, *model));
  // A model trained on a file whose label column had no name (TF's layout)
  // reads files that name it.
  if (!r.label_column.empty()) {
    TFCOMPAT_RETURN_IF_ERROR(Agree("--label_column", flags.label_column, r.label_column, true, *model));
  } else if (flags.label_column.has_value()) {
    r.label_column = *flags.label_column;
  }
  TFCOMPAT_RETURN_IF_ERROR(Agree("--n_classes", flags.n_classes, r.n_classes, classifier, *model));
  TFCOMPAT_RETURN_IF_ERROR(Agree("--label_vocabulary", flags.label_vocabulary, r.label_vocabulary, classifier, *model));
  TFCOMPAT_RETURN_IF_ERROR(Agree("--hidden_units", flags.hidden_units, r.hidden_units, dnn, *model));
  TFCOMPAT_RETURN_IF_ERROR(Agree("--activation_fn", flags.activation_fn, r.activation_fn, dnn, *model));
  TFCOMPAT_RETURN_IF_ERROR(Agree("--dropout", flags.dropout, r.dropout, dnn, *model));
  TFCOMPAT_RETURN_IF_ERROR(Agree("--optimizer", flags.optimizer, r.optimizer, true, *model));
  return Agree("--learning_rate", flags.learning_rate, r.learning_rate, true, *model);
}

// A spec's inputs are those of `estimator`: feature_columns for a canned
// one (dense columns for a DNN), the two lists for wide & deep.
Status CheckSpecFits(const FeatureColumnSpec& spec, const std::string& estimator, const std::string& path) {
  const bool canned_spec = !spec.feature_columns.empty();
  if (IsWideDeep(estimator) == canned_spec) {
    return InvalidArgumentError(path + ": a " + estimator + " reads " +
                                (canned_spec
                                     ? "'linear_feature_columns' and 'dnn_feature_columns', not 'feature_columns'"
                                     : "'feature_columns', not 'linear_feature_columns' and 'dnn_feature_columns'"));
  }
  if (IsDnn(estimator) && !IsWideDeep(estimator)) return spec.dnn_error;
  return OkStatus();
}

// A new model: the flags, and the defaults for what they leave unset.
StatusOr<ModelRecord> NewModel(const ModelFlags& flags) {
  const std::optional<int>& n_classes = flags.n_classes;
  ModelRecord r;
  r.estimator = flags.estimator.value_or(std::string(kDefaultEstimator));
  if (!IsEstimatorName(r.estimator)) {
    return InvalidArgumentError("--estimator " + r.estimator +
                                ": expected DNNClassifier, DNNRegressor, LinearClassifier, LinearRegressor, "
                                "DNNLinearCombinedClassifier or DNNLinearCombinedRegressor");
  }
  const bool spec = IsWideDeep(r.estimator) || flags.feature_columns.has_value();
  TFCOMPAT_RETURN_IF_ERROR(CheckApplies(flags, r.estimator, spec));
  const bool classifier = IsClassifier(r.estimator), dnn = IsDnn(r.estimator);
  const std::pair<std::string_view, bool> inapplicable[] = {
      {"--hidden_units", !dnn && flags.hidden_units.has_value()},
      {"--activation_fn", !dnn && flags.activation_fn.has_value()},
      {"--dropout", !dnn && flags.dropout.has_value()},
      {"--n_classes", !classifier && n_classes.has_value()},
      {"--label_vocabulary", !classifier && flags.label_vocabulary.has_value()}};
  for (const auto& [flag, given] : inapplicable) {
    if (given) return InvalidArgumentError(std::string(flag) + " does not apply to a " + r.estimator);
  }
  r.feature_columns = flags.feature_names.value_or(std::vector<std::string>());
  if (std::set<std::string>(r.feature_columns.begin(), r.feature_columns.end()).size() != r.feature_columns.size()) {
    return InvalidArgumentError("--feature_names " + Text(r.feature_columns) + " names a column twice");
  }
  r.label_column = flags.label_column.value_or("");
  if (classifier) {
    r.label_vocabulary = flags.label_vocabulary.value_or(std::vector<std::string>());
    const int named = static_cast<int>(r.label_vocabulary.size());
    if (n_classes.has_value() && named > 0 && *n_classes != named) {
      return InvalidArgumentError("--n_classes " + Text(*n_classes) + " contradicts the " + Text(named) +
                                  " names of --label_vocabulary");
    }
    r.n_classes = n_classes.value_or(named);
    if (r.n_classes == 1) return InvalidArgumentError("n_classes must be > 1 for classification: 1");
  }
  if (dnn) {
    r.hidden_units = flags.hidden_units.value_or(kDefaultHiddenUnits);
    r.activation_fn = flags.activation_fn.value_or(std::string(kDefaultActivation));
    r.dropout = flags.dropout;
    if (r.dropout.has_value() && !(*r.dropout < 1.0f)) {
      return InvalidArgumentError("--dropout must be in [0, 1), got " + Text(*r.dropout));
    }
  }
  if (spec) {
    if (!flags.feature_columns.has_value()) {
      return InvalidArgumentError("give --feature_columns SPEC.json: a new " + r.estimator +
                                  " reads its features "
                                  "through the spec's columns");
    }
    if (r.label_column.empty()) return InvalidArgumentError("give --label_column NAME: the label's feature");
    if (classifier && r.n_classes == 0) {
      return InvalidArgumentError("give --n_classes N (labels 0..N-1) or --label_vocabulary a,b,... (string labels)");
    }
    TFCOMPAT_ASSIGN_OR_RETURN(const FeatureColumnSpec columns, ReadFeatureColumnSpec(*flags.feature_columns));
    TFCOMPAT_RETURN_IF_ERROR(CheckSpecFits(columns, r.estimator, *flags.feature_columns));
    r.feature_column_spec = columns.json;
    r.input_format = flags.input_format.value_or("csv");
    r.na_value = flags.na_value.value_or(std::string(kDefaultNaValue));
    if (IsWideDeep(r.estimator)) {
      r.optimizer = flags.dnn_optimizer.value_or("Adagrad");
      r.learning_rate = flags.dnn_learning_rate.value_or(model::kDnnLinearCombinedDnnLearningRate);
      r.linear_optimizer = flags.linear_optimizer.value_or("Ftrl");
      r.linear_learning_rate = flags.linear_learning_rate.value_or(
          model::DnnLinearCombinedLinearLearningRate(columns.linear_feature_columns.size()));
      return r;
    }
  }
  r.optimizer = flags.optimizer.value_or(dnn ? "Adagrad" : "Ftrl");
  r.learning_rate = flags.learning_rate.value_or(dnn ? kDnnLearningRate : model::kLinearLearningRate);
  return r;
}

}  // namespace

StatusOr<ToolModel> ModelFromFlags(const ModelFlags& flags) {
  if (flags.config.model_dir.empty()) return InvalidArgumentError("--model_dir must name a directory");
  ToolModel model;
  model.record_path = ModelRecordPath(flags.config.model_dir);
  TFCOMPAT_ASSIGN_OR_RETURN(std::optional<ModelRecord> record, ReadModelRecord(flags.config.model_dir));
  if (record.has_value()) {
    model.record = std::move(*record);
    model.recorded = true;
    TFCOMPAT_RETURN_IF_ERROR(CheckAgainstRecord(flags, &model));
    return model;
  }
  TFCOMPAT_ASSIGN_OR_RETURN(model.record, NewModel(flags));
  return model;
}

StatusOr<std::shared_ptr<const data::Dataset>> ReadData(const std::string& path, bool labelled, ToolModel* model) {
  ModelRecord& r = model->record;
  const bool classifier = IsClassifier(r.estimator);
  data::CsvOptions options;
  options.feature_names = r.feature_columns;
  options.label_column = r.label_column;
  options.labelled = labelled;
  options.regression = !classifier;
  if (classifier) {
    options.n_classes = r.n_classes;
    options.label_vocabulary = r.label_vocabulary;
  }
  const bool classes_unknown = classifier && r.n_classes == 0;
  const std::string give_classes =
      "the " + r.estimator +
      "'s classes are unknown: give --n_classes N (labels 0..N-1) or --label_vocabulary a,b,... (string labels)";
  StatusOr<data::Dataset> data = data::ReadCsvDataset(path, options);
  if (!data.ok()) {
    if (classes_unknown && labelled) return Status(data.status().code(), data.status().message() + "; " + give_classes);
    return data.status();
  }
  if (!model->recorded) {
    if (r.feature_columns.empty()) r.feature_columns = *data->feature_names;
    if (r.label_column.empty()) r.label_column = data->label_column;
    const std::vector<std::string>& named = data->class_names;
    if (classifier && labelled) {
      if (r.n_classes == 0) r.n_classes = static_cast<int>(named.size());
      // The class names of TF's header name the predictions.
      if (r.label_vocabulary.empty() && named.size() == static_cast<size_t>(r.n_classes)) r.label_vocabulary = named;
      if (r.n_classes == 0) return InvalidArgumentError(path + ": " + give_classes);
    }
  }
  return std::make_shared<const data::Dataset>(std::move(*data));
}

Status ReadTrainingFileUnlessRecorded(const ModelFlags& flags, ToolModel* model) {
  if (model->recorded || flags.train_csv.empty()) return OkStatus();
  return ReadData(flags.train_csv, /*labelled=*/true, model).status();
}

Status CheckComplete(const ToolModel& model) {
  std::vector<std::string> missing;
  if (model.record.feature_columns.empty() && !ReadsFeatureColumnSpec(model.record)) {
    missing.push_back("--feature_names");
  }
  if (IsClassifier(model.record.estimator) && model.record.n_classes == 0) {
    missing.push_back("--n_classes or --label_vocabulary");
  }
  if (missing.empty()) return OkStatus();
  std::string flags = missing[0];
  if (missing.size() > 1) flags += " and " + missing[1];
  return InvalidArgumentError("there is no " + model.record_path + " (the first `estimator train` writes it): give " +
                              flags + ", or --train_csv to take them from the training file");
}

StatusOr<estimator::InputFn> ModelInputFn(const std::string& source, bool labelled, const data::BatchOptions& options,
                                          ToolModel* model) {
  if (ReadsFeatureColumnSpec(model->record)) return FeatureInputFn(model->record, source, labelled, options);
  TFCOMPAT_ASSIGN_OR_RETURN(std::shared_ptr<const data::Dataset> data, ReadData(source, labelled, model));
  return estimator::DatasetInputFn(std::move(data), options);
}

StatusOr<std::unique_ptr<estimator::Estimator>> MakeEstimator(const ModelRecord& record,
                                                              const estimator::RunConfig& config,
                                                              estimator::LogFn log) {
  if (IsWideDeep(record.estimator)) {
    TFCOMPAT_ASSIGN_OR_RETURN(const FeatureColumnSpec spec,
                              ParseFeatureColumnSpec(record.feature_column_spec, ModelRecordPath(config.model_dir)));
    model::DNNLinearCombinedOptions options;
    options.linear_feature_columns = spec.linear_feature_columns;
    options.linear_optimizer = model::OptimizerOptions{record.linear_optimizer, record.linear_learning_rate};
    options.dnn_feature_columns = spec.dnn_feature_columns;
    options.dnn_optimizer = model::OptimizerOptions{record.optimizer, record.learning_rate};
    options.dnn_hidden_units = record.hidden_units;
    TFCOMPAT_ASSIGN_OR_RETURN(options.dnn_activation_fn, model::ParseActivation(record.activation_fn));
    options.dnn_dropout = record.dropout;
    if (!IsClassifier(record.estimator)) {
      return estimator::Estimator::DNNLinearCombinedRegressor(options, config, log);
    }
    options.n_classes = record.n_classes;
    options.label_vocabulary = record.label_vocabulary;
    return estimator::Estimator::DNNLinearCombinedClassifier(options, config, log);
  }
  std::vector<feature_column::FeatureColumn> columns;
  if (ReadsFeatureColumnSpec(record)) {
    TFCOMPAT_ASSIGN_OR_RETURN(const FeatureColumnSpec spec,
                              ParseFeatureColumnSpec(record.feature_column_spec, ModelRecordPath(config.model_dir)));
    columns = spec.feature_columns;
  } else {
    TFCOMPAT_ASSIGN_OR_RETURN(columns, feature_column::NumericColumns(record.feature_columns));
  }
  const model::OptimizerOptions optimizer{record.optimizer, record.learning_rate};
  if (record.estimator == "LinearClassifier") {
    model::LinearClassifierOptions options;
    options.feature_columns = std::move(columns);
    options.n_classes = record.n_classes;
    options.label_vocabulary = record.label_vocabulary;
    options.optimizer = optimizer;
    return estimator::Estimator::LinearClassifier(options, config, log);
  }
  if (record.estimator == "LinearRegressor") {
    model::LinearRegressorOptions options;
    options.feature_columns = std::move(columns);
    options.optimizer = optimizer;
    return estimator::Estimator::LinearRegressor(options, config, log);
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const model::Activation activation, model::ParseActivation(record.activation_fn));
  // The settings DNNClassifierOptions and DNNRegressorOptions share.
  const auto dnn = [&](auto options) {
    options.feature_columns = columns;
    options.hidden_units = record.hidden_units;
    options.activation_fn = activation;
    options.dropout = record.dropout;
    options.optimizer = optimizer;
    return options;
  };
  if (record.estimator == "DNNRegressor") {
    return estimator::Estimator::DNNRegressor(dnn(model::DNNRegressorOptions()), config, log);
  }
  model::DNNClassifierOptions options = dnn(model::DNNClassifierOptions());
  options.n_classes = record.n_classes;
  options.label_vocabulary = record.label_vocabulary;
  return estimator::Estimator::DNNClassifier(options, config, log);
}

StatusOr<std::string> TrainSource(const ModelFlags& flags, const ToolModel& model) {
  std::string source = !flags.train_csv.empty() ? flags.train_csv : flags.train_files;
  if (source.empty()) source = model.record.train_csv;
  if (source.empty()) {
    return InvalidArgumentError(
        std::string(ReadsFeatureColumnSpec(model.record) ? "give --train_files GLOB" : "give --train_csv FILE") +
        ": there is no " + model.record_path + " to take the training file from");
  }
  return source;
}

void WarnIfNoCheckpoint(const estimator::Estimator& estimator, std::string_view doing, std::ostream& err) {
  if (estimator.LatestCheckpoint().status().code() != StatusCode::kNotFound) return;
  err << "estimator: warning: no checkpoint in " << estimator.model_dir() << ": " << doing
      << " the model's initial values\n";
}

Status WriteRecordHook::Begin(int64_t) {
  const Status exists = Env::Default()->FileExists(ModelRecordPath(model_dir_));
  if (exists.code() != StatusCode::kNotFound) return exists;
  return WriteModelRecord(model_dir_, record_);
}

}  // namespace tfcompat::estimator_tool
