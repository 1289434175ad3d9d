// SPDX-License-Identifier: Apache-2.0
// Matrix products and reductions: MatMul (float, on kernels::Gemm), ArgMax,
// Sum and Prod (float, int32, int64, over any axes), AddN (float), and
// Bucketize. Messages are those of TF's matmul_op.cc, argmax_op.cc,
// reduction_ops_common.cc, aggregate_ops.cc and bucketize_op.cc.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "kernels/gemm.h"
#include "saved_model/ops/kernel.h"
#include "saved_model/ops/tensor_util.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

// MatMul; and, fused by the planner (FuseMatMulBiasAdd), the BiasAdd that
// reads its product and the Relu that reads that: a third input, the bias,
// added as Gemm stores the product, and the activation applied there.
class MatMulKernel final : public OpKernel {
 public:
  MatMulKernel(bool transpose_a, bool transpose_b, uint64_t max_bytes)
      : transpose_a_(transpose_a), transpose_b_(transpose_b), max_bytes_(max_bytes) {}

  std::unique_ptr<OpKernel> WithBiasAdd(bool relu) const {
    auto fused = std::make_unique<MatMulKernel>(*this);
    fused->bias_ = true;
    fused->activation_ = relu ? kernels::GemmActivation::kRelu : kernels::GemmActivation::kNone;
    return fused;
  }

  StatusOr<std::vector<StaticShape>> StaticShapes(std::span<const StaticShape> inputs) const override {
    const StaticShape& a = inputs[0];
    const StaticShape& b = inputs[1];
    if (!a.has_value() || !b.has_value()) return std::vector<StaticShape>{};
    for (int i = 0; i < 2; ++i) {
      if (inputs[i]->size() != 2) {
        return InvalidArgumentError("In[" + std::to_string(i) + "] is not a matrix. Instead it has shape " +
                                    StaticShapeString(inputs[i]));
      }
    }
    const int64_t k = (*a)[transpose_a_ ? 0 : 1], b_rows = (*b)[transpose_b_ ? 1 : 0];
    if (k >= 0 && b_rows >= 0 && k != b_rows) {
      return InvalidArgumentError("Matrix size-incompatible: In[0]: " + StaticShapeString(a) +
                                  ", In[1]: " + StaticShapeString(b));
    }
    return std::vector<StaticShape>{TensorShape{(*a)[transpose_a_ ? 1 : 0], (*b)[transpose_b_ ? 0 : 1]}};
  }

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& a = *inputs[0];
    const Tensor& b = *inputs[1];
    for (int i = 0; i < 2; ++i) {
      TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(*inputs[i], DataType::kFloat, i == 0 ? "In[0]" : "In[1]"));
      if (inputs[i]->shape().size() != 2) {
        return InvalidArgumentError("In[" + std::to_string(i) + "] is not a matrix. Instead it has shape " +
                                    ShapeDebugString(inputs[i]->shape()));
      }
    }
    const int64_t m = a.shape()[transpose_a_ ? 1 : 0], k = a.shape()[transpose_a_ ? 0 : 1];
    const int64_t b_rows = b.shape()[transpose_b_ ? 1 : 0], n = b.shape()[transpose_b_ ? 0 : 1];
    if (k != b_rows) {
      return InvalidArgumentError("Matrix size-incompatible: In[0]: " + ShapeDebugString(a.shape()) +
                                  ", In[1]: " + ShapeDebugString(b.shape()));
    }
    kernels::GemmOptions options{.activation = activation_};
    if (bias_) {
      // BiasAdd's checks, in its words.
      const Tensor& bias = *inputs[2];
      TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(bias, DataType::kFloat, "bias"));
      if (bias.shape().size() != 1) return InvalidArgumentError("Biases must be 1D: " + ShapeDebugString(bias.shape()));
      if (bias.shape()[0] != n) {
        return InvalidArgumentError("Must provide as many biases as the last dimension of the input tensor: " +
                                    ShapeDebugString(bias.shape()) + " vs. " + ShapeDebugString(TensorShape{m, n}));
      }
      options.bias = bias.flat<float>().data();
    }
    const std::array<int64_t, 2> shape = {m, n};
    TFCOMPAT_RETURN_IF_ERROR(AllocateOutput(DataType::kFloat, shape, max_bytes_, &outputs[0]));
    Tensor& product = outputs[0];
    if (m > 0 && n > 0) {
      // A stored transposed is the same memory read with swapped strides.
      const kernels::ConstStridedMatrix a_view = transpose_a_
                                                     ? kernels::ConstStridedMatrix{a.flat<float>().data(), 1, m}
                                                     : kernels::ConstStridedMatrix{a.flat<float>().data(), k, 1};
      const kernels::ConstStridedMatrix b_view = transpose_b_
                                                     ? kernels::ConstStridedMatrix{b.flat<float>().data(), 1, k}
                                                     : kernels::ConstStridedMatrix{b.flat<float>().data(), n, 1};
      // k == 0 ([m,0] x [0,n]) stores f(bias), or zeros.
      kernels::Gemm(m, n, k, a_view, b_view, {product.mutable_flat<float>().data(), n, 1}, options);
    }
    return OkStatus();
  }

 private:
  bool transpose_a_, transpose_b_;
  uint64_t max_bytes_;
  bool bias_ = false;
  kernels::GemmActivation activation_ = kernels::GemmActivation::kNone;
};

