// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/feature_column/feature_column.h"

#include <utility>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::feature_column {

struct FeatureColumn::Impl {
  Kind kind;
  std::string name;
  std::string key;  // numeric only
  int64_t dimension = 0;
  std::optional<float> default_value;
  std::optional<CategoricalColumn> categorical;
  Combiner combiner = Combiner::kSum;
  std::function<float(float)> normalizer_fn;  // numeric only
};

std::string_view CombinerName(Combiner combiner) {
  switch (combiner) {
    case Combiner::kSum:
      return "sum";
    case Combiner::kMean:
      return "mean";
    case Combiner::kSqrtn:
      return "sqrtn";
  }
  return "";
}

StatusOr<Combiner> ParseCombiner(std::string_view name) {
  for (Combiner combiner : {Combiner::kSum, Combiner::kMean, Combiner::kSqrtn}) {
    if (name == CombinerName(combiner)) return combiner;
  }
  return InvalidArgumentError("combiner must be one of 'mean', 'sqrtn' or 'sum', got '" + std::string(name) + "'");
}

StatusOr<FeatureColumn> FeatureColumn::Numeric(std::string key, int64_t dimension, std::optional<float> default_value,
                                               std::function<float(float)> normalizer_fn) {
  if (key.empty()) return InvalidArgumentError("numeric_column: key must be a non-empty string");
  if (dimension < 1) {
    return InvalidArgumentError("column '" + key + "': shape dimensions must be greater than 0. Given: (" +
                                std::to_string(dimension) + ",)");
  }
  std::string name = key;
  return FeatureColumn(
      std::make_shared<const Impl>(Impl{Kind::kNumeric, std::move(name), std::move(key), dimension, default_value,
                                        std::nullopt, Combiner::kSum, std::move(normalizer_fn)}));
}

StatusOr<std::vector<FeatureColumn>> NumericColumns(std::span<const std::string> keys) {
  std::vector<FeatureColumn> columns;
  for (const std::string& key : keys) {
    TFCOMPAT_ASSIGN_OR_RETURN(FeatureColumn column, FeatureColumn::Numeric(key));
    columns.push_back(std::move(column));
  }
  return columns;
}

FeatureColumn FeatureColumn::Categorical(CategoricalColumn column) {
  const int64_t buckets = column.num_buckets();
  std::string name = column.name();
  return FeatureColumn(std::make_shared<const Impl>(
      Impl{Kind::kCategorical, std::move(name), "", buckets, std::nullopt, std::move(column), Combiner::kSum, {}}));
}

StatusOr<FeatureColumn> FeatureColumn::Embedding(CategoricalColumn column, int64_t dimension, Combiner combiner) {
  std::string name = column.name() + "_embedding";
  if (dimension < 1) {
    return InvalidArgumentError("column '" + name + "': Invalid dimension " + std::to_string(dimension) + ".");
  }
  return FeatureColumn(std::make_shared<const Impl>(
      Impl{Kind::kEmbedding, std::move(name), "", dimension, std::nullopt, std::move(column), combiner, {}}));
}

FeatureColumn FeatureColumn::Indicator(CategoricalColumn column) {
  const int64_t buckets = column.num_buckets();
  std::string name = column.name() + "_indicator";
  return FeatureColumn(std::make_shared<const Impl>(
      Impl{Kind::kIndicator, std::move(name), "", buckets, std::nullopt, std::move(column), Combiner::kSum, {}}));
}

FeatureColumn::Kind FeatureColumn::kind() const { return impl_->kind; }
const std::string& FeatureColumn::name() const { return impl_->name; }
const std::string& FeatureColumn::key() const { return impl_->key; }
int64_t FeatureColumn::dense_dimension() const { return impl_->dimension; }
std::optional<float> FeatureColumn::default_value() const { return impl_->default_value; }
const std::function<float(float)>& FeatureColumn::normalizer_fn() const { return impl_->normalizer_fn; }
const CategoricalColumn* FeatureColumn::categorical() const {
  return impl_->categorical.has_value() ? &*impl_->categorical : nullptr;
}
Combiner FeatureColumn::combiner() const { return impl_->combiner; }

