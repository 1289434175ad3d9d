// SPDX-License-Identifier: Apache-2.0
#include "feature_column_spec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>

#include "io/file.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::estimator_tool {
namespace {

using feature_column::CategoricalColumn;
using feature_column::FeatureColumn;
using feature_column::KeyType;
using nlohmann::json;

constexpr uint64_t kMaxSpecBytes = uint64_t{16} << 20;

constexpr std::string_view kDenseOnly =
    "Items of feature_columns must be a _DenseColumn. You can wrap a categorical column with an embedding_column or "
    "indicator_column. Given: ";

// A defined column: a dense one (numeric, embedding, indicator) or a
// categorical one (which, bucketized, is dense too).
struct Column {
  std::string function;
  std::optional<FeatureColumn> dense;
  std::optional<CategoricalColumn> categorical;
};

std::string Join(const std::vector<std::string>& names, std::string_view separator) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : std::string(separator)) + name;
  return out;
}

// The keyword arguments of one column's function: typed getters whose
// errors name the column, the function and the argument.
class Arguments {
 public:
  Arguments(const std::string& path, const std::string& column, const std::string& function, const json& args)
      : path_(path), column_(column), function_(function), args_(args) {}

  Status Error(const std::string& what) const {
    return InvalidArgumentError(path_ + ": column '" + column_ + "': " + what);
  }

  // Every argument given is one of `allowed` (TF's keyword arguments that
  // the library supports).
  Status Allow(const std::vector<std::string>& allowed) const {
    for (const auto& [name, value] : args_.items()) {
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        return Error("unknown argument '" + name + "' of " + function_ + " (expected " + Join(allowed, ", ") + ")");
      }
    }
    return OkStatus();
  }

  bool Has(const std::string& name) const { return args_.contains(name) && !args_[name].is_null(); }

  StatusOr<std::string> String(const std::string& name) const {
    TFCOMPAT_RETURN_IF_ERROR(Required(name));
    if (!args_[name].is_string()) return TypeError(name, "a string");
    return args_[name].get<std::string>();
  }
  StatusOr<int64_t> Integer(const std::string& name) const {
    TFCOMPAT_RETURN_IF_ERROR(Required(name));
    if (!args_[name].is_number_integer()) return TypeError(name, "an integer");
    return args_[name].get<int64_t>();
  }
  StatusOr<double> Number(const std::string& name) const {
    TFCOMPAT_RETURN_IF_ERROR(Required(name));
    if (!args_[name].is_number()) return TypeError(name, "a number");
    return args_[name].get<double>();
  }
  StatusOr<std::vector<std::string>> Strings(const std::string& name) const {
    TFCOMPAT_RETURN_IF_ERROR(Required(name));
    const json& list = args_[name];
    if (!list.is_array() || !std::all_of(list.begin(), list.end(), [](const json& v) { return v.is_string(); })) {
      return TypeError(name, "a list of strings");
    }
    return list.get<std::vector<std::string>>();
  }
  StatusOr<std::vector<float>> Floats(const std::string& name) const {
    TFCOMPAT_RETURN_IF_ERROR(Required(name));
    const json& list = args_[name];
    if (!list.is_array() || !std::all_of(list.begin(), list.end(), [](const json& v) { return v.is_number(); })) {
      return TypeError(name, "a list of numbers");
    }
    std::vector<float> out;
    for (const json& v : list) out.push_back(v.get<float>());
    return out;
  }
  // An integer argument, or `fallback` when it is absent or null.
  StatusOr<int64_t> IntegerOr(const std::string& name, int64_t fallback) const {
    if (!Has(name)) return fallback;
    return Integer(name);
  }
  StatusOr<std::optional<int64_t>> OptionalInteger(const std::string& name) const {
    if (!Has(name)) return std::optional<int64_t>();
    TFCOMPAT_ASSIGN_OR_RETURN(const int64_t value, Integer(name));
    return std::optional<int64_t>(value);
  }
  // TF's dtype of a categorical key: "string" (tf.string) or "int64"
  // (tf.int64); `fallback` when absent.
  StatusOr<KeyType> KeyDtype(KeyType fallback) const {
    if (!Has("dtype")) return fallback;
    TFCOMPAT_ASSIGN_OR_RETURN(const std::string dtype, String("dtype"));
    if (dtype == "string") return KeyType::kString;
    if (dtype == "int64") return KeyType::kInt64;
    return Error("argument 'dtype' of " + function_ + " is '" + dtype + "', expected 'string' or 'int64'");
  }

 private:
  Status Required(const std::string& name) const {
    if (Has(name)) return OkStatus();
    return Error(function_ + " needs argument '" + name + "'");
  }
  Status TypeError(const std::string& name, const std::string& expected) const {
    return Error("argument '" + name + "' of " + function_ + " must be " + expected + ", got " + args_[name].dump());
  }

  const std::string& path_;
  const std::string& column_;
  const std::string& function_;
  const json& args_;
};

