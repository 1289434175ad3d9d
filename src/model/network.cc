// SPDX-License-Identifier: Apache-2.0
#include "model/network.h"

#include <algorithm>
#include <string>
#include <utility>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {

Network::Network(std::vector<NumericColumn> columns, std::vector<DenseLayer> layers, std::optional<float> dropout)
    : columns_(std::move(columns)),
      layers_(std::move(layers)),
      dropout_(dropout),
      outputs_(layers_.size()),
      masks_(layers_.size()),
      dropped_(layers_.size()) {}

Status Network::GatherInput(const data::Batch& batch) {
  const size_t width = batch.feature_names->size();
  if (batch.feature_names != bound_names_) {
    column_index_.clear();
    for (const NumericColumn& column : columns_) {
      const auto& names = *batch.feature_names;
      const auto it = std::find(names.begin(), names.end(), column.key);
      if (it == names.end()) {
        return InvalidArgumentError("Feature " + column.key + " is not in features dictionary.");
      }
      column_index_.push_back(static_cast<size_t>(it - names.begin()));
    }
    bound_names_ = batch.feature_names;
  }
  if (batch.features.size() != static_cast<size_t>(batch.size) * width) {
    return InvalidArgumentError("batch of " + std::to_string(batch.size) + " examples has " +
                                std::to_string(batch.features.size()) + " feature values, expected " +
                                std::to_string(static_cast<size_t>(batch.size) * width));
  }
  const ConstMapMatrix features = ViewMatrix(batch.features.data(), batch.size, static_cast<Eigen::Index>(width));
  input_.resize(batch.size, static_cast<Eigen::Index>(columns_.size()));
  for (size_t j = 0; j < columns_.size(); ++j) {
    const Eigen::Index c = static_cast<Eigen::Index>(j);
    input_.col(c) = features.col(static_cast<Eigen::Index>(column_index_[j]));
    if (columns_[j].normalizer_fn) input_.col(c) = input_.col(c).unaryExpr(columns_[j].normalizer_fn);
  }
  return OkStatus();
}

StatusOr<const Matrix*> Network::Forward(const data::Batch& batch, std::span<const float> params, Random* dropout_rng) {
  TFCOMPAT_RETURN_IF_ERROR(GatherInput(batch));
  dropout_active_ = dropout_rng != nullptr && dropout_.has_value() && *dropout_ > 0.0f;
  const Matrix* x = &input_;
  for (size_t i = 0; i < layers_.size(); ++i) {
    layers_[i].Forward(params, *x, &outputs_[i]);
    x = &outputs_[i];
    if (dropout_active_ && i + 1 < layers_.size()) {
      const float keep = 1.0f - *dropout_;
      Matrix& mask = masks_[i];
      mask.resize(x->rows(), x->cols());
      for (float& m : mask.reshaped()) m = dropout_rng->Uniform() < keep ? 1.0f / keep : 0.0f;
      dropped_[i].resize(x->rows(), x->cols());
      dropped_[i].array() = x->array() * mask.array();
      x = &dropped_[i];
    }
  }
  return x;
}

void Network::Backward(std::span<const float> params, Matrix* d_logits, std::span<float> grads) {
  std::swap(grad_, *d_logits);
  for (size_t k = layers_.size(); k-- > 0;) {
    const bool dropped_input = dropout_active_ && k > 0;
    const Matrix& x = k == 0 ? input_ : (dropped_input ? dropped_[k - 1] : outputs_[k - 1]);
    layers_[k].Backward(params, x, outputs_[k], &grad_, grads, k == 0 ? nullptr : &grad_input_);
    if (k == 0) break;
    std::swap(grad_, grad_input_);
    // x = a * mask, so dL/da = dL/dx * mask.
    if (dropped_input) grad_.array() *= masks_[k - 1].array();
  }
  std::swap(grad_, *d_logits);
}

}  // namespace tfcompat::model
