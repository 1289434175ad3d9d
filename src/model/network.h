// SPDX-License-Identifier: Apache-2.0
// The input layer and a stack of dense layers: features -> logits.
//
// The input layer concatenates the numeric columns sorted by key, as TF's
// input_layer / linear_model do, so the rows of the first kernel follow the
// sorted column names. Dropout (rate r, training only) follows every hidden
// layer: kept units are scaled by 1 / (1 - r), as tf.layers.dropout does.
#ifndef TFCOMPAT_SRC_MODEL_NETWORK_H_
#define TFCOMPAT_SRC_MODEL_NETWORK_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "kernels/eigen_types.h"
#include "model/dense_layer.h"
#include "tfcompat/model/model.h"

namespace tfcompat::model {

class Network {
 public:
  // `columns` sorted by key (none when the input comes from ForwardInput);
  // the last layer produces the logits.
  Network(std::vector<NumericColumn> columns, std::vector<DenseLayer> layers, std::optional<float> dropout);

  // Logits [B, logits units] for the batch; `dropout_rng` is null outside
  // training. InvalidArgument when a feature column is missing from the batch.
  [[nodiscard]] StatusOr<const Matrix*> Forward(const data::Batch& batch, std::span<const float> params,
                                                Random* dropout_rng);
  // The same for an input [B, first layer's in] made elsewhere (a feature
  // column input layer), which must outlive the Backward call.
  const Matrix* ForwardInput(const Matrix& input, std::span<const float> params, Random* dropout_rng);

  // The output of layer `i` in the last Forward as the next layer saw it
  // (after dropout); [B, units].
  const Matrix& layer_output(size_t i) const {
    return dropout_active_ && i + 1 < layers_.size() ? dropped_[i] : outputs_[i];
  }

  // Backward pass of the last Forward: d_logits = dL/dlogits (consumed);
  // writes dL/dparams into grads, and dL/dinput into d_input when it is not
  // null.
  void Backward(std::span<const float> params, Matrix* d_logits, std::span<float> grads, Matrix* d_input = nullptr);

 private:
  [[nodiscard]] Status GatherInput(const data::Batch& batch);

  std::vector<NumericColumn> columns_;
  std::vector<DenseLayer> layers_;
  std::optional<float> dropout_;

  data::FeatureNames bound_names_;      // the batch layout column_index_ was built for
  std::vector<size_t> column_index_;    // input column j = batch feature column_index_[j]
  Matrix input_;                        // [B, #columns]
  const Matrix* last_input_ = nullptr;  // input_, or ForwardInput's input
  std::vector<Matrix> outputs_;         // a_i = f(z_i), one per layer
  std::vector<Matrix> masks_;           // dropout masks (0 or 1/(1-r)), hidden layers
  std::vector<Matrix> dropped_;         // a_i * mask_i, the next layer's input
  bool dropout_active_ = false;
  Matrix grad_, grad_input_;
};

// The DNN's dense layers with TF1's names, added to `store`: for each
// hidden layer i `dnn/hiddenlayer_<i>/kernel` [in, units] and `/bias`
// [units], then `dnn/logits/kernel` and `/bias` with `logits_units`;
// `in` inputs. Every variable starts at zero. InvalidArgument for a
// non-positive unit count.
[[nodiscard]] StatusOr<std::vector<DenseLayer>> AddDnnLayers(int64_t in, const std::vector<int64_t>& hidden_units,
                                                             Activation activation, int64_t logits_units,
                                                             std::string_view slot_infix, VariableStore* store);

// The variable scope of layer i of `num_layers` ("dnn/hiddenlayer_<i>", the
// last "dnn/logits").
std::string DnnLayerScope(size_t i, size_t num_layers);

// tf.compat.v1.glorot_uniform_initializer for every kernel: U(-limit, limit)
// with limit = sqrt(6 / (in + out)), seeded by `seed` and the kernel's name.
// Call once the store holds every variable (spans into it are stable then).
void InitializeDnnKernels(std::span<const DenseLayer> layers, uint64_t seed, VariableStore* store);

}  // namespace tfcompat::model

#endif  // TFCOMPAT_SRC_MODEL_NETWORK_H_
