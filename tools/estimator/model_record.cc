// SPDX-License-Identifier: Apache-2.0
#include "model_record.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "io/file.h"
#include "number_format.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::estimator_tool {
namespace {

using nlohmann::json;

// A vocabulary of a million classes fits many times over.
constexpr uint64_t kMaxRecordBytes = uint64_t{16} << 20;

template <size_t N>
bool OneOf(std::string_view name, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

template <size_t N>
std::string Join(const std::string_view (&names)[N]) {
  std::string out;
  for (std::string_view name : names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

// The keys a record of `estimator` holds (ModelRecordJson writes them).
// `spec`: the model reads a feature-column spec.
std::vector<std::string> KeysOf(std::string_view estimator, bool spec) {
  std::vector<std::string> keys = {"estimator", spec ? "feature_column_spec" : "feature_columns", "label_column"};
  if (IsClassifier(estimator)) keys.insert(keys.end(), {"n_classes", "label_vocabulary"});
  if (IsDnn(estimator)) keys.insert(keys.end(), {"hidden_units", "activation_fn", "dropout"});
  if (IsWideDeep(estimator)) {
    keys.insert(keys.end(), {"dnn_optimizer", "dnn_learning_rate", "linear_optimizer", "linear_learning_rate"});
  } else {
    keys.insert(keys.end(), {"optimizer", "learning_rate"});
  }
  if (spec) {
    keys.insert(keys.end(), {"input_format", "na_value", "train_files"});
  } else {
    keys.push_back("train_csv");
  }
  return keys;
}

// A float as JSON: the double whose shortest text is the float's, so the
// file says 0.05 and not 0.05000000074505806.
json FloatJson(float value) { return std::stod(cli::FormatNumber(value)); }

// Reads the fields of a parsed record; each error says what was expected.
class RecordParser {
 public:
  RecordParser(const json& object, const std::string& path) : object_(object), path_(path) {}

  StatusOr<ModelRecord> Parse() {
    ModelRecord r;
    TFCOMPAT_RETURN_IF_ERROR(String("estimator", &r.estimator));
    if (!IsEstimatorName(r.estimator)) {
      return Error("'estimator' is '" + r.estimator + "', expected one of " + Join(kEstimatorNames));
    }
    const bool spec = IsWideDeep(r.estimator) || object_.contains("feature_column_spec");
    const std::vector<std::string> keys = KeysOf(r.estimator, spec);
    for (const auto& [key, value] : object_.items()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        return Error("unexpected key '" + key + "' in the record of a " + r.estimator);
      }
    }
    if (spec) {
      TFCOMPAT_RETURN_IF_ERROR(Present("feature_column_spec"));
      const json& spec = object_["feature_column_spec"];
      if (!spec.is_object()) return Error("'feature_column_spec' must be an object, got " + spec.dump());
      r.feature_column_spec = spec.dump();
    } else {
      TFCOMPAT_RETURN_IF_ERROR(Strings("feature_columns", &r.feature_columns));
      const std::set<std::string> unique(r.feature_columns.begin(), r.feature_columns.end());
      if (r.feature_columns.empty() || unique.size() != r.feature_columns.size()) {
        return Error("'feature_columns' must name one or more columns, each once");
      }
    }
    TFCOMPAT_RETURN_IF_ERROR(String("label_column", &r.label_column));
    if (IsClassifier(r.estimator)) {
      int64_t n = 0;
      TFCOMPAT_RETURN_IF_ERROR(Integer("n_classes", 2, &n));
      r.n_classes = static_cast<int>(std::min<int64_t>(n, 1 << 30));
      TFCOMPAT_RETURN_IF_ERROR(Strings("label_vocabulary", &r.label_vocabulary));
      if (!r.label_vocabulary.empty() && r.label_vocabulary.size() != static_cast<size_t>(n)) {
        return Error("'label_vocabulary' has " + std::to_string(r.label_vocabulary.size()) + " names, expected " +
                     std::to_string(n) + " ('n_classes') or none");
      }
    }
    if (IsDnn(r.estimator)) {
      TFCOMPAT_RETURN_IF_ERROR(Present("hidden_units"));
      const json& units = object_["hidden_units"];
      if (!units.is_array()) return Error("'hidden_units' must be a list of positive integers");
      for (const json& u : units) {
        if (!u.is_number_integer() || u.get<int64_t>() < 1) {
          return Error("'hidden_units' must be a list of positive integers, got " + u.dump());
        }
        r.hidden_units.push_back(u.get<int64_t>());
      }
      TFCOMPAT_RETURN_IF_ERROR(String("activation_fn", &r.activation_fn));
      if (!OneOf(r.activation_fn, kActivationNames)) {
        return Error("'activation_fn' is '" + r.activation_fn + "', expected one of " + Join(kActivationNames));
      }
      TFCOMPAT_RETURN_IF_ERROR(Present("dropout"));
      const json& dropout = object_["dropout"];
      if (!dropout.is_null()) {
        if (!dropout.is_number() || !(dropout.get<double>() >= 0 && dropout.get<double>() < 1)) {
          return Error("'dropout' must be null or a number in [0, 1), got " + dropout.dump());
        }
        r.dropout = dropout.get<float>();
      }
    }
    if (IsWideDeep(r.estimator)) {
      TFCOMPAT_RETURN_IF_ERROR(Optimizer("dnn_optimizer", "dnn_learning_rate", &r.optimizer, &r.learning_rate));
      TFCOMPAT_RETURN_IF_ERROR(
          Optimizer("linear_optimizer", "linear_learning_rate", &r.linear_optimizer, &r.linear_learning_rate));
    } else {
      TFCOMPAT_RETURN_IF_ERROR(Optimizer("optimizer", "learning_rate", &r.optimizer, &r.learning_rate));
    }
    if (!spec) {
      TFCOMPAT_RETURN_IF_ERROR(String("train_csv", &r.train_csv));
      return r;
    }
    TFCOMPAT_RETURN_IF_ERROR(String("input_format", &r.input_format));
    if (!OneOf(r.input_format, kInputFormats)) {
      return Error("'input_format' is '" + r.input_format + "', expected one of " + Join(kInputFormats));
    }
    TFCOMPAT_RETURN_IF_ERROR(String("na_value", &r.na_value));
    TFCOMPAT_RETURN_IF_ERROR(String("train_files", &r.train_csv));
    return r;
  }

 private:
  Status Error(const std::string& what) const {
    return DataLossError(path_ + ": " + what + " (the model record `estimator train` writes; see docs/tools.md)");
  }
  // An optimizer's name and its positive learning rate.
  Status Optimizer(const std::string& name_key, const std::string& rate_key, std::string* name, float* rate) const {
    TFCOMPAT_RETURN_IF_ERROR(String(name_key, name));
    if (!OneOf(*name, kOptimizerNames)) {
      return Error("'" + name_key + "' is '" + *name + "', expected one of " + Join(kOptimizerNames));
    }
    TFCOMPAT_RETURN_IF_ERROR(Present(rate_key));
    const json& value = object_[rate_key];
    if (!value.is_number() || !(value.get<double>() > 0) || !std::isfinite(value.get<float>())) {
      return Error("'" + rate_key + "' must be a positive number, got " + value.dump());
    }
    *rate = value.get<float>();
    return OkStatus();
  }
  Status Present(const std::string& key) const {
    return object_.contains(key) ? OkStatus() : Error("missing key '" + key + "'");
  }
  Status String(const std::string& key, std::string* out) const {
    TFCOMPAT_RETURN_IF_ERROR(Present(key));
    if (!object_[key].is_string()) return Error("'" + key + "' must be a string, got " + object_[key].dump());
    *out = object_[key].get<std::string>();
    return OkStatus();
  }
  Status Strings(const std::string& key, std::vector<std::string>* out) const {
    TFCOMPAT_RETURN_IF_ERROR(Present(key));
    const json& list = object_[key];
    if (!list.is_array() || !std::all_of(list.begin(), list.end(), [](const json& s) { return s.is_string(); })) {
      return Error("'" + key + "' must be a list of strings, got " + list.dump());
    }
    for (const json& s : list) out->push_back(s.get<std::string>());
    return OkStatus();
  }
  Status Integer(const std::string& key, int64_t min, int64_t* out) const {
    TFCOMPAT_RETURN_IF_ERROR(Present(key));
    const json& value = object_[key];
    if (!value.is_number_integer() || value.get<int64_t>() < min) {
      return Error("'" + key + "' must be an integer >= " + std::to_string(min) + ", got " + value.dump());
    }
    *out = value.get<int64_t>();
    return OkStatus();
  }

  const json& object_;
  const std::string& path_;
};

}  // namespace

bool IsEstimatorName(std::string_view name) { return OneOf(name, kEstimatorNames); }
bool IsDnn(std::string_view estimator) { return estimator.starts_with("DNN"); }
bool IsClassifier(std::string_view estimator) { return estimator.ends_with("Classifier"); }
bool IsWideDeep(std::string_view estimator) { return estimator.starts_with("DNNLinearCombined"); }
bool ReadsFeatureColumnSpec(const ModelRecord& record) {
  return IsWideDeep(record.estimator) || !record.feature_column_spec.empty();
}

std::string ModelRecordPath(const std::string& model_dir) { return JoinPath(model_dir, kModelRecordName); }

std::string ModelRecordJson(const ModelRecord& record) {
  // Keys in the documented order (ordered_json keeps insertion order).
  nlohmann::ordered_json out;
  const bool spec = ReadsFeatureColumnSpec(record);
  out["estimator"] = record.estimator;
  if (spec) {
    out["feature_column_spec"] = nlohmann::ordered_json::parse(record.feature_column_spec);
  } else {
    out["feature_columns"] = record.feature_columns;
  }
  out["label_column"] = record.label_column;
  if (IsClassifier(record.estimator)) {
    out["n_classes"] = record.n_classes;
    out["label_vocabulary"] = record.label_vocabulary;
  }
  if (IsDnn(record.estimator)) {
    out["hidden_units"] = record.hidden_units;
    out["activation_fn"] = record.activation_fn;
    out["dropout"] = record.dropout.has_value() ? FloatJson(*record.dropout) : json();
  }
  if (IsWideDeep(record.estimator)) {
    out["dnn_optimizer"] = record.optimizer;
    out["dnn_learning_rate"] = FloatJson(record.learning_rate);
    out["linear_optimizer"] = record.linear_optimizer;
    out["linear_learning_rate"] = FloatJson(record.linear_learning_rate);
  } else {
    out["optimizer"] = record.optimizer;
    out["learning_rate"] = FloatJson(record.learning_rate);
  }
  if (spec) {
    out["input_format"] = record.input_format;
    out["na_value"] = record.na_value;
    out["train_files"] = record.train_csv;
  } else {
    out["train_csv"] = record.train_csv;
  }
  return out.dump(2) + "\n";
}

StatusOr<ModelRecord> ParseModelRecord(std::string_view text, const std::string& path) {
  json object;
  try {
    object = json::parse(text);
  } catch (const json::parse_error& e) {
    return DataLossError(path + ": not valid JSON (byte " + std::to_string(e.byte) +
                         "); expected the model record `estimator train` writes (see docs/tools.md)");
  }
  if (!object.is_object()) {
    return DataLossError(path + ": " + object.type_name() +
                         ", not an object; expected the model record `estimator train` writes (see docs/tools.md)");
  }
  return RecordParser(object, path).Parse();
}

StatusOr<std::optional<ModelRecord>> ReadModelRecord(const std::string& model_dir) {
  const std::string path = ModelRecordPath(model_dir);
  Env* env = Env::Default();
  const Status exists = env->FileExists(path);
  if (exists.code() == StatusCode::kNotFound) return std::optional<ModelRecord>();
  TFCOMPAT_RETURN_IF_ERROR(exists);
  TFCOMPAT_ASSIGN_OR_RETURN(const std::string text, ReadFileToString(env, path, kMaxRecordBytes));
  TFCOMPAT_ASSIGN_OR_RETURN(ModelRecord record, ParseModelRecord(text, path));
  return std::optional<ModelRecord>(std::move(record));
}

Status WriteModelRecord(const std::string& model_dir, const ModelRecord& record) {
  const std::string path = ModelRecordPath(model_dir);
  Env* env = Env::Default();
  TFCOMPAT_RETURN_IF_ERROR(RemoveAtomicWriteTemps(env, path));
  return WriteFileAtomically(env, path, ModelRecordJson(record));
}

}  // namespace tfcompat::estimator_tool
