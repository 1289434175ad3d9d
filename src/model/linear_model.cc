// SPDX-License-Identifier: Apache-2.0
#include "model/linear_model.h"

#include <string>
#include <utility>

#include "model/input_layer.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {

using feature_column::Combiner;
using feature_column::FeatureColumn;
using feature_column::FeatureMap;
using feature_column::FloatTensor;
using Kind = FeatureColumn::Kind;

StatusOr<LinearModel> LinearModel::Create(std::vector<FeatureColumn> columns, int64_t units, Combiner sparse_combiner,
                                          std::string_view scope, std::string_view slot_infix, VariableStore* store) {
  TFCOMPAT_ASSIGN_OR_RETURN(columns, SortedByName(std::move(columns)));
  LinearModel model;
  model.units_ = units;
  for (size_t i = 0; i < columns.size(); ++i) {
    FeatureColumn& column = columns[i];
    if (column.kind() == Kind::kEmbedding) {
      return InvalidArgumentError("column '" + column.name() +
                                  "': an embedding column is not supported in the linear model; give the linear "
                                  "model its categorical column");
    }
    const int64_t rows =
        column.kind() == Kind::kNumeric ? column.dense_dimension() : column.categorical()->num_buckets();
    const size_t variable = store->num_trainables();
    TFCOMPAT_ASSIGN_OR_RETURN(const size_t offset, store->AddTrainable(std::string(scope) + column.name() + "/weights",
                                                                       {rows, units}, slot_infix));
    if (i == 0) model.weights_offset_ = offset;
    model.weights_size_ += static_cast<size_t>(rows * units);
    // An indicator column's weighted sum is the sum of its ids' rows.
    const Combiner combiner = column.kind() == Kind::kCategorical ? sparse_combiner : Combiner::kSum;
    model.columns_.push_back({std::move(column), variable, offset, EmbeddingLookup(rows, units, combiner), Matrix()});
  }
  TFCOMPAT_ASSIGN_OR_RETURN(model.bias_offset_,
                            store->AddTrainable(std::string(scope) + "bias_weights", {units}, slot_infix));
  return model;
}

Status LinearModel::Forward(const FeatureMap& features, int64_t batch_size, std::span<const float> params,
                            Matrix* logits) {
  logits->resize(batch_size, units_);
  logits->rowwise() = ConstMapRowVector(params.data() + bias_offset_, units_);
  for (Column& entry : columns_) {
    const FeatureColumn& column = entry.column;
    if (column.kind() == Kind::kNumeric) {
      TFCOMPAT_ASSIGN_OR_RETURN(const FloatTensor* values, feature_column::NumericValues(features, column, batch_size));
      const Eigen::Index dimension = column.dense_dimension();
      entry.numeric = ViewMatrix(values->values.data(), batch_size, dimension);
      if (column.normalizer_fn()) entry.numeric = entry.numeric.unaryExpr(column.normalizer_fn());
      logits->noalias() += entry.numeric * ViewMatrix(params, entry.offset, dimension, units_);
      continue;
    }
    TFCOMPAT_ASSIGN_OR_RETURN(const feature_column::SparseIds ids, column.categorical()->Transform(features));
    TFCOMPAT_RETURN_IF_ERROR(entry.lookup.Prepare(ids, batch_size, column.name()));
    entry.lookup.Forward(params.data() + entry.offset, logits, 0);
  }
  return OkStatus();
}

void LinearModel::Backward(const Matrix& d_logits, std::span<float> grads) {
  for (Column& entry : columns_) {
    if (entry.column.kind() == Kind::kNumeric) {
      const Eigen::Index dimension = entry.column.dense_dimension();
      ViewMatrix(grads, entry.offset, dimension, units_).noalias() = entry.numeric.transpose() * d_logits;
      continue;
    }
    entry.lookup.Backward(d_logits, 0, grads.data() + entry.offset);
  }
  MapRowVector(grads.data() + bias_offset_, units_) = d_logits.colwise().sum();
}

void LinearModel::AppendSparseRows(std::vector<SparseRows>* rows) const {
  for (const Column& entry : columns_) {
    if (entry.column.kind() == Kind::kCategorical) rows->push_back({entry.variable, entry.lookup.touched_rows()});
  }
}

}  // namespace tfcompat::model