namespace {

bool SameSpec(const data::FeatureSpec& a, const data::FeatureSpec& b) {
  if (a.index() != b.index()) return false;
  if (const auto* var_a = std::get_if<data::VarLenFeature>(&a)) {
    return var_a->dtype == std::get<data::VarLenFeature>(b).dtype;
  }
  const auto& fixed_a = std::get<data::FixedLenFeature>(a);
  const auto& fixed_b = std::get<data::FixedLenFeature>(b);
  if (fixed_a.dtype != fixed_b.dtype || fixed_a.shape != fixed_b.shape) return false;
  return fixed_a.default_value == fixed_b.default_value;
}

}  // namespace

StatusOr<data::ExampleSpec> MakeParseExampleSpec(std::span<const FeatureColumn> columns) {
  data::ExampleSpec spec;
  for (const FeatureColumn& column : columns) {
    data::ExampleSpec own;
    if (column.kind() == FeatureColumn::Kind::kNumeric) {
      const int64_t dimension = column.dense_dimension();
      data::FixedLenFeature fixed{.shape = {dimension}, .dtype = DataType::kFloat};
      if (column.default_value().has_value()) {
        fixed.default_value = Tensor::FromVector<float>(DataType::kFloat, {dimension},
                                                        std::vector<float>(dimension, *column.default_value()));
      }
      own[column.key()] = std::move(fixed);
    } else {
      own = column.categorical()->parse_example_spec();
    }
    for (auto& [key, feature] : own) {
      const auto [it, inserted] = spec.emplace(key, feature);
      if (!inserted && !SameSpec(it->second, feature)) {
        return InvalidArgumentError("column '" + column.name() + "': feature '" + key +
                                    "' is read with different specs by two columns");
      }
    }
  }
  return spec;
}

namespace {

template <typename T>
FeatureTensor<T> DenseFromTensor(const Tensor& tensor, std::span<const T> values) {
  const int64_t rows = tensor.shape().empty() ? 0 : tensor.shape()[0];
  const int64_t cols = rows == 0 ? 0 : static_cast<int64_t>(values.size()) / rows;
  return FeatureTensor<T>::Dense(rows, cols, std::vector<T>(values.begin(), values.end()));
}

StatusOr<Feature> DenseFeature(const std::string& key, const Tensor& tensor) {
  if (tensor.shape().empty()) return InvalidArgumentError("feature '" + key + "' is a scalar, not a batch");
  switch (tensor.dtype()) {
    case DataType::kString:
      return Feature(DenseFromTensor<std::string>(tensor, tensor.strings()));
    case DataType::kInt64:
      return Feature(DenseFromTensor<int64_t>(tensor, tensor.flat<int64_t>()));
    case DataType::kFloat:
      return Feature(DenseFromTensor<float>(tensor, tensor.flat<float>()));
    default:
      return InvalidArgumentError("feature '" + key + "' has dtype " + std::string(DataTypeEnumName(tensor.dtype())) +
                                  "; feature columns read string, int64 and float features");
  }
}

template <typename T>
FeatureTensor<T> SparseFromTensors(std::vector<Index2> indices, std::span<const T> values, const Index2& shape) {
  return FeatureTensor<T>::Sparse(std::move(indices), std::vector<T>(values.begin(), values.end()), shape);
}

StatusOr<Feature> SparseFeatureOf(const std::string& key, const data::SparseFeature& sparse) {
  const auto bad = [&](const std::string& what) {
    return InvalidArgumentError("sparse feature '" + key + "': " + what);
  };
  if (sparse.indices.dtype() != DataType::kInt64 || sparse.dense_shape.dtype() != DataType::kInt64) {
    return bad("indices and dense_shape must be int64");
  }
  const std::span<const int64_t> shape = sparse.dense_shape.flat<int64_t>();
  if (shape.size() != 2) return bad("dense_shape has " + std::to_string(shape.size()) + " dims; expected 2");
  const std::span<const int64_t> flat = sparse.indices.flat<int64_t>();
  const size_t n = sparse.values.shape().empty() ? 0 : static_cast<size_t>(sparse.values.shape()[0]);
  if (flat.size() != 2 * n) {
    return bad(std::to_string(flat.size()) + " index values for " + std::to_string(n) + " values");
  }
  std::vector<Index2> indices(n);
  for (size_t i = 0; i < n; ++i) indices[i] = {flat[2 * i], flat[2 * i + 1]};
  const Index2 dense_shape = {shape[0], shape[1]};
  switch (sparse.values.dtype()) {
    case DataType::kString:
      return Feature(SparseFromTensors<std::string>(std::move(indices), sparse.values.strings(), dense_shape));
    case DataType::kInt64:
      return Feature(SparseFromTensors<int64_t>(std::move(indices), sparse.values.flat<int64_t>(), dense_shape));
    case DataType::kFloat:
      return Feature(SparseFromTensors<float>(std::move(indices), sparse.values.flat<float>(), dense_shape));
    default:
      return bad("values have dtype " + std::string(DataTypeEnumName(sparse.values.dtype())) +
                 "; feature columns read string, int64 and float features");
  }
}

}  // namespace