class ArgMaxKernel final : public OpKernel {
 public:
  explicit ArgMaxKernel(DataType output_type) : output_type_(output_type) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& input = *inputs[0];
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(input, DataType::kFloat, "input"));
    TFCOMPAT_ASSIGN_OR_RETURN(int64_t axis, IndexScalar(*inputs[1], "dimension"));
    const TensorShape& shape = input.shape();
    const auto rank = static_cast<int64_t>(shape.size());
    if (axis < -rank || axis >= rank) {
      return InvalidArgumentError("Expected dimension in the range [" + std::to_string(-rank) + ", " +
                                  std::to_string(rank) + "), but got " + std::to_string(axis));
    }
    if (axis < 0) axis += rank;
    if (shape[axis] == 0) {
      return InvalidArgumentError("Reduction axis " + std::to_string(axis) + " is empty in shape " +
                                  ShapeDebugString(shape));
    }
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= shape[d];
    for (int64_t d = axis + 1; d < rank; ++d) inner *= shape[d];
    const int64_t length = shape[axis];
    InlineIndices output_shape(shape.begin(), shape.end());
    output_shape.erase(output_shape.begin() + axis);
    InlineIndices result(outer * inner);
    const std::span<const float> values = input.flat<float>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const float* row = values.data() + o * length * inner + i;
        int64_t best = 0;
        // The first of equal maxima, as Eigen's argmax.
        for (int64_t j = 1; j < length; ++j) {
          if (row[j * inner] > row[best * inner]) best = j;
        }
        result[o * inner + i] = best;
      }
    }
    return SetIndexTensor(output_type_, output_shape, result, &outputs[0]);
  }

 private:
  DataType output_type_;
};

enum class Reduction { kSum, kProd };

