// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/data/feature_batches.h"

#include <cstring>
#include <functional>
#include <map>
#include <span>
#include <string_view>
#include <utility>

#include "data/epoch_order.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::data {
namespace {

// Python's repr of a tf.DType, as TF's messages print it.
std::string DtypeRepr(DataType dtype) { return "<dtype: '" + std::string(DataTypeName(dtype)) + "'>"; }

bool IsInteger(DataType dtype) { return dtype == DataType::kInt32 || dtype == DataType::kInt64; }

// The names a batch of typed features gives its (absent) numeric matrix.
const FeatureNames& NoFeatureNames() {
  static const FeatureNames names = std::make_shared<const std::vector<std::string>>();
  return names;
}

// Checked LabelOptions: takes the labels out of a batch's features.
class LabelReader {
 public:
  static StatusOr<LabelReader> Create(const LabelOptions& options) {
    LabelReader reader;
    reader.column_ = options.column;
    const auto& vocabulary = options.vocabulary;
    if (!vocabulary.empty() && options.n_classes != 0 && static_cast<size_t>(options.n_classes) != vocabulary.size()) {
      return InvalidArgumentError("label_vocabulary size must equal n_classes: " + std::to_string(vocabulary.size()) +
                                  " vs " + std::to_string(options.n_classes));
    }
    if (vocabulary.empty() && options.n_classes < 0) {
      return InvalidArgumentError("n_classes must be >= 0 (0: a regressor), got " + std::to_string(options.n_classes));
    }
    reader.n_classes_ = vocabulary.empty() ? options.n_classes : static_cast<int>(vocabulary.size());
    if (reader.n_classes_ == 1) return InvalidArgumentError("n_classes must be > 1 for classification: 1");
    for (size_t i = 0; i < vocabulary.size(); ++i) {
      if (!reader.ids_.emplace(vocabulary[i], static_cast<float>(i)).second) {
        return InvalidArgumentError("label_vocabulary has '" + vocabulary[i] + "' twice");
      }
    }
    return reader;
  }

  bool has_labels() const { return !column_.empty(); }

  // Moves the labels out of `features` into `labels` (cleared when there is
  // no label column). `source` names the features in errors about the
  // whole label feature, `example_name(i)` example i in errors about one.
  Status Take(ParsedFeatures* features, const std::string& source,
              const std::function<std::string(int64_t)>& example_name, std::vector<float>* labels) const {
    labels->clear();
    if (!has_labels()) return OkStatus();
    const std::string where = source + ": label " + column_;
    if (features->sparse.contains(column_)) {
      return InvalidArgumentError(where +
                                  ": SparseTensor labels are not supported. labels must be a Tensor of shape "
                                  "[D0, D1, ..., DN, 1], e.g. [batch_size, 1].");
    }
    const auto it = features->dense.find(column_);
    if (it == features->dense.end()) {
      return InvalidArgumentError(source + ": there is no feature '" + column_ + "' to take the labels from");
    }
    const Tensor& tensor = it->second;
    const int64_t size = features->batch_size;
    if (tensor.shape() != TensorShape{size} && tensor.shape() != TensorShape{size, 1}) {
      return InvalidArgumentError(where + ": labels shape must be [D0, D1, ... DN, 1], got " +
                                  ShapeDebugString(tensor.shape()) + " for " + std::to_string(size) + " examples");
    }
    labels->resize(static_cast<size_t>(size));
    if (!ids_.empty()) {
      if (tensor.dtype() != DataType::kString) {
        return InvalidArgumentError(where + ": Labels dtype should be string if there is a vocabulary. Instead got " +
                                    DtypeRepr(tensor.dtype()));
      }
      for (int64_t i = 0; i < size; ++i) {
        const std::string& name = tensor.strings()[static_cast<size_t>(i)];
        const auto id = ids_.find(name);
        if (id == ids_.end()) {
          return InvalidArgumentError(example_name(i) + ": Labels must >= 0: '" + name +
                                      "' is not in label_vocabulary");
        }
        (*labels)[static_cast<size_t>(i)] = id->second;
      }
    } else if (n_classes_ > 0) {
      if (!IsInteger(tensor.dtype())) {
        return InvalidArgumentError(where + ": Labels dtype should be integer. Instead got " +
                                    DtypeRepr(tensor.dtype()) + ".");
      }
      for (int64_t i = 0; i < size; ++i) {
        const double id = tensor.ElementAsDouble(i);
        if (id < 0) return InvalidArgumentError(example_name(i) + ": Labels must >= 0: label " + Integer(tensor, i));
        if (id >= n_classes_) {
          return InvalidArgumentError(example_name(i) + ": Labels must <= n_classes - 1: label " + Integer(tensor, i) +
                                      ", n_classes " + std::to_string(n_classes_));
        }
        (*labels)[static_cast<size_t>(i)] = static_cast<float>(id);
      }
    } else {
      const DataType dtype = tensor.dtype();
      if (!IsInteger(dtype) && dtype != DataType::kFloat && dtype != DataType::kDouble) {
        return InvalidArgumentError(where + ": Cast " + std::string(DataTypeEnumName(dtype)) +
                                    " to float is not supported");
      }
      for (int64_t i = 0; i < size; ++i)
        (*labels)[static_cast<size_t>(i)] = static_cast<float>(tensor.ElementAsDouble(i));
    }
    features->dense.erase(it);
    return OkStatus();
  }

