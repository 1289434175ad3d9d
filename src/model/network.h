// SPDX-License-Identifier: Apache-2.0
// The input layer and a stack of dense layers: features -> logits.
//
// The input layer concatenates the numeric columns sorted by key, as TF's
// input_layer / linear_model do, so the rows of the first kernel follow the
// sorted column names. Dropout (rate r, training only) follows every hidden
// layer: kept units are scaled by 1 / (1 - r), as tf.layers.dropout does.
#ifndef TFCOMPAT_SRC_MODEL_NETWORK_H_
#define TFCOMPAT_SRC_MODEL_NETWORK_H_

#include <functional>
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

// A numeric feature of one value per example, read straight from the
// batch's float features: numeric_column(key) with its normalizer_fn, the
// canned models' input when every column is one.
struct NumericColumn {
  std::string key;
  std::function<float(float)> normalizer_fn;  // empty: identity
};

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

// What a canned model_fn summarises while training (Model::TrainingSummaries):
// the DNN its layers' outputs, the linear model its weights, the head its
// mean loss.
struct SummarySpec {
  // DNN: the name scope of each layer's summaries ("dnn/dnn/hiddenlayer_0",
  // ..., "dnn/dnn/logits"); none for wide & deep, which adds none.
  std::vector<std::string> layer_scopes;
  // Linear: where the weights (every column's) and the bias lie in the
  // parameter block; bias_size 0 without linear summaries.
  size_t weights_offset = 0;
  size_t weights_size = 0;
  size_t bias_offset = 0;
  size_t bias_size = 0;
};

class TrainingSummaryRecorder {
 public:
  TrainingSummaryRecorder(SummarySpec spec, LossReduction reduction) : spec_(std::move(spec)), reduction_(reduction) {}

  // After a training step's forward pass: TF reads the linear summaries in
  // the step's session.run, before the update the trainer applies later.
  void Record(std::span<const float> params, const StepLoss& loss);

  // The last recorded step's summaries; `network` the DNN whose layer
  // outputs spec.layer_scopes name (null without them).
  std::vector<ModelSummary> Summaries(const Network* network) const;

 private:
  SummarySpec spec_;
  LossReduction reduction_;
  std::optional<StepLoss> last_loss_;
  std::vector<float> linear_bias_;
  float linear_zero_fraction_ = 0;
};

}  // namespace tfcompat::model

#endif  // TFCOMPAT_SRC_MODEL_NETWORK_H_