// Two specs of one raw feature agree (MakeParseExampleSpec's rule).
bool SameFeature(const data::FeatureSpec& a, const data::FeatureSpec& b) {
  if (a.index() != b.index()) return false;
  if (const auto* var = std::get_if<data::VarLenFeature>(&a))
    return var->dtype == std::get<data::VarLenFeature>(b).dtype;
  const auto& fa = std::get<data::FixedLenFeature>(a);
  const auto& fb = std::get<data::FixedLenFeature>(b);
  if (fa.dtype != fb.dtype || fa.shape != fb.shape || fa.default_value.has_value() != fb.default_value.has_value()) {
    return false;
  }
  return !fa.default_value.has_value() || *fa.default_value == *fb.default_value;
}

class SpecParser {
 public:
  SpecParser(const json& spec, const std::string& path) : spec_(spec), canonical_(spec), path_(path) {}

  StatusOr<FeatureColumnSpec> Parse() {
    if (!spec_.is_object()) return Error(std::string("the spec is ") + spec_.type_name() + ", expected an object");
    for (const auto& [key, value] : spec_.items()) {
      if (key != "columns" && key != "feature_columns" && key != "linear_feature_columns" &&
          key != "dnn_feature_columns") {
        return Error("unknown key '" + key +
                     "' (expected columns, and feature_columns or linear_feature_columns and dnn_feature_columns)");
      }
    }
    const bool canned = spec_.contains("feature_columns");
    if (canned && (spec_.contains("linear_feature_columns") || spec_.contains("dnn_feature_columns"))) {
      return Error(
          "'feature_columns' are the inputs of DNNClassifier, LinearClassifier, ...; 'linear_feature_columns' and "
          "'dnn_feature_columns' those of DNNLinearCombinedClassifier and DNNLinearCombinedRegressor: give either");
    }
    if (!spec_.contains("columns") || !spec_["columns"].is_object()) {
      return Error("'columns' must be an object of named columns");
    }
    if (!canned && !spec_.contains("linear_feature_columns") && !spec_.contains("dnn_feature_columns")) {
      return Error(
          "give 'feature_columns' (DNNClassifier, LinearClassifier, ...) or 'linear_feature_columns' and "
          "'dnn_feature_columns' (wide & deep; one or both): the model's inputs");
    }
    FeatureColumnSpec out;
    TFCOMPAT_RETURN_IF_ERROR(List("linear_feature_columns", /*dense_only=*/false, &out.linear_feature_columns));
    TFCOMPAT_RETURN_IF_ERROR(List("dnn_feature_columns", /*dense_only=*/true, &out.dnn_feature_columns));
    TFCOMPAT_RETURN_IF_ERROR(List("feature_columns", /*dense_only=*/false, &out.feature_columns));
    if (canned && out.feature_columns.empty()) return Error("'feature_columns' must name one or more columns");
    std::vector<FeatureColumn> dense;
    out.dnn_error = List("feature_columns", /*dense_only=*/true, &dense);
    for (const auto* list : {&out.linear_feature_columns, &out.dnn_feature_columns, &out.feature_columns}) {
      for (const FeatureColumn& column : *list) TFCOMPAT_RETURN_IF_ERROR(AddRawFeatures(column, &out.raw_features));
    }
    out.json = canonical_.dump();
    return out;
  }

 private:
  Status Error(const std::string& what) const { return InvalidArgumentError(path_ + ": " + what); }
  Status ColumnError(const std::string& name, const std::string& what) const {
    return InvalidArgumentError(path_ + ": column '" + name + "': " + what);
  }

