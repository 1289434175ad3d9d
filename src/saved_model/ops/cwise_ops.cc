// SPDX-License-Identifier: Apache-2.0
// Element-wise ops: AddV2, Sub, Mul (float, int32, int64), RealDiv (float),
// NumPy broadcasting; GreaterEqual and NotEqual (float, int32, int64,
// broadcasting to bool, as the sparse feature columns compare ids),
// LogicalAnd (bool, broadcasting), Select and SelectV2 (float, int32, int64),
// Sigmoid and Rsqrt (float), Cast (between float, double, int32, int64 and bool) and
// ZerosLike (any fixed-width dtype). Messages are those of TF's
// cwise_ops_common.cc and cast_op.cc.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "saved_model/ops/kernel.h"
#include "saved_model/ops/tensor_util.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

// The shape two shapes broadcast to (NumPy's rule), or InvalidArgument in
// TF's words.
StatusOr<InlineIndices> BroadcastShape(std::span<const int64_t> a, std::span<const int64_t> b) {
  const size_t rank = std::max(a.size(), b.size());
  InlineIndices shape(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      return InvalidArgumentError("Incompatible shapes: " + ShapeDebugString(TensorShape(a.begin(), a.end())) +
                                  " vs. " + ShapeDebugString(TensorShape(b.begin(), b.end())));
    }
    shape[i] = da == 1 ? db : da;
  }
  return shape;
}

// For each element of `shape`, the flat index of the element of `source`
// (of a shape that broadcasts to it) that it takes.
InlineIndices BroadcastIndex(const TensorShape& source, std::span<const int64_t> shape) {
  const size_t offset = shape.size() - source.size();
  InlineIndices padded(offset, 1);
  padded.insert(padded.end(), source.begin(), source.end());
  InlineIndices strides = Strides(padded);
  // A broadcast dimension does not advance in the source.
  for (size_t d = 0; d < padded.size(); ++d) {
    if (padded[d] == 1) strides[d] = 0;
  }
  return StridedIndex(shape, InlineIndices(shape.size(), 0), InlineIndices(shape.size(), 1), shape, strides);
}

enum class BinaryOp { kAdd, kSub, kMul, kDiv };

// Integers wrap around on overflow, as TF's Eigen kernels do in practice:
// computed on the unsigned type, where wrapping is defined.
template <typename T>
T Wrapped(BinaryOp op, T u, T v) {
  using U = std::make_unsigned_t<T>;
  const U a = static_cast<U>(u), b = static_cast<U>(v);
  return static_cast<T>(op == BinaryOp::kAdd ? a + b : op == BinaryOp::kSub ? a - b : a * b);
}

template <typename T>
class BinaryKernel final : public OpKernel {
 public:
  BinaryKernel(BinaryOp op, DataType dtype, uint64_t max_bytes) : op_(op), dtype_(dtype), max_bytes_(max_bytes) {}

