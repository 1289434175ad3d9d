// SPDX-License-Identifier: Apache-2.0
#include "model/input_layer.h"

#include <algorithm>
#include <string>
#include <utility>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {

using feature_column::FeatureColumn;
using feature_column::FeatureMap;
using feature_column::FloatTensor;
using feature_column::SparseIds;
using Kind = FeatureColumn::Kind;

StatusOr<std::vector<FeatureColumn>> SortedByName(std::vector<FeatureColumn> columns) {
  if (columns.empty()) return InvalidArgumentError("feature_columns must not be empty.");
  std::sort(columns.begin(), columns.end(),
            [](const FeatureColumn& a, const FeatureColumn& b) { return a.name() < b.name(); });
  for (size_t i = 1; i < columns.size(); ++i) {
    if (columns[i].name() == columns[i - 1].name()) {
      return InvalidArgumentError("Duplicate feature column name found for columns: " + columns[i].name() + " and " +
                                  columns[i].name() +
                                  ". This usually means that these columns refer to same base "
                                  "feature. Either one must be discarded or a duplicated but renamed item must be "
                                  "inserted in features dict.");
    }
  }
  return columns;
}

StatusOr<InputLayer> InputLayer::Create(std::vector<FeatureColumn> columns, std::string_view scope,
                                        std::string_view slot_infix, VariableStore* store) {
  TFCOMPAT_ASSIGN_OR_RETURN(columns, SortedByName(std::move(columns)));
  InputLayer layer;
  for (FeatureColumn& column : columns) {
    const bool dense = column.kind() != Kind::kCategorical || column.categorical()->is_bucketized();
    if (!dense) {
      return InvalidArgumentError(
          "Items of feature_columns must be a _DenseColumn. You can wrap a categorical column with an "
          "embedding_column or indicator_column. Given: " +
          column.name());
    }
    Column entry{column, layer.width_, -1};
    if (column.kind() == Kind::kEmbedding) {
      const int64_t rows = column.categorical()->num_buckets();
      const int64_t width = column.dense_dimension();
      const size_t variable = store->num_trainables();
      TFCOMPAT_ASSIGN_OR_RETURN(
          const size_t offset,
          store->AddTrainable(std::string(scope) + column.name() + "/embedding_weights", {rows, width}, slot_infix));
      entry.table = static_cast<int>(layer.tables_.size());
      layer.tables_.push_back({variable, offset, rows, width});
      layer.lookups_.emplace_back(rows, width, column.combiner());
    }
    layer.width_ += column.dense_dimension();
    layer.columns_.push_back(std::move(entry));
  }
  return layer;
}

namespace {

// Indicator (and bucketized) columns: per example, the count (or summed
// weight) of each id; negative ids are dropped.
Status AddMultiHot(const SparseIds& ids, const FeatureColumn& column, Eigen::Index first_col, Matrix* out) {
  const int64_t buckets = column.dense_dimension();
  const bool weighted = !ids.weights.empty();
  for (size_t i = 0; i < ids.ids.size(); ++i) {
    const int64_t id = ids.ids[i];
    if (id < 0) continue;
    const int64_t example = ids.indices[i][0];
    if (id >= buckets || example < 0 || example >= out->rows()) {
      return InvalidArgumentError("column '" + column.name() + "': id " + std::to_string(id) + " at index " +
                                  feature_column::IndexString(ids.indices[i]) + " is outside [" +
                                  std::to_string(out->rows()) + ", " + std::to_string(buckets) + "]");
    }
    (*out)(example, first_col + id) += weighted ? ids.weights[i] : 1.0f;
  }
  return OkStatus();
}

}  // namespace

Status InputLayer::Forward(const FeatureMap& features, int64_t batch_size, std::span<const float> params, Matrix* out) {
  out->setZero(batch_size, width_);
  for (const Column& entry : columns_) {
    const FeatureColumn& column = entry.column;
    if (column.kind() == Kind::kNumeric) {
      TFCOMPAT_ASSIGN_OR_RETURN(const FloatTensor* values, feature_column::NumericValues(features, column, batch_size));
      const Eigen::Index dimension = column.dense_dimension();
      auto block = out->middleCols(entry.first_col, dimension);
      block = ViewMatrix(values->values.data(), batch_size, dimension);
      if (column.normalizer_fn()) block = block.unaryExpr(column.normalizer_fn());
      continue;
    }
    TFCOMPAT_ASSIGN_OR_RETURN(const SparseIds ids, column.categorical()->Transform(features));
    if (entry.table < 0) {
      TFCOMPAT_RETURN_IF_ERROR(AddMultiHot(ids, column, entry.first_col, out));
      continue;
    }
    EmbeddingLookup& lookup = lookups_[static_cast<size_t>(entry.table)];
    TFCOMPAT_RETURN_IF_ERROR(lookup.Prepare(ids, batch_size, column.name()));
    lookup.Forward(params.data() + tables_[static_cast<size_t>(entry.table)].offset, out, entry.first_col);
  }
  return OkStatus();
}

void InputLayer::Backward(const Matrix& d_input, std::span<float> grads) {
  for (const Column& entry : columns_) {
    if (entry.table < 0) continue;
    const auto t = static_cast<size_t>(entry.table);
    lookups_[t].Backward(d_input, entry.first_col, grads.data() + tables_[t].offset);
  }
}

void InputLayer::AppendSparseRows(std::vector<SparseRows>* rows) const {
  for (size_t t = 0; t < tables_.size(); ++t) rows->push_back({tables_[t].variable, lookups_[t].touched_rows()});
}

}  // namespace tfcompat::model