  // The columns a model list names, each made a FeatureColumn.
  Status List(const std::string& key, bool dense_only, std::vector<FeatureColumn>* out) {
    if (!spec_.contains(key)) return OkStatus();
    const json& names = spec_[key];
    if (!names.is_array() || !std::all_of(names.begin(), names.end(), [](const json& n) { return n.is_string(); })) {
      return Error("'" + key + "' must be a list of column names, got " + names.dump());
    }
    std::set<std::string> seen;
    for (const json& n : names) {
      const std::string name = n.get<std::string>();
      if (!seen.insert(name).second) return ColumnError(name, "named twice in '" + key + "'");
      if (!spec_["columns"].contains(name)) return Error("'" + key + "' names '" + name + "', which is no column");
      TFCOMPAT_ASSIGN_OR_RETURN(const Column column, Resolve(name));
      if (column.dense.has_value()) {
        out->push_back(*column.dense);
      } else if (!dense_only || column.categorical->is_bucketized()) {
        out->push_back(FeatureColumn::Categorical(*column.categorical));
      } else {
        return ColumnError(name, "in '" + key + "': " + std::string(kDenseOnly) + column.function + " '" + name + "'");
      }
    }
    return OkStatus();
  }

  // The raw features of `column`, merged into `spec`; a bucketized
  // column's source keeps its numeric column's default_value, as TF's
  // bucketized parse_example_spec is its source's.
  Status AddRawFeatures(const FeatureColumn& column, data::ExampleSpec* spec) const {
    TFCOMPAT_ASSIGN_OR_RETURN(data::ExampleSpec own, feature_column::MakeParseExampleSpec({&column, 1}));
    for (auto& [key, feature] : own) {
      auto* fixed = std::get_if<data::FixedLenFeature>(&feature);
      const auto source = source_defaults_.find(key);
      if (fixed != nullptr && !fixed->default_value.has_value() && source != source_defaults_.end()) {
        fixed->default_value = source->second;
      }
      const auto [it, inserted] = spec->emplace(key, feature);
      if (!inserted && !SameFeature(it->second, feature)) {
        return ColumnError(column.name(), "raw feature '" + key + "' is read with different types by two columns");
      }
    }
    return OkStatus();
  }

  // The column named `name` (defined in "columns"), built once.
  StatusOr<Column> Resolve(const std::string& name) {
    if (const auto done = built_.find(name); done != built_.end()) return done->second;
    if (std::find(stack_.begin(), stack_.end(), name) != stack_.end()) {
      std::vector<std::string> cycle(std::find(stack_.begin(), stack_.end(), name), stack_.end());
      cycle.push_back(name);
      return ColumnError(name, "reference cycle: " + Join(cycle, " -> "));
    }
    const json& definition = spec_["columns"][name];
    if (!definition.is_object() || definition.size() != 1) {
      return ColumnError(
          name,
          "expected an object with one key, the function (e.g. {\"numeric_column\": {...}}), got " + definition.dump());
    }
    const std::string function = definition.begin().key();
    const json& args = definition.begin().value();
    if (!args.is_object()) return ColumnError(name, "the arguments of " + function + " must be an object");
    stack_.push_back(name);
    StatusOr<Column> column = Build(name, function, args);
    stack_.pop_back();
    if (!column.ok()) return column.status();
    column->function = function;
    built_.emplace(name, *column);
    return column;
  }

  // A column another one refers to by the argument `arg` (a name).
  StatusOr<Column> Reference(const std::string& name, const Arguments& a, const std::string& arg) {
    TFCOMPAT_ASSIGN_OR_RETURN(const std::string target, a.String(arg));
    if (!spec_["columns"].contains(target)) {
      return ColumnError(name, "argument '" + arg + "' names '" + target + "', which is no column");
    }
    return Resolve(target);
  }
  StatusOr<CategoricalColumn> CategoricalReference(const std::string& name, const Arguments& a,
                                                   const std::string& function) {
    TFCOMPAT_ASSIGN_OR_RETURN(const Column target, Reference(name, a, "categorical_column"));
    if (!target.categorical.has_value()) {
      return ColumnError(name, "the categorical_column of " + function + " must be a categorical column, got " +
                                   target.function + " '" + a.String("categorical_column").value() + "'");
    }
    return *target.categorical;
  }

