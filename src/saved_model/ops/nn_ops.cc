// SPDX-License-Identifier: Apache-2.0
// Layer pieces, float: BiasAdd, Relu, Softmax. Messages are those of TF's
// bias_op.cc and softmax_op.cc.
#include <algorithm>
#include <cmath>
#include <string>

#include "saved_model/ops/kernel.h"
#include "saved_model/ops/tensor_util.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

class BiasAddKernel final : public OpKernel {
 public:
  StatusOr<std::vector<StaticShape>> StaticShapes(std::span<const StaticShape> inputs) const override {
    const StaticShape& value = inputs[0];
    const StaticShape& bias = inputs[1];
    if (value.has_value() && value->size() < 2) {
      return InvalidArgumentError("Input tensor must be at least 2D: " + StaticShapeString(value));
    }
    if (bias.has_value() && bias->size() != 1) {
      return InvalidArgumentError("Biases must be 1D: " + StaticShapeString(bias));
    }
    if (value.has_value() && bias.has_value() && value->back() >= 0 && (*bias)[0] >= 0 && value->back() != (*bias)[0]) {
      return InvalidArgumentError("Must provide as many biases as the last dimension of the input tensor: " +
                                  StaticShapeString(bias) + " vs. " + StaticShapeString(value));
    }
    return std::vector<StaticShape>{value};
  }

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& value = *inputs[0];
    const Tensor& bias = *inputs[1];
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(value, DataType::kFloat, "value"));
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(bias, DataType::kFloat, "bias"));
    if (value.shape().size() < 2) {
      return InvalidArgumentError("Input tensor must be at least 2D: " + ShapeDebugString(value.shape()));
    }
    if (bias.shape().size() != 1) return InvalidArgumentError("Biases must be 1D: " + ShapeDebugString(bias.shape()));
    if (bias.shape()[0] != value.shape().back()) {
      return InvalidArgumentError("Must provide as many biases as the last dimension of the input tensor: " +
                                  ShapeDebugString(bias.shape()) + " vs. " + ShapeDebugString(value.shape()));
    }
    TFCOMPAT_RETURN_IF_ERROR(outputs[0].Reset(DataType::kFloat, value.shape()));
    const std::span<float> out = outputs[0].mutable_flat<float>();
    const std::span<const float> x = value.flat<float>(), b = bias.flat<float>();
    for (size_t row = 0; !b.empty() && row < out.size(); row += b.size()) {
      for (size_t i = 0; i < b.size(); ++i) out[row + i] = x[row + i] + b[i];
    }
    return OkStatus();
  }
};

// For the ops whose output has their input's shape.
class SameShapeKernel : public OpKernel {
 public:
  StatusOr<std::vector<StaticShape>> StaticShapes(std::span<const StaticShape> inputs) const override {
    return std::vector<StaticShape>{inputs[0]};
  }
};

class ReluKernel final : public SameShapeKernel {
 public:
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(*inputs[0], DataType::kFloat, "features"));
    TFCOMPAT_RETURN_IF_ERROR(outputs[0].Reset(DataType::kFloat, inputs[0]->shape()));
    std::transform(inputs[0]->flat<float>().begin(), inputs[0]->flat<float>().end(),
                   outputs[0].mutable_flat<float>().begin(), [](float v) { return std::max(v, 0.0f); });
    return OkStatus();
  }
};

class SoftmaxKernel final : public SameShapeKernel {
 public:
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& logits = *inputs[0];
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(logits, DataType::kFloat, "logits"));
    if (logits.shape().empty()) {
      return InvalidArgumentError("logits must have >= 1 dimension, got " + ShapeDebugString(logits.shape()));
    }
    TFCOMPAT_RETURN_IF_ERROR(CopyReshaped(logits, logits.shape(), &outputs[0]));
    const int64_t depth = logits.shape().back();
    const std::span<float> values = outputs[0].mutable_flat<float>();
    // TF's order: subtract the row's maximum, exponentiate, divide by the sum.
    for (size_t row = 0; depth > 0 && row < values.size(); row += depth) {
      const std::span<float> x = values.subspan(row, depth);
      const float max = *std::max_element(x.begin(), x.end());
      float sum = 0.0f;
      for (float& v : x) {
        v = std::exp(v - max);
        sum += v;
      }
      for (float& v : x) v /= sum;
    }
    return OkStatus();
  }
};

template <typename Kernel>
KernelFactory FloatKernel() {
  return [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
    TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("T", {DataType::kFloat}).status());
    return std::unique_ptr<OpKernel>(new Kernel);
  };
}

}  // namespace

void RegisterNnOps(KernelRegistry* registry) {
  registry->Register({.op = "BiasAdd",
                      .num_inputs = 2,
                      .attrs = {"T", "data_format"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_ASSIGN_OR_RETURN(const std::string format, attrs.String("data_format", "NHWC"));
                        if (format != "NHWC") return attrs.Unsupported("data_format", "only NHWC");
                        return FloatKernel<BiasAddKernel>()(attrs);
                      }});
  registry->Register({.op = "Relu", .num_inputs = 1, .attrs = {"T"}, .factory = FloatKernel<ReluKernel>()});
  registry->Register({.op = "Softmax", .num_inputs = 1, .attrs = {"T"}, .factory = FloatKernel<SoftmaxKernel>()});
}

}  // namespace tfcompat::saved_model