  // Dimensions known on both sides must broadcast; an unknown one takes the
  // other side's unless that is 1.
  StatusOr<std::vector<StaticShape>> StaticShapes(std::span<const StaticShape> inputs) const override {
    const StaticShape& a = inputs[0];
    const StaticShape& b = inputs[1];
    if (!a.has_value() || !b.has_value()) return std::vector<StaticShape>{};
    const size_t rank = std::max(a->size(), b->size());
    TensorShape shape(rank);
    for (size_t i = 0; i < rank; ++i) {
      const int64_t da = i < rank - a->size() ? 1 : (*a)[i - (rank - a->size())];
      const int64_t db = i < rank - b->size() ? 1 : (*b)[i - (rank - b->size())];
      if (da >= 0 && db >= 0 && da != db && da != 1 && db != 1) {
        return InvalidArgumentError("Incompatible shapes: " + StaticShapeString(a) + " vs. " + StaticShapeString(b));
      }
      shape[i] = da == 1 ? db : db == 1 ? da : da >= 0 ? da : db;
    }
    return std::vector<StaticShape>{shape};
  }

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& a = *inputs[0];
    const Tensor& b = *inputs[1];
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(a, dtype_, "x"));
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(b, dtype_, "y"));
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices shape, BroadcastShape(a.shape(), b.shape()));
    TFCOMPAT_RETURN_IF_ERROR(AllocateOutput(dtype_, shape, max_bytes_, &outputs[0]));
    const std::span<T> out = outputs[0].mutable_flat<T>();
    const std::span<const T> x = a.flat<T>(), y = b.flat<T>();
    // The common cases, same shapes and a scalar, without index vectors.
    const bool same = a.shape() == b.shape();
    const InlineIndices ia = same || a.num_elements() == 1 ? InlineIndices() : BroadcastIndex(a.shape(), shape);
    const InlineIndices ib = same || b.num_elements() == 1 ? InlineIndices() : BroadcastIndex(b.shape(), shape);
    for (size_t i = 0; i < out.size(); ++i) {
      const T u = same ? x[i] : ia.empty() ? x[0] : x[ia[i]];
      const T v = same ? y[i] : ib.empty() ? y[0] : y[ib[i]];
      if constexpr (std::is_integral_v<T>) {
        out[i] = Wrapped(op_, u, v);
      } else {
        switch (op_) {
          case BinaryOp::kAdd:
            out[i] = u + v;
            break;
          case BinaryOp::kSub:
            out[i] = u - v;
            break;
          case BinaryOp::kMul:
            out[i] = u * v;
            break;
          case BinaryOp::kDiv:
            out[i] = u / v;
            break;
        }
      }
    }
    return OkStatus();
  }

 private:
  BinaryOp op_;
  DataType dtype_;
  uint64_t max_bytes_;
};

// A float function applied to each element: Sigmoid, Rsqrt.
class UnaryFloatKernel final : public OpKernel {
 public:
  explicit UnaryFloatKernel(float (*function)(float)) : function_(function) {}
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(*inputs[0], DataType::kFloat, "x"));
    TFCOMPAT_RETURN_IF_ERROR(outputs[0].Reset(DataType::kFloat, inputs[0]->shape()));
    std::transform(inputs[0]->flat<float>().begin(), inputs[0]->flat<float>().end(),
                   outputs[0].mutable_flat<float>().begin(), function_);
    return OkStatus();
  }

 private:
  float (*function_)(float);
};

class ZerosLikeKernel final : public OpKernel {
 public:
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    TFCOMPAT_ASSIGN_OR_RETURN(outputs[0], Tensor::Zeros(inputs[0]->dtype(), inputs[0]->shape()));
    return OkStatus();
  }
};

template <typename T>
T Element(const Tensor& tensor, int64_t i) {
  switch (tensor.dtype()) {
    case DataType::kFloat:
      return static_cast<T>(tensor.flat<float>()[i]);
    case DataType::kDouble:
      return static_cast<T>(tensor.flat<double>()[i]);
    case DataType::kInt32:
      return static_cast<T>(tensor.flat<int32_t>()[i]);
    case DataType::kInt64:
      return static_cast<T>(tensor.flat<int64_t>()[i]);
    default:
      return static_cast<T>(tensor.flat<uint8_t>()[i] != 0);
  }
}

template <typename T>
class CastKernel final : public OpKernel {
 public:
  CastKernel(DataType source, DataType target) : source_(source), target_(target) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& input = *inputs[0];
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(input, source_, "x"));
    TFCOMPAT_RETURN_IF_ERROR(outputs[0].Reset(target_, input.shape()));
    const std::span<T> values = outputs[0].mutable_flat<T>();
    for (int64_t i = 0; i < input.num_elements(); ++i) {
      if constexpr (std::is_same_v<T, uint8_t>) {
        values[i] = Element<double>(input, i) != 0 ? 1 : 0;
      } else {
        values[i] = Element<T>(input, i);
      }
    }
    return OkStatus();
  }

 private:
  DataType source_, target_;
};