  // The result of a factory: its error prefixed with the spec file.
  template <typename T>
  StatusOr<Column> Made(const std::string& name, StatusOr<T> made) const {
    if (!made.ok()) return ColumnError(name, made.status().message());
    Column column;
    if constexpr (std::is_same_v<T, FeatureColumn>) {
      column.dense = std::move(*made);
    } else {
      column.categorical = std::move(*made);
    }
    return column;
  }

  StatusOr<Column> Build(const std::string& name, const std::string& function, const json& args) {
    const Arguments a(path_, name, function, args);
    if (function == "numeric_column") return Numeric(name, a);
    if (function == "bucketized_column") {
      TFCOMPAT_RETURN_IF_ERROR(a.Allow({"source_column", "boundaries"}));
      TFCOMPAT_ASSIGN_OR_RETURN(const Column source, Reference(name, a, "source_column"));
      if (!source.dense.has_value() || source.dense->kind() != FeatureColumn::Kind::kNumeric) {
        return ColumnError(name, "source_column must be a column generated with numeric_column(). Given: " +
                                     source.function + " '" + a.String("source_column").value() + "'");
      }
      TFCOMPAT_ASSIGN_OR_RETURN(std::vector<float> boundaries, a.Floats("boundaries"));
      return Made(name, CategoricalColumn::Bucketized(source.dense->key(), source.dense->dense_dimension(),
                                                      std::move(boundaries)));
    }
    if (function == "categorical_column_with_vocabulary_list") return VocabularyList(name, a);
    if (function == "categorical_column_with_vocabulary_file") return VocabularyFile(name, a);
    if (function == "categorical_column_with_identity") {
      TFCOMPAT_RETURN_IF_ERROR(a.Allow({"key", "num_buckets", "default_value"}));
      TFCOMPAT_ASSIGN_OR_RETURN(std::string key, a.String("key"));
      TFCOMPAT_ASSIGN_OR_RETURN(const int64_t num_buckets, a.Integer("num_buckets"));
      TFCOMPAT_ASSIGN_OR_RETURN(const std::optional<int64_t> default_value, a.OptionalInteger("default_value"));
      return Made(name, CategoricalColumn::Identity(std::move(key), num_buckets, default_value));
    }
    if (function == "categorical_column_with_hash_bucket") {
      TFCOMPAT_RETURN_IF_ERROR(a.Allow({"key", "hash_bucket_size", "dtype"}));
      TFCOMPAT_ASSIGN_OR_RETURN(std::string key, a.String("key"));
      TFCOMPAT_ASSIGN_OR_RETURN(const int64_t size, a.Integer("hash_bucket_size"));
      TFCOMPAT_ASSIGN_OR_RETURN(const KeyType dtype, a.KeyDtype(KeyType::kString));
      return Made(name, CategoricalColumn::HashBucket(std::move(key), size, dtype));
    }
    if (function == "crossed_column") return Crossed(name, a);
    if (function == "embedding_column") {
      TFCOMPAT_RETURN_IF_ERROR(a.Allow({"categorical_column", "dimension", "combiner"}));
      TFCOMPAT_ASSIGN_OR_RETURN(const CategoricalColumn categorical, CategoricalReference(name, a, function));
      TFCOMPAT_ASSIGN_OR_RETURN(const int64_t dimension, a.Integer("dimension"));
      feature_column::Combiner combiner = feature_column::Combiner::kMean;
      if (a.Has("combiner")) {
        TFCOMPAT_ASSIGN_OR_RETURN(const std::string combiner_name, a.String("combiner"));
        StatusOr<feature_column::Combiner> parsed = feature_column::ParseCombiner(combiner_name);
        if (!parsed.ok()) return ColumnError(name, parsed.status().message());
        combiner = *parsed;
      }
      return Made(name, FeatureColumn::Embedding(categorical, dimension, combiner));
    }
    if (function == "indicator_column") {
      TFCOMPAT_RETURN_IF_ERROR(a.Allow({"categorical_column"}));
      TFCOMPAT_ASSIGN_OR_RETURN(const CategoricalColumn categorical, CategoricalReference(name, a, function));
      return Made(name, StatusOr<FeatureColumn>(FeatureColumn::Indicator(categorical)));
    }
    if (function == "weighted_categorical_column") {
      TFCOMPAT_RETURN_IF_ERROR(a.Allow({"categorical_column", "weight_feature_key"}));
      TFCOMPAT_ASSIGN_OR_RETURN(const CategoricalColumn categorical, CategoricalReference(name, a, function));
      TFCOMPAT_ASSIGN_OR_RETURN(std::string weight_key, a.String("weight_feature_key"));
      return Made(name, CategoricalColumn::Weighted(categorical, std::move(weight_key)));
    }
    return ColumnError(name,
                       "unknown function '" + function +
                           "' (expected numeric_column, bucketized_column, categorical_column_with_vocabulary_list, "
                           "categorical_column_with_vocabulary_file, categorical_column_with_identity, "
                           "categorical_column_with_hash_bucket, crossed_column, embedding_column, indicator_column "
                           "or weighted_categorical_column)");
  }