template <typename T>
class ReductionKernel final : public OpKernel {
 public:
  ReductionKernel(Reduction reduction, DataType dtype, bool keep_dims)
      : reduction_(reduction), dtype_(dtype), keep_dims_(keep_dims) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& input = *inputs[0];
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(input, dtype_, "input"));
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices axes, IndexVector(*inputs[1], "reduction_indices"));
    const TensorShape& shape = input.shape();
    const auto rank = static_cast<int64_t>(shape.size());
    std::vector<bool> reduced(rank, false);
    for (const int64_t axis : axes) {
      if (axis < -rank || axis >= rank) {
        return InvalidArgumentError("Invalid reduction dimension (" + std::to_string(axis) + " for input with " +
                                    std::to_string(rank) + " dimension(s)");
      }
      reduced[axis < 0 ? axis + rank : axis] = true;
    }
    TensorShape kept, out_shape;
    for (int64_t d = 0; d < rank; ++d) {
      kept.push_back(reduced[d] ? 1 : shape[d]);
      if (!reduced[d]) out_shape.push_back(shape[d]);
    }
    TFCOMPAT_ASSIGN_OR_RETURN(Tensor result, Tensor::Zeros(dtype_, keep_dims_ ? kept : out_shape));
    const std::span<T> out = result.mutable_flat<T>();
    std::fill(out.begin(), out.end(), reduction_ == Reduction::kSum ? T(0) : T(1));
    // Each input element adds into (or multiplies) the output element of its
    // coordinates with the reduced ones set to 0, walked in row-major order.
    const InlineIndices out_strides = Strides(kept);
    std::vector<int64_t> coordinate(rank, 0);
    const std::span<const T> values = input.flat<T>();
    for (size_t i = 0; i < values.size(); ++i) {
      int64_t at = 0;
      for (int64_t d = 0; d < rank; ++d) at += reduced[d] ? 0 : coordinate[d] * out_strides[d];
      out[at] = reduction_ == Reduction::kSum ? out[at] + values[i] : out[at] * values[i];
      for (int64_t d = rank - 1; d >= 0 && ++coordinate[d] == shape[d]; --d) coordinate[d] = 0;
    }
    outputs[0] = std::move(result);
    return OkStatus();
  }

 private:
  Reduction reduction_;
  DataType dtype_;
  bool keep_dims_;
};

KernelFactory Reduce(Reduction reduction) {
  return [reduction](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
    TFCOMPAT_ASSIGN_OR_RETURN(const DataType type,
                              attrs.TypeIn("T", {DataType::kFloat, DataType::kInt32, DataType::kInt64}));
    TFCOMPAT_ASSIGN_OR_RETURN(const bool keep_dims, attrs.Bool("keep_dims", false));
    switch (type) {
      case DataType::kFloat:
        return std::unique_ptr<OpKernel>(new ReductionKernel<float>(reduction, type, keep_dims));
      case DataType::kInt32:
        return std::unique_ptr<OpKernel>(new ReductionKernel<int32_t>(reduction, type, keep_dims));
      default:
        return std::unique_ptr<OpKernel>(new ReductionKernel<int64_t>(reduction, type, keep_dims));
    }
  };
}

class AddNKernel final : public OpKernel {
 public:
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    for (size_t i = 0; i < inputs.size(); ++i) {
      TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(*inputs[i], DataType::kFloat, "inputs"));
      if (inputs[i]->shape() != inputs[0]->shape()) {
        return InvalidArgumentError(
            "Inputs to operation AddN of type AddN must have the same size and shape.  Input 0: " +
            ShapeDebugString(inputs[0]->shape()) + " != input " + std::to_string(i) + ": " +
            ShapeDebugString(inputs[i]->shape()));
      }
    }
    TFCOMPAT_ASSIGN_OR_RETURN(Tensor sum, Tensor::Zeros(DataType::kFloat, inputs[0]->shape()));
    const std::span<float> out = sum.mutable_flat<float>();
    for (const Tensor* input : inputs) {
      const std::span<const float> values = input->flat<float>();
      for (size_t j = 0; j < out.size(); ++j) out[j] += values[j];
    }
    outputs[0] = std::move(sum);
    return OkStatus();
  }
};

// Bucketize: each value's bucket, the number of boundaries at or below it
// (std::upper_bound, as TF's kernel), so a value equal to a boundary falls in
// the bucket that boundary opens; int32 of the input's shape.
template <typename T>
class BucketizeKernel final : public OpKernel {
 public:
  BucketizeKernel(DataType dtype, std::vector<float> boundaries) : dtype_(dtype), boundaries_(std::move(boundaries)) {}

