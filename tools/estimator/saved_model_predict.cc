// SPDX-License-Identifier: Apache-2.0
#include "saved_model_predict.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "base/str_join.h"
#include "common.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/data/csv_input.h"
#include "tfcompat/data/example.h"
#include "tfcompat/saved_model/saved_model.h"

namespace tfcompat::estimator_tool {
namespace {

constexpr std::string_view kSignature = "predict";

// A feature the signature takes and how many of a row's values it holds.
struct Slot {
  std::string name;
  int64_t width = 1;
  bool matrix = false;  // a raw input of shape [batch, width] rather than [batch]
};

// How the examples reach the signature: one float input per slot (raw), or
// one string input of serialized tf.train.Examples (parsing).
struct Feed {
  std::vector<Slot> slots;
  std::string examples_key;  // the parsing receiver's input; empty for raw
  int64_t columns() const {
    int64_t sum = 0;
    for (const Slot& slot : slots) sum += slot.width;
    return sum;
  }
};

// The raw receiver's slots, in the order of `names` when given.
StatusOr<Feed> RawFeed(const SignatureInfo& signature, const std::vector<std::string>& names) {
  Feed feed;
  for (const auto& [key, input] : signature.inputs) {
    const bool scalar = input.shape.has_value() && input.shape->size() == 1;
    const bool vector = input.shape.has_value() && input.shape->size() == 2 && (*input.shape)[1] > 0;
    if (input.dtype != DataType::kFloat || !(scalar || vector)) {
      return UnimplementedError("the " + std::string(kSignature) + " signature's input '" + key +
                                "' is not a float tensor of shape [batch] or [batch, k]");
    }
    feed.slots.push_back({key, vector ? (*input.shape)[1] : 1, vector});
  }
  std::vector<std::string> keys;
  for (const Slot& slot : feed.slots) keys.push_back(slot.name);
  // The input keys are sorted, which is seldom the rows' order: guessing
  // it would feed one feature's values to another without a word.
  if (names.empty() && feed.slots.size() > 1) {
    return InvalidArgumentError("the " + std::string(kSignature) + " signature takes the features " +
                                StrJoin(keys, ",") +
                                ": give their order in the rows with --feature_names or a CSV header row");
  }
  if (names.empty()) return feed;
  const std::set<std::string> given(names.begin(), names.end());
  if (given != std::set<std::string>(keys.begin(), keys.end()) || given.size() != names.size()) {
    return InvalidArgumentError("the feature names " + StrJoin(names, ",") + " are not the " + std::string(kSignature) +
                                " signature's inputs " + StrJoin(keys, ","));
  }
  std::sort(feed.slots.begin(), feed.slots.end(), [&](const Slot& a, const Slot& b) {
    return std::find(names.begin(), names.end(), a.name) < std::find(names.begin(), names.end(), b.name);
  });
  return feed;
}

// The parsing receiver's slots: one value per name; a single name takes
// `columns` values (the whole row).
StatusOr<Feed> ParsingFeed(const std::string& examples_key, const std::vector<std::string>& names, int64_t columns) {
  if (names.empty()) {
    return InvalidArgumentError("the " + std::string(kSignature) +
                                " signature takes serialized tf.train.Examples: name their features with "
                                "--feature_names or a CSV header row");
  }
  Feed feed;
  feed.examples_key = examples_key;
  for (const std::string& name : names) feed.slots.push_back({name, names.size() == 1 ? columns : 1, false});
  return feed;
}

bool TakesExamples(const SignatureInfo& signature) {
  return signature.inputs.size() == 1 && signature.inputs.begin()->second.dtype == DataType::kString;
}

// The signature's inputs for examples [begin, end) of `values` (`columns`
// values each).
StatusOr<std::map<std::string, Tensor>> Inputs(const Feed& feed, const std::vector<float>& values, int64_t begin,
                                               int64_t end) {
  const int64_t columns = feed.columns(), count = end - begin;
  std::map<std::string, Tensor> inputs;
  if (!feed.examples_key.empty()) {
    std::vector<std::string> records;
    for (int64_t i = begin; i < end; ++i) {
      std::map<std::string, data::FeatureValues> features;
      int64_t at = i * columns;
      for (const Slot& slot : feed.slots) {
        features[slot.name] = std::vector<float>(values.begin() + at, values.begin() + at + slot.width);
        at += slot.width;
      }
      records.push_back(data::SerializeExample(features));
    }
    TFCOMPAT_ASSIGN_OR_RETURN(Tensor examples, Tensor::FromStrings({count}, std::move(records)));
    inputs.emplace(feed.examples_key, std::move(examples));
    return inputs;
  }
  int64_t offset = 0;
  for (const Slot& slot : feed.slots) {
    std::vector<float> column;
    column.reserve(static_cast<size_t>(count * slot.width));
    for (int64_t i = begin; i < end; ++i) {
      const auto first = values.begin() + i * columns + offset;
      column.insert(column.end(), first, first + slot.width);
    }
    TensorShape shape = {count};
    if (slot.matrix) shape.push_back(slot.width);
    inputs.emplace(slot.name, Tensor::FromVector<float>(DataType::kFloat, std::move(shape), column));
    offset += slot.width;
  }
  return inputs;
}

StatusOr<const Tensor*> Output(const std::map<std::string, Tensor>& outputs, const std::string& key, DataType dtype) {
  const auto found = outputs.find(key);
  if (found == outputs.end()) {
    return InvalidArgumentError("the " + std::string(kSignature) + " signature has no output '" + key + "'");
  }
  if (found->second.dtype() != dtype) {
    return InvalidArgumentError("the " + std::string(kSignature) + " signature's output '" + key + "' is " +
                                std::string(DataTypeName(found->second.dtype())) + ", expected " +
                                std::string(DataTypeName(dtype)));
  }
  return &found->second;
}

std::vector<float> Floats(const Tensor& tensor) { return {tensor.flat<float>().begin(), tensor.flat<float>().end()}; }

// A classifier's outputs (logits, probabilities, class_ids, classes, and
// logistic for a binary head) or a regressor's (predictions).
StatusOr<model::Predictions> PredictionsOf(const std::map<std::string, Tensor>& outputs, int64_t count,
                                           std::vector<std::string>* all_classes) {
  model::Predictions p;
  p.batch_size = count;
  if (!outputs.contains("class_ids")) {
    TFCOMPAT_ASSIGN_OR_RETURN(const Tensor* predictions, Output(outputs, "predictions", DataType::kFloat));
    p.predictions = Floats(*predictions);
    return p;
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const Tensor* logits, Output(outputs, "logits", DataType::kFloat));
  TFCOMPAT_ASSIGN_OR_RETURN(const Tensor* probabilities, Output(outputs, "probabilities", DataType::kFloat));
  TFCOMPAT_ASSIGN_OR_RETURN(const Tensor* class_ids, Output(outputs, "class_ids", DataType::kInt64));
  TFCOMPAT_ASSIGN_OR_RETURN(const Tensor* classes, Output(outputs, "classes", DataType::kString));
  TFCOMPAT_ASSIGN_OR_RETURN(const Tensor* names, Output(outputs, "all_classes", DataType::kString));
  if (class_ids->num_elements() != count || classes->num_elements() != count ||
      probabilities->num_elements() % std::max<int64_t>(count, 1) != 0 ||
      logits->num_elements() % std::max<int64_t>(count, 1) != 0) {
    return InvalidArgumentError("the " + std::string(kSignature) + " signature's outputs do not hold " +
                                std::to_string(count) + " examples");
  }
  p.logits_dimension = count == 0 ? 0 : logits->num_elements() / count;
  p.logits = Floats(*logits);
  p.probabilities = Floats(*probabilities);
  p.class_ids.assign(class_ids->flat<int64_t>().begin(), class_ids->flat<int64_t>().end());
  p.classes = classes->strings();
  if (outputs.contains("logistic")) {
    TFCOMPAT_ASSIGN_OR_RETURN(const Tensor* logistic, Output(outputs, "logistic", DataType::kFloat));
    p.logistic = Floats(*logistic);
  }
  const auto n_classes = static_cast<size_t>(count == 0 ? 0 : probabilities->num_elements() / count);
  if (count > 0 && names->strings().size() >= n_classes) {
    all_classes->assign(names->strings().begin(), names->strings().begin() + static_cast<ptrdiff_t>(n_classes));
  }
  return p;
}

}  // namespace

StatusOr<SavedModelPredictions> PredictWithSavedModel(const SavedModelPredictRequest& request) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<SavedModel> model, SavedModel::Load(request.dir, {"serve"}));
  const auto signature = model->signatures().find(std::string(kSignature));
  if (signature == model->signatures().end()) {
    return model->Run(kSignature, {}).status().WithContext(request.dir);
  }
  const bool parsing = TakesExamples(signature->second);

  // The CSV first, as its header may name the features.
  data::Dataset file;
  std::vector<std::string> names = request.feature_names;
  if (!request.csv.empty()) {
    data::CsvOptions csv;
    csv.labelled = false;
    // Names pick one column each; a single name of the parsing receiver
    // takes the whole row.
    if (parsing) {
      if (names.size() > 1) csv.feature_names = names;
    } else if (!names.empty()) {
      TFCOMPAT_ASSIGN_OR_RETURN(const Feed raw, RawFeed(signature->second, names));
      if (raw.columns() == static_cast<int64_t>(raw.slots.size())) csv.feature_names = names;
    }
    TFCOMPAT_ASSIGN_OR_RETURN(file, data::ReadCsvDataset(request.csv, csv));
    // A header of column names names the features; the raw receiver's only
    // when they are its inputs (otherwise its values go in by position).
    const std::vector<std::string>& header = *file.feature_names;
    const bool named = !header.empty() && header.front() != "x0";
    if (names.empty() && named && (parsing || RawFeed(signature->second, header).ok())) names = header;
  }
  int64_t row_width = 0;
  if (!request.rows.empty()) {
    row_width = static_cast<int64_t>(std::count(request.rows[0].begin(), request.rows[0].end(), ',')) + 1;
  } else if (file.feature_names != nullptr) {
    row_width = static_cast<int64_t>(file.feature_names->size());
  }
  StatusOr<Feed> made = parsing ? ParsingFeed(signature->second.inputs.begin()->first, names, row_width)
                                : RawFeed(signature->second, names);
  TFCOMPAT_RETURN_IF_ERROR(made.status());
  const Feed& feed = *made;
  const int64_t columns = feed.columns();

  std::vector<float> values;
  for (const std::string& row : request.rows) {
    TFCOMPAT_RETURN_IF_ERROR(ParseRow(row, "--predict " + row, static_cast<size_t>(columns), &values));
  }
  if (!request.csv.empty()) {
    if (static_cast<int64_t>(file.feature_names->size()) != columns) {
      return InvalidArgumentError(request.csv + ": expected " + std::to_string(columns) + " feature columns for the " +
                                  std::string(kSignature) + " signature's inputs, got " +
                                  std::to_string(file.feature_names->size()));
    }
    values.insert(values.end(), file.features.begin(), file.features.end());
  }

  SavedModelPredictions result;
  const int64_t examples = columns == 0 ? 0 : static_cast<int64_t>(values.size()) / columns;
  for (int64_t begin = 0; begin < examples; begin += request.batch_size) {
    const int64_t end = std::min(examples, begin + request.batch_size);
    TFCOMPAT_ASSIGN_OR_RETURN(const auto inputs, Inputs(feed, values, begin, end));
    TFCOMPAT_ASSIGN_OR_RETURN(const auto outputs, model->Run(kSignature, inputs));
    TFCOMPAT_ASSIGN_OR_RETURN(model::Predictions p, PredictionsOf(outputs, end - begin, &result.all_classes));
    result.batches.push_back(std::move(p));
  }
  return result;
}

}  // namespace tfcompat::estimator_tool