  StatusOr<Column> Numeric(const std::string& name, const Arguments& a) {
    TFCOMPAT_RETURN_IF_ERROR(a.Allow({"key", "shape", "default_value", "dtype"}));
    TFCOMPAT_ASSIGN_OR_RETURN(std::string key, a.String("key"));
    int64_t dimension = 1;
    if (a.Has("shape")) {
      // TF takes an int or a one-element shape for a vector of values.
      const json& shape = spec_["columns"][name].begin().value()["shape"];
      if (shape.is_array() && shape.size() == 1 && shape[0].is_number_integer()) {
        dimension = shape[0].get<int64_t>();
      } else if (shape.is_number_integer()) {
        dimension = shape.get<int64_t>();
      } else {
        return ColumnError(
            name,
            "argument 'shape' of numeric_column must be an integer or a list of one integer, got " + shape.dump());
      }
    }
    if (a.Has("dtype")) {
      TFCOMPAT_ASSIGN_OR_RETURN(const std::string dtype, a.String("dtype"));
      if (dtype != "float32") return ColumnError(name, "numeric_column's dtype is '" + dtype + "', expected 'float32'");
    }
    std::optional<float> default_value;
    if (a.Has("default_value")) {
      TFCOMPAT_ASSIGN_OR_RETURN(const double value, a.Number("default_value"));
      default_value = static_cast<float>(value);
    }
    StatusOr<FeatureColumn> column = FeatureColumn::Numeric(key, dimension, default_value);
    if (column.ok() && default_value.has_value()) {
      source_defaults_[key] =
          Tensor::FromVector<float>(DataType::kFloat, {dimension}, std::vector<float>(dimension, *default_value));
    }
    return Made(name, std::move(column));
  }