constexpr std::initializer_list<DataType> kCastTypes = {DataType::kFloat, DataType::kDouble, DataType::kInt32,
                                                        DataType::kInt64, DataType::kBool};

StatusOr<std::unique_ptr<OpKernel>> MakeCast(const NodeAttrs& attrs) {
  TFCOMPAT_ASSIGN_OR_RETURN(const DataType source, attrs.TypeIn("SrcT", kCastTypes));
  TFCOMPAT_ASSIGN_OR_RETURN(const DataType target, attrs.TypeIn("DstT", kCastTypes));
  TFCOMPAT_ASSIGN_OR_RETURN(const bool truncate, attrs.Bool("Truncate", false));
  if (truncate) return attrs.Unsupported("Truncate", "only false");
  switch (target) {
    case DataType::kFloat:
      return std::unique_ptr<OpKernel>(new CastKernel<float>(source, target));
    case DataType::kDouble:
      return std::unique_ptr<OpKernel>(new CastKernel<double>(source, target));
    case DataType::kInt32:
      return std::unique_ptr<OpKernel>(new CastKernel<int32_t>(source, target));
    case DataType::kInt64:
      return std::unique_ptr<OpKernel>(new CastKernel<int64_t>(source, target));
    default:
      return std::unique_ptr<OpKernel>(new CastKernel<uint8_t>(source, target));
  }
}

enum class CompareOp { kGreaterEqual, kNotEqual, kLogicalAnd };

template <typename T>
class CompareKernel final : public OpKernel {
 public:
  CompareKernel(CompareOp op, DataType dtype) : op_(op), dtype_(dtype) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& a = *inputs[0];
    const Tensor& b = *inputs[1];
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(a, dtype_, "x"));
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(b, dtype_, "y"));
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices shape, BroadcastShape(a.shape(), b.shape()));
    TFCOMPAT_RETURN_IF_ERROR(outputs[0].Reset(DataType::kBool, shape));
    const std::span<uint8_t> out = outputs[0].mutable_flat<uint8_t>();
    const std::span<const T> x = a.flat<T>(), y = b.flat<T>();
    const InlineIndices ia = std::ranges::equal(a.shape(), shape) ? InlineIndices() : BroadcastIndex(a.shape(), shape);
    const InlineIndices ib = std::ranges::equal(b.shape(), shape) ? InlineIndices() : BroadcastIndex(b.shape(), shape);
    for (size_t i = 0; i < out.size(); ++i) {
      const T u = ia.empty() ? x[i] : x[ia[i]];
      const T v = ib.empty() ? y[i] : y[ib[i]];
      switch (op_) {
        case CompareOp::kGreaterEqual:
          out[i] = u >= v;
          break;
        case CompareOp::kNotEqual:
          out[i] = u != v;
          break;
        case CompareOp::kLogicalAnd:
          out[i] = u && v;
          break;
      }
    }
    return OkStatus();
  }

 private:
  CompareOp op_;
  DataType dtype_;
};

KernelFactory Compare(CompareOp op) {
  return [op](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
    TFCOMPAT_ASSIGN_OR_RETURN(const DataType type,
                              attrs.TypeIn("T", {DataType::kFloat, DataType::kInt32, DataType::kInt64}));
    // NotEqual's incompatible_shape_error=false (a scalar answer for shapes
    // that do not broadcast) is not what the feature columns write.
    TFCOMPAT_ASSIGN_OR_RETURN(const bool shape_error, attrs.Bool("incompatible_shape_error", true));
    if (!shape_error) return attrs.Unsupported("incompatible_shape_error", "only true");
    switch (type) {
      case DataType::kFloat:
        return std::unique_ptr<OpKernel>(new CompareKernel<float>(op, type));
      case DataType::kInt32:
        return std::unique_ptr<OpKernel>(new CompareKernel<int32_t>(op, type));
      default:
        return std::unique_ptr<OpKernel>(new CompareKernel<int64_t>(op, type));
    }
  };
}

