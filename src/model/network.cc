// SPDX-License-Identifier: Apache-2.0
#include "model/network.h"

#include <algorithm>
#include <cmath>
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
  return ForwardInput(input_, params, dropout_rng);
}

const Matrix* Network::ForwardInput(const Matrix& input, std::span<const float> params, Random* dropout_rng) {
  last_input_ = &input;
  dropout_active_ = dropout_rng != nullptr && dropout_.has_value() && *dropout_ > 0.0f;
  const Matrix* x = &input;
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

void Network::Backward(std::span<const float> params, Matrix* d_logits, std::span<float> grads, Matrix* d_input) {
  std::swap(grad_, *d_logits);
  for (size_t k = layers_.size(); k-- > 0;) {
    const bool dropped_input = dropout_active_ && k > 0;
    const Matrix& x = k == 0 ? *last_input_ : (dropped_input ? dropped_[k - 1] : outputs_[k - 1]);
    layers_[k].Backward(params, x, outputs_[k], &grad_, grads, k == 0 ? d_input : &grad_input_);
    if (k == 0) break;
    std::swap(grad_, grad_input_);
    // x = a * mask, so dL/da = dL/dx * mask.
    if (dropped_input) grad_.array() *= masks_[k - 1].array();
  }
  std::swap(grad_, *d_logits);
}

StatusOr<std::vector<DenseLayer>> AddDnnLayers(int64_t in, const std::vector<int64_t>& hidden_units,
                                               Activation activation, int64_t logits_units, std::string_view slot_infix,
                                               VariableStore* store) {
  std::vector<DenseLayer> layers;
  const size_t num_layers = hidden_units.size() + 1;
  for (size_t i = 0; i < num_layers; ++i) {
    const bool logits = i + 1 == num_layers;
    const int64_t out = logits ? logits_units : hidden_units[i];
    if (out <= 0) return InvalidArgumentError("hidden_units must be positive, got " + std::to_string(out));
    const std::string scope = DnnLayerScope(i, num_layers);
    TFCOMPAT_ASSIGN_OR_RETURN(const size_t kernel, store->AddTrainable(scope + "/kernel", {in, out}, slot_infix));
    TFCOMPAT_ASSIGN_OR_RETURN(const size_t bias, store->AddTrainable(scope + "/bias", {out}, slot_infix));
    layers.push_back({kernel, bias, in, out, logits ? Activation::kLinear : activation});
    in = out;
  }
  return layers;
}

std::string DnnLayerScope(size_t i, size_t num_layers) {
  return i + 1 == num_layers ? "dnn/logits" : "dnn/hiddenlayer_" + std::to_string(i);
}

void InitializeDnnKernels(std::span<const DenseLayer> layers, uint64_t seed, VariableStore* store) {
  for (size_t i = 0; i < layers.size(); ++i) {
    const DenseLayer& layer = layers[i];
    const float limit = std::sqrt(6.0f / static_cast<float>(layer.in + layer.out));
    Random random(SeedFor(seed, DnnLayerScope(i, layers.size()) + "/kernel"));
    for (float& w : store->params().subspan(layer.kernel_offset, static_cast<size_t>(layer.in * layer.out))) {
      w = limit * (2.0f * random.Uniform() - 1.0f);
    }
  }
}

void TrainingSummaryRecorder::Record(std::span<const float> params, const StepLoss& loss) {
  last_loss_ = loss;
  if (spec_.bias_size == 0) return;
  const auto bias = params.subspan(spec_.bias_offset, spec_.bias_size);
  const auto weights = params.subspan(spec_.weights_offset, spec_.weights_size);
  linear_bias_.assign(bias.begin(), bias.end());
  linear_zero_fraction_ = weights.empty() ? 0.0f
                                          : static_cast<float>(std::count(weights.begin(), weights.end(), 0.0f)) /
                                                static_cast<float>(weights.size());
}

std::vector<ModelSummary> TrainingSummaryRecorder::Summaries(const Network* network) const {
  std::vector<ModelSummary> summaries;
  if (!last_loss_.has_value()) return summaries;
  for (size_t i = 0; network != nullptr && i < spec_.layer_scopes.size(); ++i) {
    const Matrix& a = network->layer_output(i);
    const std::string& scope = spec_.layer_scopes[i];
    const float zeros = static_cast<float>((a.array() == 0.0f).count());
    summaries.push_back({scope + "/fraction_of_zero_values", zeros / static_cast<float>(a.size())});
    summaries.push_back({scope + "/activation", std::vector<double>(a.data(), a.data() + a.size())});
  }
  if (spec_.bias_size == 1) {
    summaries.push_back({"linear/bias", linear_bias_[0]});
  } else if (spec_.bias_size > 1) {
    summaries.push_back({"linear/bias", std::vector<double>(linear_bias_.begin(), linear_bias_.end())});
  }
  if (spec_.bias_size > 0) summaries.push_back({"linear/fraction_of_zero_weights", linear_zero_fraction_});
  // The head's mean loss, which it summarises only when the loss is a sum.
  if (reduction_ == LossReduction::kSum) {
    summaries.push_back({"average_loss", static_cast<float>(last_loss_->average_loss)});
  }
  return summaries;
}

}  // namespace tfcompat::model