 private:
  LabelReader() = default;

  // An integer label as written (an int64 is not always exact as a double).
  static std::string Integer(const Tensor& tensor, int64_t i) {
    return tensor.dtype() == DataType::kInt64 ? std::to_string(tensor.flat<int64_t>()[static_cast<size_t>(i)])
                                              : std::to_string(tensor.flat<int32_t>()[static_cast<size_t>(i)]);
  }

  std::string column_;
  int n_classes_ = 0;
  std::map<std::string, float, std::less<>> ids_;  // the vocabulary: name -> class id
};

// Rows `rows` of `tensor` ([num_rows, ...]), in that order.
StatusOr<Tensor> GatherRows(const Tensor& tensor, int64_t num_rows, std::span<const int64_t> rows) {
  TensorShape shape = tensor.shape();
  shape[0] = static_cast<int64_t>(rows.size());
  const size_t width = static_cast<size_t>(tensor.num_elements() / num_rows);
  if (tensor.dtype() == DataType::kString) {
    std::vector<std::string> values;
    values.reserve(rows.size() * width);
    for (const int64_t row : rows) {
      const auto first = tensor.strings().begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(row) * width);
      values.insert(values.end(), first, first + static_cast<std::ptrdiff_t>(width));
    }
    return Tensor::FromStrings(std::move(shape), std::move(values));
  }
  const size_t row_bytes = width * DataTypeSize(tensor.dtype());
  std::string bytes(rows.size() * row_bytes, '\0');
  for (size_t i = 0; i < rows.size(); ++i) {
    std::memcpy(bytes.data() + i * row_bytes, tensor.bytes().data() + static_cast<size_t>(rows[i]) * row_bytes,
                row_bytes);
  }
  return Tensor::FromBytes(tensor.dtype(), std::move(shape), std::move(bytes));
}

}  // namespace

DataType LabelDtype(const LabelOptions& labels) {
  if (!labels.vocabulary.empty()) return DataType::kString;
  return labels.n_classes > 0 ? DataType::kInt64 : DataType::kFloat;
}

// ---------------------------------------------------------------------------
// FeatureBatches

struct FeatureBatches::Rep {
  ParsedFeatures features;  // without the label feature
  std::vector<float> labels;
  BatchOptions options;
  std::vector<int64_t> order;  // this epoch's
  size_t position = 0;
  int64_t epoch = 0;
};