  StatusOr<Column> VocabularyList(const std::string& name, const Arguments& a) {
    TFCOMPAT_RETURN_IF_ERROR(a.Allow({"key", "vocabulary_list", "dtype", "default_value", "num_oov_buckets"}));
    TFCOMPAT_ASSIGN_OR_RETURN(std::string key, a.String("key"));
    const json& list = spec_["columns"][name].begin().value()["vocabulary_list"];
    // TF infers the dtype from the list when none is given.
    const bool ints = list.is_array() && !list.empty() && list[0].is_number_integer();
    TFCOMPAT_ASSIGN_OR_RETURN(const KeyType dtype, a.KeyDtype(ints ? KeyType::kInt64 : KeyType::kString));
    TFCOMPAT_ASSIGN_OR_RETURN(const int64_t default_value, a.IntegerOr("default_value", -1));
    TFCOMPAT_ASSIGN_OR_RETURN(const int64_t num_oov_buckets, a.IntegerOr("num_oov_buckets", 0));
    if (dtype == KeyType::kString) {
      TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> vocabulary, a.Strings("vocabulary_list"));
      return Made(name, CategoricalColumn::VocabularyList(std::move(key), vocabulary, num_oov_buckets, default_value));
    }
    if (!list.is_array() ||
        !std::all_of(list.begin(), list.end(), [](const json& v) { return v.is_number_integer(); })) {
      return ColumnError(name,
                         "argument 'vocabulary_list' of categorical_column_with_vocabulary_list must be a list "
                         "of integers (dtype int64), got " +
                             list.dump());
    }
    return Made(name, CategoricalColumn::Int64VocabularyList(std::move(key), list.get<std::vector<int64_t>>(),
                                                             num_oov_buckets, default_value));
  }

  StatusOr<Column> VocabularyFile(const std::string& name, const Arguments& a) {
    TFCOMPAT_RETURN_IF_ERROR(
        a.Allow({"key", "vocabulary_file", "vocabulary_size", "dtype", "default_value", "num_oov_buckets"}));
    TFCOMPAT_ASSIGN_OR_RETURN(std::string key, a.String("key"));
    TFCOMPAT_ASSIGN_OR_RETURN(const std::string file, a.String("vocabulary_file"));
    CategoricalColumn::VocabularyFileOptions options;
    TFCOMPAT_ASSIGN_OR_RETURN(options.vocabulary_size, a.OptionalInteger("vocabulary_size"));
    TFCOMPAT_ASSIGN_OR_RETURN(options.num_oov_buckets, a.IntegerOr("num_oov_buckets", 0));
    TFCOMPAT_ASSIGN_OR_RETURN(options.default_value, a.OptionalInteger("default_value"));
    TFCOMPAT_ASSIGN_OR_RETURN(options.dtype, a.KeyDtype(KeyType::kString));
    // Relative to the spec, so that a spec and its vocabularies move together.
    const std::filesystem::path spec_dir = std::filesystem::absolute(path_).parent_path();
    const std::string resolved = (spec_dir / file).lexically_normal().string();
    canonical_["columns"][name]["categorical_column_with_vocabulary_file"]["vocabulary_file"] = resolved;
    return Made(name, CategoricalColumn::VocabularyFile(std::move(key), resolved, options));
  }

  StatusOr<Column> Crossed(const std::string& name, const Arguments& a) {
    TFCOMPAT_RETURN_IF_ERROR(a.Allow({"keys", "hash_bucket_size", "hash_key"}));
    TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> names, a.Strings("keys"));
    std::vector<CategoricalColumn::CrossKey> keys;
    for (const std::string& key : names) {
      if (!spec_["columns"].contains(key)) {
        keys.emplace_back(key);
        continue;
      }
      TFCOMPAT_ASSIGN_OR_RETURN(const Column column, Resolve(key));
      if (!column.categorical.has_value()) {
        return ColumnError(name, "crossed_column's keys must be categorical columns or raw feature keys, got " +
                                     column.function + " '" + key + "'");
      }
      keys.emplace_back(*column.categorical);
    }
    TFCOMPAT_ASSIGN_OR_RETURN(const int64_t size, a.Integer("hash_bucket_size"));
    TFCOMPAT_ASSIGN_OR_RETURN(const int64_t hash_key, a.IntegerOr("hash_key", 0));
    return Made(name, CategoricalColumn::Crossed(
                          std::move(keys), size,
                          hash_key == 0 ? feature_column::kDefaultCrossHashKey : static_cast<uint64_t>(hash_key)));
  }

  const json& spec_;
  json canonical_;
  const std::string& path_;
  std::map<std::string, Column> built_;
  std::vector<std::string> stack_;  // the columns being built, for cycles
  // The default_value of each numeric column with one, by key.
  std::map<std::string, Tensor> source_defaults_;
};

}  // namespace

StatusOr<FeatureColumnSpec> ParseFeatureColumnSpec(std::string_view text, const std::string& path) {
  json spec;
  try {
    spec = json::parse(text);
  } catch (const json::parse_error& e) {
    return InvalidArgumentError(path + ": not valid JSON (byte " + std::to_string(e.byte) +
                                "); expected a feature-column spec (see docs/tools.md)");
  }
  return SpecParser(spec, path).Parse();
}

StatusOr<FeatureColumnSpec> ReadFeatureColumnSpec(const std::string& path) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::string text, ReadFileToString(Env::Default(), path, kMaxSpecBytes));
  return ParseFeatureColumnSpec(text, path);
}

}  // namespace tfcompat::estimator_tool