// Select: `condition` a scalar, of the branches' shape, or a vector picking
// their rows; SelectV2: the three broadcast (NumPy's rule).
template <typename T>
class SelectKernel final : public OpKernel {
 public:
  SelectKernel(DataType dtype, bool broadcast) : dtype_(dtype), broadcast_(broadcast) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& condition = *inputs[0];
    const Tensor& then = *inputs[1];
    const Tensor& otherwise = *inputs[2];
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(condition, DataType::kBool, "condition"));
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(then, dtype_, "t"));
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(otherwise, dtype_, "e"));
    InlineIndices shape(then.shape().begin(), then.shape().end());
    // Per output element, the condition element that picks it.
    InlineIndices pick;
    if (broadcast_) {
      TFCOMPAT_ASSIGN_OR_RETURN(shape, BroadcastShape(then.shape(), otherwise.shape()));
      TFCOMPAT_ASSIGN_OR_RETURN(shape, BroadcastShape(condition.shape(), shape));
      pick = BroadcastIndex(condition.shape(), shape);
    } else {
      if (then.shape() != otherwise.shape()) {
        return InvalidArgumentError("'then' and 'else' must have the same size.  but received: " +
                                    ShapeDebugString(then.shape()) + " vs. " + ShapeDebugString(otherwise.shape()));
      }
      const bool scalar = condition.shape().empty();
      const bool rows = condition.shape().size() == 1 && shape.size() > 1;
      if (rows && condition.shape()[0] != shape[0]) {
        return InvalidArgumentError("Number of batches of 'then' must match size of 'cond', but saw: " +
                                    std::to_string(shape[0]) + " vs. " + std::to_string(condition.shape()[0]));
      }
      if (!scalar && !rows && condition.shape() != then.shape()) {
        return InvalidArgumentError("'then' and 'cond' must have the same size.  but received: " +
                                    ShapeDebugString(then.shape()) + " vs. " + ShapeDebugString(condition.shape()));
      }
      // How many output elements one condition element picks.
      const int64_t row = scalar ? std::max<int64_t>(then.num_elements(), 1)
                          : rows ? then.num_elements() / std::max<int64_t>(shape[0], 1)
                                 : 1;
      pick.resize(then.num_elements());
      for (size_t i = 0; i < pick.size(); ++i) pick[i] = static_cast<int64_t>(i) / row;
    }
    const InlineIndices it = BroadcastIndex(then.shape(), shape);
    const InlineIndices ie = BroadcastIndex(otherwise.shape(), shape);
    TFCOMPAT_RETURN_IF_ERROR(outputs[0].Reset(dtype_, shape));
    const std::span<T> values = outputs[0].mutable_flat<T>();
    const std::span<const uint8_t> c = condition.flat<uint8_t>();
    for (size_t i = 0; i < values.size(); ++i) {
      values[i] = c[pick[i]] != 0 ? then.flat<T>()[it[i]] : otherwise.flat<T>()[ie[i]];
    }
    return OkStatus();
  }

 private:
  DataType dtype_;
  bool broadcast_;
};

KernelFactory Select(bool broadcast) {
  return [broadcast](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
    TFCOMPAT_ASSIGN_OR_RETURN(const DataType type,
                              attrs.TypeIn("T", {DataType::kFloat, DataType::kInt32, DataType::kInt64}));
    switch (type) {
      case DataType::kFloat:
        return std::unique_ptr<OpKernel>(new SelectKernel<float>(type, broadcast));
      case DataType::kInt32:
        return std::unique_ptr<OpKernel>(new SelectKernel<int32_t>(type, broadcast));
      default:
        return std::unique_ptr<OpKernel>(new SelectKernel<int64_t>(type, broadcast));
    }
  };
}