FeatureBatches::FeatureBatches(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
FeatureBatches::~FeatureBatches() = default;

StatusOr<std::unique_ptr<FeatureBatches>> FeatureBatches::Create(ParsedFeatures features, std::string source,
                                                                 const BatchOptions& options,
                                                                 const LabelOptions& labels) {
  TFCOMPAT_RETURN_IF_ERROR(CheckBatchOptions(options));
  TFCOMPAT_ASSIGN_OR_RETURN(LabelReader reader, LabelReader::Create(labels));
  const int64_t rows = features.batch_size;
  if (rows < 1) return InvalidArgumentError(source + ": no examples to batch");
  if (!features.sparse.empty()) {
    return InvalidArgumentError(source + ": feature '" + features.sparse.begin()->first +
                                "' is sparse; batches in memory slice dense features only");
  }
  for (const auto& [key, tensor] : features.dense) {
    if (tensor.shape().empty() || tensor.shape()[0] != rows) {
      return InvalidArgumentError(source + ": feature '" + key + "' has shape " + ShapeDebugString(tensor.shape()) +
                                  ", expected " + std::to_string(rows) + " rows");
    }
  }
  auto rep = std::make_unique<Rep>();
  TFCOMPAT_RETURN_IF_ERROR(reader.Take(
      &features, source, [&source](int64_t i) { return source + ":record " + std::to_string(i); }, &rep->labels));
  rep->features = std::move(features);
  rep->options = options;
  rep->order.resize(static_cast<size_t>(rows));
  EpochOrder(options, 0, &rep->order);
  return std::unique_ptr<FeatureBatches>(new FeatureBatches(std::move(rep)));
}

Status FeatureBatches::Next(Batch* batch) {
  Rep& rep = *rep_;
  std::vector<int64_t> rows;
  rows.reserve(static_cast<size_t>(rep.options.batch_size));
  while (static_cast<int64_t>(rows.size()) < rep.options.batch_size) {
    if (rep.position == rep.order.size()) {
      if (rep.options.num_epochs != 0 && rep.epoch + 1 >= rep.options.num_epochs) break;
      EpochOrder(rep.options, ++rep.epoch, &rep.order);
      rep.position = 0;
    }
    rows.push_back(rep.order[rep.position++]);
  }
  if (rows.empty()) return OutOfRangeError("End of sequence");

  batch->feature_names = NoFeatureNames();
  batch->size = static_cast<int64_t>(rows.size());
  batch->features.clear();
  batch->typed_features = ParsedFeatures{};
  batch->typed_features.batch_size = batch->size;
  for (const auto& [key, tensor] : rep.features.dense) {
    TFCOMPAT_ASSIGN_OR_RETURN(batch->typed_features.dense[key], GatherRows(tensor, rep.features.batch_size, rows));
  }
  batch->labels.clear();
  if (!rep.labels.empty()) {
    for (const int64_t row : rows) batch->labels.push_back(rep.labels[static_cast<size_t>(row)]);
  }
  return OkStatus();
}

// ---------------------------------------------------------------------------
// ExampleBatches

struct ExampleBatches::Rep {
  std::unique_ptr<ExampleDataset> dataset;
  LabelReader labels;
};

ExampleBatches::ExampleBatches(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
ExampleBatches::~ExampleBatches() = default;

StatusOr<std::unique_ptr<ExampleBatches>> ExampleBatches::Create(std::unique_ptr<ExampleDataset> dataset,
                                                                 const LabelOptions& labels) {
  if (dataset == nullptr) return InvalidArgumentError("ExampleBatches needs a dataset");
  TFCOMPAT_ASSIGN_OR_RETURN(LabelReader reader, LabelReader::Create(labels));
  return std::unique_ptr<ExampleBatches>(new ExampleBatches(std::make_unique<Rep>(Rep{std::move(dataset), reader})));
}

Status ExampleBatches::Next(Batch* batch) {
  const ExampleDataset& dataset = *rep_->dataset;
  TFCOMPAT_RETURN_IF_ERROR(rep_->dataset->Next(&batch->typed_features));
  batch->feature_names = NoFeatureNames();
  batch->size = batch->typed_features.batch_size;
  batch->features.clear();
  return rep_->labels.Take(
      &batch->typed_features, dataset.RecordName(0), [&dataset](int64_t i) { return dataset.RecordName(i); },
      &batch->labels);
}

}  // namespace tfcompat::data