  StatusOr<std::vector<StaticShape>> StaticShapes(std::span<const StaticShape> inputs) const override {
    return std::vector<StaticShape>{inputs[0]};
  }

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(*inputs[0], dtype_, "input"));
    TFCOMPAT_ASSIGN_OR_RETURN(outputs[0], Tensor::Zeros(DataType::kInt32, inputs[0]->shape()));
    const std::span<const T> values = inputs[0]->flat<T>();
    const std::span<int32_t> buckets = outputs[0].mutable_flat<int32_t>();
    for (size_t i = 0; i < values.size(); ++i) {
      buckets[i] = static_cast<int32_t>(std::upper_bound(boundaries_.begin(), boundaries_.end(), values[i]) -
                                        boundaries_.begin());
    }
    return OkStatus();
  }

 private:
  DataType dtype_;
  std::vector<float> boundaries_;
};

}  // namespace

std::unique_ptr<OpKernel> FuseMatMulBiasAdd(const OpKernel& matmul, bool relu) {
  const auto* kernel = dynamic_cast<const MatMulKernel*>(&matmul);
  return kernel != nullptr ? kernel->WithBiasAdd(relu) : nullptr;
}

void RegisterMathOps(KernelRegistry* registry) {
  registry->Register({.op = "MatMul",
                      .num_inputs = 2,
                      .attrs = {"T", "transpose_a", "transpose_b", "grad_a", "grad_b"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("T", {DataType::kFloat}).status());
                        TFCOMPAT_ASSIGN_OR_RETURN(const bool transpose_a, attrs.Bool("transpose_a", false));
                        TFCOMPAT_ASSIGN_OR_RETURN(const bool transpose_b, attrs.Bool("transpose_b", false));
                        return std::unique_ptr<OpKernel>(
                            new MatMulKernel(transpose_a, transpose_b, attrs.max_tensor_bytes()));
                      }});
  registry->Register({.op = "ArgMax",
                      .num_inputs = 2,
                      .attrs = {"T", "Tidx", "output_type"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("T", {DataType::kFloat}).status());
                        TFCOMPAT_ASSIGN_OR_RETURN(
                            const DataType output_type,
                            attrs.TypeIn("output_type", {DataType::kInt32, DataType::kInt64}, DataType::kInt64));
                        return std::unique_ptr<OpKernel>(new ArgMaxKernel(output_type));
                      }});
  registry->Register({.op = "AddN",
                      .num_inputs = OpSpec::kFromAttrN,
                      .attrs = {"N", "T"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("T", {DataType::kFloat}).status());
                        return std::unique_ptr<OpKernel>(new AddNKernel);
                      }});
  registry->Register(
      {.op = "Sum", .num_inputs = 2, .attrs = {"T", "Tidx", "keep_dims"}, .factory = Reduce(Reduction::kSum)});
  registry->Register(
      {.op = "Prod", .num_inputs = 2, .attrs = {"T", "Tidx", "keep_dims"}, .factory = Reduce(Reduction::kProd)});
  registry->Register({.op = "Bucketize",
                      .num_inputs = 1,
                      .attrs = {"T", "boundaries"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_ASSIGN_OR_RETURN(const DataType type,
                                                  attrs.TypeIn("T", {DataType::kInt32, DataType::kInt64,
                                                                     DataType::kFloat, DataType::kDouble}));
                        TFCOMPAT_ASSIGN_OR_RETURN(std::vector<float> boundaries, attrs.FloatList("boundaries"));
                        if (!std::is_sorted(boundaries.begin(), boundaries.end()))
                          return attrs.Error("Expected sorted boundaries");
                        switch (type) {
                          case DataType::kInt32:
                            return std::unique_ptr<OpKernel>(new BucketizeKernel<int32_t>(type, std::move(boundaries)));
                          case DataType::kInt64:
                            return std::unique_ptr<OpKernel>(new BucketizeKernel<int64_t>(type, std::move(boundaries)));
                          case DataType::kFloat:
                            return std::unique_ptr<OpKernel>(new BucketizeKernel<float>(type, std::move(boundaries)));
                          default:
                            return std::unique_ptr<OpKernel>(new BucketizeKernel<double>(type, std::move(boundaries)));
                        }
                      }});
}

}  // namespace tfcompat::saved_model