KernelFactory Binary(BinaryOp op) {
  return [op](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
    // Integer ids are added and multiplied (a vocabulary's OOV buckets
    // offset by its size); RealDiv is float only.
    TFCOMPAT_ASSIGN_OR_RETURN(const DataType type,
                              op == BinaryOp::kDiv
                                  ? attrs.TypeIn("T", {DataType::kFloat})
                                  : attrs.TypeIn("T", {DataType::kFloat, DataType::kInt32, DataType::kInt64}));
    if (type == DataType::kInt32) {
      return std::unique_ptr<OpKernel>(new BinaryKernel<int32_t>(op, type, attrs.max_tensor_bytes()));
    }
    if (type == DataType::kInt64) {
      return std::unique_ptr<OpKernel>(new BinaryKernel<int64_t>(op, type, attrs.max_tensor_bytes()));
    }
    return std::unique_ptr<OpKernel>(new BinaryKernel<float>(op, type, attrs.max_tensor_bytes()));
  };
}

}  // namespace

void RegisterCwiseOps(KernelRegistry* registry) {
  registry->Register({.op = "AddV2", .num_inputs = 2, .attrs = {"T"}, .factory = Binary(BinaryOp::kAdd)});
  registry->Register({.op = "Add", .num_inputs = 2, .attrs = {"T"}, .factory = Binary(BinaryOp::kAdd)});
  registry->Register({.op = "Sub", .num_inputs = 2, .attrs = {"T"}, .factory = Binary(BinaryOp::kSub)});
  registry->Register({.op = "Mul", .num_inputs = 2, .attrs = {"T"}, .factory = Binary(BinaryOp::kMul)});
  registry->Register({.op = "RealDiv", .num_inputs = 2, .attrs = {"T"}, .factory = Binary(BinaryOp::kDiv)});
  registry->Register(
      {.op = "GreaterEqual", .num_inputs = 2, .attrs = {"T"}, .factory = Compare(CompareOp::kGreaterEqual)});
  registry->Register({.op = "NotEqual",
                      .num_inputs = 2,
                      .attrs = {"T", "incompatible_shape_error"},
                      .factory = Compare(CompareOp::kNotEqual)});
  registry->Register({.op = "LogicalAnd",
                      .num_inputs = 2,
                      .attrs = {},
                      .factory = [](const NodeAttrs&) -> StatusOr<std::unique_ptr<OpKernel>> {
                        return std::unique_ptr<OpKernel>(
                            new CompareKernel<uint8_t>(CompareOp::kLogicalAnd, DataType::kBool));
                      }});
  registry->Register({.op = "Select", .num_inputs = 3, .attrs = {"T"}, .factory = Select(false)});
  registry->Register({.op = "SelectV2", .num_inputs = 3, .attrs = {"T"}, .factory = Select(true)});
  auto unary_float = [registry](std::string_view op, float (*function)(float)) {
    registry->Register({.op = op,
                        .num_inputs = 1,
                        .attrs = {"T"},
                        .factory = [function](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                          TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("T", {DataType::kFloat}).status());
                          return std::unique_ptr<OpKernel>(new UnaryFloatKernel(function));
                        }});
  };
  unary_float("Sigmoid", [](float x) { return 1.0f / (1.0f + std::exp(-x)); });
  // Batch normalization's 1 / sqrt(variance + epsilon), in inference a
  // constant folded at load.
  unary_float("Rsqrt", [](float x) { return 1.0f / std::sqrt(x); });
  registry->Register({.op = "ZerosLike",
                      .num_inputs = 1,
                      .attrs = {"T"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_ASSIGN_OR_RETURN(const DataType type, attrs.Type("T"));
                        if (!IsFixedWidth(type)) return attrs.Unsupported("T", "fixed-width dtypes");
                        return std::unique_ptr<OpKernel>(new ZerosLikeKernel);
                      }});
  registry->Register({.op = "Cast", .num_inputs = 1, .attrs = {"SrcT", "DstT", "Truncate"}, .factory = MakeCast});
}

}  // namespace tfcompat::saved_model