StatusOr<FeatureMap> BatchFeatures(const data::Batch& batch) {
  FeatureMap features;
  if (batch.feature_names != nullptr) {
    const std::vector<std::string>& names = *batch.feature_names;
    const size_t width = names.size();
    for (size_t j = 0; j < width; ++j) {
      std::vector<float> column(static_cast<size_t>(batch.size));
      for (int64_t b = 0; b < batch.size; ++b) column[b] = batch.features[static_cast<size_t>(b) * width + j];
      features[names[j]] = FloatTensor::Dense(batch.size, 1, std::move(column));
    }
  }
  for (const auto& [key, tensor] : batch.typed_features.dense) {
    StatusOr<Feature> feature = DenseFeature(key, tensor);
    if (!feature.ok()) return feature.status();
    features[key] = std::move(*feature);
  }
  for (const auto& [key, sparse] : batch.typed_features.sparse) {
    StatusOr<Feature> feature = SparseFeatureOf(key, sparse);
    if (!feature.ok()) return feature.status();
    features[key] = std::move(*feature);
  }
  return features;
}

StatusOr<const FloatTensor*> NumericValues(const FeatureMap& features, const FeatureColumn& column,
                                           int64_t batch_size) {
  const std::string prefix = "column '" + column.name() + "': ";
  const auto it = features.find(column.key());
  if (it == features.end()) {
    return InvalidArgumentError(prefix + "no feature '" + column.key() + "' in the batch");
  }
  const auto* tensor = std::get_if<FloatTensor>(&it->second);
  if (tensor == nullptr) {
    return InvalidArgumentError(prefix + "feature '" + column.key() + "' does not hold float values");
  }
  if (tensor->sparse) {
    return InvalidArgumentError(prefix + "feature '" + column.key() +
                                "' is sparse; a numeric column takes a dense tensor");
  }
  Status valid = tensor->Validate(column.key());
  if (!valid.ok()) return Status(valid.code(), prefix + valid.message());
  if (tensor->shape[0] != batch_size || tensor->shape[1] != column.dense_dimension()) {
    return InvalidArgumentError(prefix + "feature '" + column.key() + "' has shape [" +
                                std::to_string(tensor->shape[0]) + ", " + std::to_string(tensor->shape[1]) +
                                "]; expected [" + std::to_string(batch_size) + ", " +
                                std::to_string(column.dense_dimension()) + "]");
  }
  return tensor;
}

}  // namespace tfcompat::feature_column
