// SPDX-License-Identifier: Apache-2.0
// Shapes and element moves, any dtype: Shape, Reshape, ExpandDims, Pack,
// ConcatV2, Fill, Slice, StridedSlice, Tile, Transpose, Range, GatherV2 and
// ResourceGather (the planner passes the variable's value); and OneHot (float, int32,
// int64 values), Where (of bool), Unique (int32, int64, string). Semantics and messages are those of TF's kernels
// (tensorflow/core/kernels/{shape_ops,reshape_op,pack_op,concat_op,slice_op,
// gather_op,resource_variable_ops,fill_functor,strided_slice_op,tile_ops,transpose_op,sequence_ops,one_hot_op,where_op,
// unique_op}.cc).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "saved_model/ops/kernel.h"
#include "saved_model/ops/tensor_util.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

constexpr std::initializer_list<DataType> kIndexTypes = {DataType::kInt32, DataType::kInt64};

// Every dtype a tensor here can hold: the fixed-width ones and strings.
Status ExpectValueType(const NodeAttrs& attrs, std::string_view name) {
  TFCOMPAT_ASSIGN_OR_RETURN(const DataType type, attrs.Type(name));
  if (type == DataType::kString || IsFixedWidth(type)) return OkStatus();
  return attrs.Unsupported(name, "fixed-width dtypes and string");
}

class ShapeKernel final : public OpKernel {
 public:
  explicit ShapeKernel(DataType out_type) : out_type_(out_type) {}
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const TensorShape& shape = inputs[0]->shape();
    const int64_t rank = static_cast<int64_t>(shape.size());
    return SetIndexTensor(out_type_, std::span<const int64_t>(&rank, 1), shape, &outputs[0]);
  }

 private:
  DataType out_type_;
};

class ReshapeKernel final : public OpKernel {
 public:
  // `sizes`: the shape input when the graph makes it a constant.
  explicit ReshapeKernel(std::optional<TensorShape> sizes) : sizes_(std::move(sizes)) {}

  // With a constant shape, the element counts must be able to agree: equal
  // (a -1 size: divisible) for an input of known count; for an input with
  // unknown dimensions and no -1 size, the requested count a multiple of the
  // known dimensions' product. In the run's words.
  StatusOr<std::vector<StaticShape>> StaticShapes(std::span<const StaticShape> inputs) const override {
    if (!sizes_.has_value()) return std::vector<StaticShape>{};
    TensorShape shape = *sizes_;
    int64_t requested = 1;
    for (const int64_t size : shape) {
      if (size < -1 || (size >= 0 && __builtin_mul_overflow(requested, size, &requested))) {
        return std::vector<StaticShape>{};  // the run names what is wrong
      }
    }
    const auto unknown = std::find(shape.begin(), shape.end(), -1);
    const StaticShape& input = inputs[0];
    if (!input.has_value()) return std::vector<StaticShape>{shape};
    int64_t known = 1;
    bool all_known = true;
    for (const int64_t dim : *input) {
      if (dim < 0) {
        all_known = false;
      } else if (__builtin_mul_overflow(known, dim, &known)) {
        return std::vector<StaticShape>{shape};
      }
    }
    const std::string values = "Input to reshape is a tensor with " +
                               (all_known ? std::to_string(known) : "a multiple of " + std::to_string(known)) +
                               " values, but the requested shape ";
    if (unknown == shape.end()) {
      if (all_known ? requested != known : (known != 0 && requested % known != 0)) {
        return InvalidArgumentError(values + "has " + std::to_string(requested));
      }
    } else if (all_known) {
      if (requested == 0 ? known != 0 : known % requested != 0) {
        return InvalidArgumentError(values + "requires a multiple of " + std::to_string(requested));
      }
      *unknown = requested == 0 ? 0 : known / requested;
    }
    return std::vector<StaticShape>{shape};
  }

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& input = *inputs[0];
    TFCOMPAT_ASSIGN_OR_RETURN(InlineIndices shape, IndexVector(*inputs[1], "sizes input"));
    int unknown = -1;
    int64_t known = 1;
    for (size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] == -1) {
        if (unknown != -1) {
          return InvalidArgumentError("Only one input size may be -1, not both " + std::to_string(unknown) + " and " +
                                      std::to_string(d));
        }
        unknown = static_cast<int>(d);
      } else if (shape[d] < 0) {
        return InvalidArgumentError("Size " + std::to_string(d) + " must be non-negative, not " +
                                    std::to_string(shape[d]));
      } else if (__builtin_mul_overflow(known, shape[d], &known)) {
        return InvalidArgumentError("Reshape to " + ShapeDebugString(TensorShape(shape.begin(), shape.end())) +
                                    ": too many elements");
      }
    }
    if (unknown != -1 && known > 0 && input.num_elements() % known == 0) shape[unknown] = input.num_elements() / known;
    if (unknown != -1 && known == 0 && input.num_elements() == 0) shape[unknown] = 0;
    int64_t count = 1;
    for (const int64_t dim : shape)
      count *= dim;  // no overflow: a multiple of `known`, or -1 replaced by
                     // a quotient of the input's count
    if (std::find(shape.begin(), shape.end(), -1) != shape.end() || count != input.num_elements()) {
      return InvalidArgumentError(
          "Input to reshape is a tensor with " + std::to_string(input.num_elements()) +
          " values, but the requested shape " +
          (unknown != -1 ? "requires a multiple of " + std::to_string(known) : "has " + std::to_string(count)));
    }
    return CopyReshaped(input, shape, &outputs[0]);
  }

 private:
  std::optional<TensorShape> sizes_;
};

class ExpandDimsKernel final : public OpKernel {
 public:
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& input = *inputs[0];
    TFCOMPAT_ASSIGN_OR_RETURN(int64_t dim, IndexScalar(*inputs[1], "'dim' input"));
    const auto rank = static_cast<int64_t>(input.shape().size());
    if (dim < -1 - rank || dim > rank) {
      return InvalidArgumentError("Tried to expand dim index " + std::to_string(dim) + " for tensor with " +
                                  std::to_string(rank) + " dimensions.");
    }
    if (dim < 0) dim += rank + 1;
    InlineIndices shape(input.shape().begin(), input.shape().end());
    shape.insert(shape.begin() + dim, 1);
    return CopyReshaped(input, shape, &outputs[0]);
  }
};

// Makes `*out` (of `shape`) the inputs' elements interleaved, Pack's and
// ConcatV2's layout: per step of the `outer` dimensions, `inner[i]`
// consecutive elements of each input i in turn. Every element is copied
// once, so a string output's contents are the inputs' contents.
Status Interleave(std::span<const Tensor* const> inputs, std::span<const int64_t> inner, int64_t outer,
                  std::span<const int64_t> shape, uint64_t max_bytes, Tensor* out) {
  const DataType dtype = inputs[0]->dtype();
  TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(dtype, shape, max_bytes));
  if (dtype == DataType::kString) {
    uint64_t count = 0, content = 0;
    for (const Tensor* input : inputs) {
      count += input->strings().size();
      for (const std::string& value : input->strings()) content += value.size();
    }
    TFCOMPAT_RETURN_IF_ERROR(CheckStringBytes(count, content, max_bytes));
  }
  TFCOMPAT_RETURN_IF_ERROR(out->Reset(dtype, shape));
  const size_t width = DataTypeSize(dtype);
  char* bytes = out->mutable_bytes()->data();
  std::string* strings = out->mutable_strings()->data();
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      const int64_t first = o * inner[i];
      if (dtype == DataType::kString) {
        strings = std::copy_n(inputs[i]->strings().begin() + first, inner[i], strings);
      } else if (inner[i] > 0) {
        std::memcpy(bytes, inputs[i]->bytes().data() + first * width, inner[i] * width);
        bytes += inner[i] * width;
      }
    }
  }
  return OkStatus();
}

class PackKernel final : public OpKernel {
 public:
  PackKernel(int64_t axis, uint64_t max_bytes) : axis_(axis), max_bytes_(max_bytes) {}
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& first = *inputs[0];
    const auto rank = static_cast<int64_t>(first.shape().size());
    const int64_t axis = axis_ < 0 ? axis_ + rank + 1 : axis_;
    if (axis < 0 || axis > rank) {
      return InvalidArgumentError("axis = " + std::to_string(axis_) + " not in [" + std::to_string(-rank - 1) + ", " +
                                  std::to_string(rank + 1) + ")");
    }
    for (size_t i = 1; i < inputs.size(); ++i) {
      if (inputs[i]->shape() != first.shape() || inputs[i]->dtype() != first.dtype()) {
        return InvalidArgumentError(
            "Shapes of all inputs must match: values[0].shape = " + ShapeDebugString(first.shape()) + " != values[" +
            std::to_string(i) + "].shape = " + ShapeDebugString(inputs[i]->shape()));
      }
    }
    InlineIndices shape(first.shape().begin(), first.shape().end());
    shape.insert(shape.begin() + axis, static_cast<int64_t>(inputs.size()));
    // Each input contributes `inner` consecutive elements per step of the
    // dimensions before the axis.
    int64_t inner = 1;
    for (int64_t d = axis; d < rank; ++d) inner *= first.shape()[d];
    const int64_t outer = inner == 0 ? 0 : first.num_elements() / inner;
    const InlineIndices inners(inputs.size(), inner);
    return Interleave(inputs, inners, outer, shape, max_bytes_, &outputs[0]);
  }

 private:
  int64_t axis_;
  uint64_t max_bytes_;
};

class ConcatV2Kernel final : public OpKernel {
 public:
  // `axis`: the axis input when the graph makes it a constant.
  ConcatV2Kernel(std::optional<int64_t> axis, uint64_t max_bytes) : axis_(axis), max_bytes_(max_bytes) {}

  // With a constant axis, inputs of known rank must have the first one's
  // rank, and their known dimensions but the axis its dimensions, in the
  // run's words.
  StatusOr<std::vector<StaticShape>> StaticShapes(std::span<const StaticShape> all_inputs) const override {
    const std::span<const StaticShape> inputs = all_inputs.first(all_inputs.size() - 1);
    if (!axis_.has_value() || !inputs[0].has_value()) return std::vector<StaticShape>{};
    const TensorShape& first = *inputs[0];
    const auto rank = static_cast<int64_t>(first.size());
    if (*axis_ < -rank || *axis_ >= rank) return std::vector<StaticShape>{};  // the run says so
    const int64_t axis = *axis_ < 0 ? *axis_ + rank : *axis_;
    TensorShape shape = first;
    for (size_t i = 1; i < inputs.size(); ++i) {
      if (!inputs[i].has_value()) {
        shape[axis] = -1;
        continue;
      }
      const TensorShape& other = *inputs[i];
      if (static_cast<int64_t>(other.size()) != rank) {
        return InvalidArgumentError(
            "ConcatOp : Ranks of all input tensors should match: shape[0] = " + StaticShapeString(inputs[0]) +
            " vs. shape[" + std::to_string(i) + "] = " + StaticShapeString(inputs[i]));
      }
      for (int64_t d = 0; d < rank; ++d) {
        if (d == axis) {
          shape[d] = shape[d] < 0 || other[d] < 0 ? -1 : shape[d] + other[d];
        } else if (first[d] >= 0 && other[d] >= 0 && first[d] != other[d]) {
          return InvalidArgumentError("ConcatOp : Dimension " + std::to_string(d) +
                                      " in both shapes must be equal: shape[0] = " + StaticShapeString(inputs[0]) +
                                      " vs. shape[" + std::to_string(i) + "] = " + StaticShapeString(inputs[i]));
        } else if (shape[d] < 0) {
          shape[d] = other[d];
        }
      }
    }
    return std::vector<StaticShape>{shape};
  }

  Status Compute(std::span<const Tensor* const> all_inputs, std::span<Tensor> outputs) const override {
    const std::span<const Tensor* const> inputs = all_inputs.first(all_inputs.size() - 1);
    TFCOMPAT_ASSIGN_OR_RETURN(int64_t axis, IndexScalar(*all_inputs.back(), "axis"));
    const Tensor& first = *inputs[0];
    const auto rank = static_cast<int64_t>(first.shape().size());
    if (axis < -rank || axis >= rank) {
      return InvalidArgumentError("ConcatOp : Expected concatenating dimensions in the range [" +
                                  std::to_string(-rank) + ", " + std::to_string(rank) + "), but got " +
                                  std::to_string(axis));
    }
    if (axis < 0) axis += rank;
    InlineIndices shape(first.shape().begin(), first.shape().end());
    shape[axis] = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const TensorShape& other = inputs[i]->shape();
      if (inputs[i]->dtype() != first.dtype() || static_cast<int64_t>(other.size()) != rank) {
        return InvalidArgumentError(
            "ConcatOp : Ranks of all input tensors should match: shape[0] = " + ShapeDebugString(first.shape()) +
            " vs. shape[" + std::to_string(i) + "] = " + ShapeDebugString(other));
      }
      for (int64_t d = 0; d < rank; ++d) {
        if (d != axis && other[d] != first.shape()[d]) {
          return InvalidArgumentError("ConcatOp : Dimension " + std::to_string(d) +
                                      " in both shapes must be equal: shape[0] = " + ShapeDebugString(first.shape()) +
                                      " vs. shape[" + std::to_string(i) + "] = " + ShapeDebugString(other));
        }
      }
      shape[axis] += other[axis];
    }
    // Per step of the dimensions before the axis, each input's rows in turn.
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= first.shape()[d];
    InlineIndices inner;
    for (const Tensor* input : inputs) inner.push_back(outer == 0 ? 0 : input->num_elements() / outer);
    return Interleave(inputs, inner, outer, shape, max_bytes_, &outputs[0]);
  }

 private:
  std::optional<int64_t> axis_;
  uint64_t max_bytes_;
};

// Its output is never larger than its input: begin and end are clamped to
// each dimension.
class StridedSliceKernel final : public OpKernel {
 public:
  StridedSliceKernel(int64_t begin_mask, int64_t end_mask, int64_t shrink_axis_mask)
      : begin_mask_(begin_mask), end_mask_(end_mask), shrink_axis_mask_(shrink_axis_mask) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& input = *inputs[0];
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices begin, IndexVector(*inputs[1], "begin"));
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices end, IndexVector(*inputs[2], "end"));
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices strides, IndexVector(*inputs[3], "strides"));
    const TensorShape& shape = input.shape();
    if (begin.size() != end.size() || begin.size() != strides.size() || begin.size() > shape.size()) {
      return InvalidArgumentError(
          "Expected begin, end, and strides to be 1D equal size tensors of at most the "
          "input's rank " +
          std::to_string(shape.size()) + ", but got shapes " + ShapeDebugString(inputs[1]->shape()) + ", " +
          ShapeDebugString(inputs[2]->shape()) + ", and " + ShapeDebugString(inputs[3]->shape()) + " instead.");
    }
    InlineIndices start(shape.size(), 0), step(shape.size(), 1);
    InlineIndices count(shape.begin(), shape.end()), output_shape;
    for (size_t d = 0; d < shape.size(); ++d) {
      const int64_t dim = shape[d];
      if (d >= begin.size()) {
        output_shape.push_back(dim);
        continue;
      }
      const int64_t stride = strides[d];
      if (stride == 0) return InvalidArgumentError("strides[" + std::to_string(d) + "] must be non-zero");
      step[d] = stride;
      if (shrink_axis_mask_ & (int64_t{1} << d)) {
        const int64_t at = begin[d] < 0 ? begin[d] + dim : begin[d];
        if (at < 0 || at >= dim) {
          return InvalidArgumentError("slice index " + std::to_string(begin[d]) + " of dimension " + std::to_string(d) +
                                      " out of bounds.");
        }
        start[d] = at;
        count[d] = 1;
        continue;
      }
      // TF's canonical begin and end: masked ones take the whole extent in
      // the stride's direction, negative ones count from the end, and both
      // are clamped to the dimension.
      const bool forward = stride > 0;
      const int64_t low = forward ? 0 : -1, high = forward ? dim : dim - 1;
      auto canonical = [&](int64_t value, bool masked, bool is_begin) {
        if (masked) return (is_begin == forward) ? low : high;
        if (value < 0) value += dim;
        return std::clamp(value, low, high);
      };
      const int64_t b = canonical(begin[d], begin_mask_ & (int64_t{1} << d), true);
      const int64_t e = canonical(end[d], end_mask_ & (int64_t{1} << d), false);
      const int64_t span = forward ? e - b : b - e;
      const int64_t magnitude = forward ? stride : -stride;
      count[d] = span <= 0 ? 0 : (span + magnitude - 1) / magnitude;
      start[d] = b;
      output_shape.push_back(count[d]);
    }
    return GatherInto(input, output_shape, StridedIndex(shape, start, step, count), &outputs[0]);
  }

 private:
  int64_t begin_mask_, end_mask_, shrink_axis_mask_;
};

class TransposeKernel final : public OpKernel {
 public:
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& input = *inputs[0];
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices perm, IndexVector(*inputs[1], "perm"));
    const TensorShape& shape = input.shape();
    const auto rank = static_cast<int64_t>(shape.size());
    if (static_cast<int64_t>(perm.size()) != rank) {
      return InvalidArgumentError("transpose expects a vector of size " + std::to_string(rank) +
                                  ". But input(1) is a vector of size " + std::to_string(perm.size()));
    }
    const InlineIndices source_strides = Strides(shape);
    std::vector<bool> seen(rank, false);
    InlineIndices output_shape(rank), strides(rank);
    for (int64_t d = 0; d < rank; ++d) {
      if (perm[d] < 0 || perm[d] >= rank) {
        return InvalidArgumentError(std::to_string(perm[d]) + " is out of range [0 .. " + std::to_string(rank) + ")");
      }
      if (seen[perm[d]]) return InvalidArgumentError(std::to_string(perm[d]) + " is duplicated in the input.");
      seen[perm[d]] = true;
      output_shape[d] = shape[perm[d]];
      strides[d] = source_strides[perm[d]];
    }
    const InlineIndices index =
        StridedIndex(output_shape, InlineIndices(rank, 0), InlineIndices(rank, 1), output_shape, strides);
    return GatherInto(input, output_shape, index, &outputs[0]);
  }
};

// OneHot: `indices` with a dimension of `depth` inserted at `axis`, on_value
// where the position along it is the index, off_value elsewhere (an index
// outside [0, depth) is off everywhere).
template <typename T>
class OneHotKernel final : public OpKernel {
 public:
  OneHotKernel(DataType dtype, int64_t axis) : dtype_(dtype), axis_(axis) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& indices = *inputs[0];
    const TensorShape& shape = indices.shape();
    const auto output_rank = static_cast<int64_t>(shape.size()) + 1;
    if (axis_ != -1 && (axis_ < 0 || axis_ >= output_rank)) {
      return InvalidArgumentError("Expected axis to be -1 or between [0, " + std::to_string(output_rank) +
                                  ").  But received: " + std::to_string(axis_));
    }
    if (!inputs[1]->shape().empty()) {
      return InvalidArgumentError("depth must be a scalar, but got: " + ShapeDebugString(inputs[1]->shape()));
    }
    for (const auto& [index, name] : {std::pair{2, "on_value"}, std::pair{3, "off_value"}}) {
      if (!inputs[index]->shape().empty()) {
        return InvalidArgumentError(std::string(name) +
                                    " must be a scalar, but got: " + ShapeDebugString(inputs[index]->shape()));
      }
      TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(*inputs[index], dtype_, name));
    }
    TFCOMPAT_ASSIGN_OR_RETURN(const int64_t depth, IndexScalar(*inputs[1], "depth"));
    if (depth < 0) return InvalidArgumentError("depth must be non-negative, got: " + std::to_string(depth));
    std::vector<int64_t> ids;
    if (indices.dtype() == DataType::kInt32) {
      ids.assign(indices.flat<int32_t>().begin(), indices.flat<int32_t>().end());
    } else {
      TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(indices, DataType::kInt64, "indices"));
      ids.assign(indices.flat<int64_t>().begin(), indices.flat<int64_t>().end());
    }
    const size_t axis = axis_ == -1 ? shape.size() : static_cast<size_t>(axis_);
    TensorShape output_shape(shape.begin(), shape.end());
    output_shape.insert(output_shape.begin() + static_cast<std::ptrdiff_t>(axis), depth);
    // Elements before the axis (prefix), along it (depth), after it (suffix).
    int64_t suffix = 1;
    for (size_t d = axis; d < shape.size(); ++d) suffix *= shape[d];
    const int64_t prefix = suffix == 0 ? 0 : static_cast<int64_t>(ids.size()) / suffix;
    TFCOMPAT_ASSIGN_OR_RETURN(Tensor result, Tensor::Zeros(dtype_, output_shape));
    const std::span<T> out = result.mutable_flat<T>();
    const T on = inputs[2]->flat<T>()[0];
    const T off = inputs[3]->flat<T>()[0];
    std::fill(out.begin(), out.end(), off);
    for (int64_t p = 0; p < prefix; ++p) {
      for (int64_t s = 0; s < suffix; ++s) {
        const int64_t id = ids[p * suffix + s];
        if (id >= 0 && id < depth) out[(p * depth + id) * suffix + s] = on;
      }
    }
    outputs[0] = std::move(result);
    return OkStatus();
  }

 private:
  DataType dtype_;
  int64_t axis_;
};

// Where: the coordinates of the true elements, int64 [count, rank], in
// row-major order.
class WhereKernel final : public OpKernel {
 public:
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& input = *inputs[0];
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(input, DataType::kBool, "input"));
    const TensorShape& shape = input.shape();
    const auto rank = static_cast<int64_t>(shape.size());
    std::vector<int64_t> coordinates;
    std::vector<int64_t> coordinate(rank, 0);
    const std::span<const uint8_t> flags = input.flat<uint8_t>();
    for (const uint8_t flag : flags) {
      if (flag != 0) coordinates.insert(coordinates.end(), coordinate.begin(), coordinate.end());
      for (int64_t d = rank - 1; d >= 0 && ++coordinate[d] == shape[d]; --d) coordinate[d] = 0;
    }
    const auto count = static_cast<int64_t>(rank == 0 ? std::count(flags.begin(), flags.end(), 1)
                                                      : static_cast<int64_t>(coordinates.size()) / rank);
    outputs[0] = Tensor::FromVector<int64_t>(DataType::kInt64, {count, rank}, coordinates);
    return OkStatus();
  }
};

// Unique: the distinct elements of a vector in order of first appearance,
// and for each element the index of its value among them.
template <typename T>
class UniqueKernel final : public OpKernel {
 public:
  UniqueKernel(DataType dtype, DataType index_dtype) : dtype_(dtype), index_dtype_(index_dtype) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& input = *inputs[0];
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(input, dtype_, "x"));
    if (input.shape().size() != 1) return InvalidArgumentError("unique expects a 1D vector.");
    std::vector<T> values;
    if constexpr (std::is_same_v<T, std::string>) {
      values = input.strings();
    } else {
      values.assign(input.flat<T>().begin(), input.flat<T>().end());
    }
    std::unordered_map<T, int64_t> first;
    std::vector<T> unique;
    std::vector<int64_t> index(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      const auto [at, inserted] = first.emplace(values[i], static_cast<int64_t>(unique.size()));
      if (inserted) unique.push_back(values[i]);
      index[i] = at->second;
    }
    const auto count = static_cast<int64_t>(unique.size());
    if constexpr (std::is_same_v<T, std::string>) {
      TFCOMPAT_ASSIGN_OR_RETURN(outputs[0], Tensor::FromStrings({count}, std::move(unique)));
    } else {
      outputs[0] = Tensor::FromVector<T>(dtype_, {count}, unique);
    }
    return SetIndexTensor(index_dtype_, input.shape(), index, &outputs[1]);
  }

 private:
  DataType dtype_;
  DataType index_dtype_;
};

// Slice: the block of `size` elements (-1: to the end) from `begin`.
class SliceKernel final : public OpKernel {
 public:
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& input = *inputs[0];
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices begin, IndexVector(*inputs[1], "begin"));
    TFCOMPAT_ASSIGN_OR_RETURN(InlineIndices size, IndexVector(*inputs[2], "size"));
    const TensorShape& shape = input.shape();
    if (begin.size() != shape.size() || size.size() != shape.size()) {
      return InvalidArgumentError("Expected begin and size arguments to be 1-D tensors of size " +
                                  std::to_string(shape.size()) + ", but got shapes " +
                                  ShapeDebugString(inputs[1]->shape()) + " and " +
                                  ShapeDebugString(inputs[2]->shape()) + " instead.");
    }
    for (size_t d = 0; d < shape.size(); ++d) {
      if (begin[d] < 0 || begin[d] > shape[d]) {
        return InvalidArgumentError("Expected begin[" + std::to_string(d) + "] in [0, " + std::to_string(shape[d]) +
                                    "], but got " + std::to_string(begin[d]));
      }
      if (size[d] == -1) size[d] = shape[d] - begin[d];
      if (size[d] < 0 || size[d] > shape[d] - begin[d]) {
        return InvalidArgumentError("Expected size[" + std::to_string(d) + "] in [0, " +
                                    std::to_string(shape[d] - begin[d]) + "], but got " + std::to_string(size[d]));
      }
    }
    const InlineIndices index = StridedIndex(shape, begin, InlineIndices(shape.size(), 1), size);
    return GatherInto(input, size, index, &outputs[0]);
  }
};

// GatherV2 (axis an input) and ResourceGather (axis 0): params with the
// dimension `axis` replaced by the indices' dimensions, each index picking
// a slice; no batch dimensions.
class GatherKernel final : public OpKernel {
 public:
  GatherKernel(bool axis_input, uint64_t max_bytes) : axis_input_(axis_input), max_bytes_(max_bytes) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& params = *inputs[0];
    const Tensor& indices = *inputs[1];
    const TensorShape& shape = params.shape();
    const auto rank = static_cast<int64_t>(shape.size());
    int64_t axis = 0;
    if (axis_input_) {
      TFCOMPAT_ASSIGN_OR_RETURN(axis, IndexScalar(*inputs[2], "axis"));
    }
    if (axis < -rank || axis >= rank) {
      return InvalidArgumentError("Expected axis in the range [" + std::to_string(-rank) + ", " + std::to_string(rank) +
                                  "), but got " + std::to_string(axis));
    }
    if (axis < 0) axis += rank;
    std::vector<int64_t> ids;
    if (indices.dtype() == DataType::kInt32) {
      ids.assign(indices.flat<int32_t>().begin(), indices.flat<int32_t>().end());
    } else {
      TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(indices, DataType::kInt64, "indices"));
      ids.assign(indices.flat<int64_t>().begin(), indices.flat<int64_t>().end());
    }
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= shape[d];
    for (int64_t d = axis + 1; d < rank; ++d) inner *= shape[d];
    const int64_t limit = shape[axis];
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] < 0 || ids[i] >= limit) {
        std::string at;
        int64_t rest = static_cast<int64_t>(i);
        const InlineIndices strides = Strides(indices.shape());
        for (size_t d = 0; d < strides.size(); ++d) {
          at += (d == 0 ? "" : ",") + std::to_string(rest / strides[d]);
          rest %= strides[d];
        }
        return InvalidArgumentError("indices[" + at + "] = " + std::to_string(ids[i]) + " is not in [0, " +
                                    std::to_string(limit) + ")");
      }
    }
    TensorShape output_shape(shape.begin(), shape.begin() + axis);
    output_shape.insert(output_shape.end(), indices.shape().begin(), indices.shape().end());
    output_shape.insert(output_shape.end(), shape.begin() + axis + 1, shape.end());
    // The fed indices decide the output's size: bound it, and the index
    // list (an int64 per element) made on the way, before either exists.
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(params.dtype(), output_shape, max_bytes_));
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(DataType::kInt64, output_shape, max_bytes_));
    std::vector<int64_t> index;
    index.reserve(outer * ids.size() * inner);
    for (int64_t o = 0; o < outer; ++o) {
      for (const int64_t id : ids) {
        for (int64_t n = 0; n < inner; ++n) index.push_back((o * limit + id) * inner + n);
      }
    }
    TFCOMPAT_RETURN_IF_ERROR(CheckGatheredBytes(params, index, max_bytes_));
    return GatherInto(params, output_shape, index, &outputs[0]);
  }

 private:
  bool axis_input_;
  uint64_t max_bytes_;
};

class TileKernel final : public OpKernel {
 public:
  explicit TileKernel(uint64_t max_bytes) : max_bytes_(max_bytes) {}
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& input = *inputs[0];
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices multiples, IndexVector(*inputs[1], "multiples"));
    const TensorShape& shape = input.shape();
    if (multiples.size() != shape.size()) {
      return InvalidArgumentError("Expected multiples argument to be a vector of length " +
                                  std::to_string(shape.size()) + " but got length " + std::to_string(multiples.size()));
    }
    InlineIndices output_shape(shape.size());
    for (size_t d = 0; d < shape.size(); ++d) {
      if (multiples[d] < 0) {
        return InvalidArgumentError("Expected multiples[" + std::to_string(d) + "] >= 0, but got " +
                                    std::to_string(multiples[d]));
      }
      if (__builtin_mul_overflow(shape[d], multiples[d], &output_shape[d])) {
        return InvalidArgumentError("Tile of " + ShapeDebugString(shape) + ": dimension " + std::to_string(d) +
                                    " overflows");
      }
    }
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(input.dtype(), output_shape, max_bytes_));
    int64_t total = 1;
    for (const int64_t dim : output_shape) total *= dim;  // bounded just above
    const InlineIndices strides = Strides(shape);
    InlineIndices index;
    index.reserve(total);
    InlineIndices coordinate(shape.size(), 0);
    for (int64_t n = 0; n < total && input.num_elements() > 0; ++n) {
      int64_t flat = 0;
      for (size_t d = 0; d < shape.size(); ++d) flat += (coordinate[d] % shape[d]) * strides[d];
      index.push_back(flat);
      for (size_t d = shape.size(); d-- > 0;) {
        if (++coordinate[d] < output_shape[d]) break;
        coordinate[d] = 0;
      }
    }
    TFCOMPAT_RETURN_IF_ERROR(CheckGatheredBytes(input, index, max_bytes_));
    return GatherInto(input, output_shape, index, &outputs[0]);
  }

 private:
  uint64_t max_bytes_;
};

template <typename T>
class RangeKernel final : public OpKernel {
 public:
  RangeKernel(DataType dtype, uint64_t max_bytes) : dtype_(dtype), max_bytes_(max_bytes) {}
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    for (int i = 0; i < 3; ++i) {
      if (inputs[i]->num_elements() != 1 || inputs[i]->dtype() != dtype_) {
        static constexpr const char* kNames[] = {"start", "limit", "delta"};
        return InvalidArgumentError(std::string(kNames[i]) + " must be a scalar of the Tidx type, not " +
                                    ShapeDebugString(inputs[i]->shape()));
      }
    }
    const T start = inputs[0]->flat<T>()[0], limit = inputs[1]->flat<T>()[0], delta = inputs[2]->flat<T>()[0];
    if (delta == 0) return InvalidArgumentError("Requires delta != 0: " + std::to_string(delta));
    if (delta > 0 ? start > limit : start < limit) {
      return InvalidArgumentError(std::string("Requires start ") + (delta > 0 ? "<=" : ">=") + " limit when delta " +
                                  (delta > 0 ? "> 0: " : "< 0: ") + std::to_string(start) + "/" +
                                  std::to_string(limit));
    }
    const double size = std::ceil(std::abs((static_cast<double>(limit) - start) / static_cast<double>(delta)));
    if (size > static_cast<double>(std::numeric_limits<int32_t>::max())) {
      return InvalidArgumentError("Requires ((limit - start) / delta) <= 2147483647");
    }
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(dtype_, {static_cast<int64_t>(size)}, max_bytes_));
    std::vector<T> values(static_cast<size_t>(size));
    T value = start;
    for (T& v : values) {
      v = value;
      value += delta;
    }
    outputs[0] = Tensor::FromVector<T>(dtype_, {static_cast<int64_t>(values.size())}, values);
    return OkStatus();
  }

 private:
  DataType dtype_;
  uint64_t max_bytes_;
};

// Fill(dims, value): `value` (a scalar) everywhere in a tensor of shape
// `dims` (fill_functor.cc).
class FillKernel final : public OpKernel {
 public:
  explicit FillKernel(uint64_t max_bytes) : max_bytes_(max_bytes) {}
  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& value = *inputs[1];
    if (inputs[0]->shape().size() > 1) {
      return InvalidArgumentError("dims must represent a vector, got shape " + ShapeDebugString(inputs[0]->shape()));
    }
    if (!value.shape().empty()) {
      return InvalidArgumentError("value must represent a scalar, got shape " + ShapeDebugString(value.shape()));
    }
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices dims, IndexVector(*inputs[0], "dims"));
    const TensorShape shape(dims.begin(), dims.end());
    for (const int64_t dim : shape) {
      if (dim < 0) return InvalidArgumentError("Dimension " + std::to_string(dim) + " must be >= 0");
    }
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(value.dtype(), shape, max_bytes_));
    TFCOMPAT_ASSIGN_OR_RETURN(const int64_t count, NumElements(shape));
    if (value.dtype() == DataType::kString) {
      TFCOMPAT_ASSIGN_OR_RETURN(
          outputs[0], Tensor::FromStrings(std::move(shape), std::vector<std::string>(count, value.strings()[0])));
      return OkStatus();
    }
    std::string bytes;
    bytes.reserve(count * value.bytes().size());
    for (int64_t i = 0; i < count; ++i) bytes += value.bytes();
    TFCOMPAT_ASSIGN_OR_RETURN(outputs[0], Tensor::FromBytes(value.dtype(), std::move(shape), std::move(bytes)));
    return OkStatus();
  }

 private:
  uint64_t max_bytes_;
};

template <typename Kernel, typename... Args>
StatusOr<std::unique_ptr<OpKernel>> Make(Args&&... args) {
  return std::unique_ptr<OpKernel>(new Kernel(std::forward<Args>(args)...));
}

}  // namespace

void RegisterArrayOps(KernelRegistry* registry) {
  registry->Register({.op = "Shape",
                      .num_inputs = 1,
                      .attrs = {"T", "out_type"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_ASSIGN_OR_RETURN(const DataType out_type,
                                                  attrs.TypeIn("out_type", kIndexTypes, DataType::kInt32));
                        return Make<ShapeKernel>(out_type);
                      }});
  registry->Register({.op = "Reshape",
                      .num_inputs = 2,
                      .attrs = {"T", "Tshape"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(ExpectValueType(attrs, "T"));
                        std::optional<TensorShape> sizes;
                        if (const StatusOr<const Tensor*> shape = attrs.ConstantInput(1, "shape"); shape.ok()) {
                          const StatusOr<InlineIndices> values = IndexVector(**shape, "sizes input");
                          if (values.ok()) sizes = TensorShape(values->begin(), values->end());
                        }
                        return Make<ReshapeKernel>(std::move(sizes));
                      }});
  registry->Register({.op = "ExpandDims",
                      .num_inputs = 2,
                      .attrs = {"T", "Tdim"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(ExpectValueType(attrs, "T"));
                        return Make<ExpandDimsKernel>();
                      }});
  registry->Register({.op = "Pack",
                      .num_inputs = OpSpec::kFromAttrN,
                      .attrs = {"N", "T", "axis"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(ExpectValueType(attrs, "T"));
                        TFCOMPAT_ASSIGN_OR_RETURN(const int64_t axis, attrs.Int("axis", 0));
                        return Make<PackKernel>(axis, attrs.max_tensor_bytes());
                      }});
  registry->Register({.op = "ConcatV2",
                      .attrs = {"N", "T", "Tidx"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(ExpectValueType(attrs, "T"));
                        std::optional<int64_t> axis;
                        // The axis follows the N values.
                        TFCOMPAT_ASSIGN_OR_RETURN(const int64_t n, attrs.Int("N", -1));
                        const StatusOr<const Tensor*> value = attrs.ConstantInput(static_cast<size_t>(n), "axis");
                        if (value.ok()) {
                          StatusOr<int64_t> scalar = IndexScalar(**value, "axis");
                          if (scalar.ok()) axis = *scalar;
                        }
                        return Make<ConcatV2Kernel>(axis, attrs.max_tensor_bytes());
                      },
                      // N values, then the axis.
                      .arity = [](const NodeAttrs& attrs) -> StatusOr<Arity> {
                        TFCOMPAT_ASSIGN_OR_RETURN(const int64_t n, attrs.Int("N", -1));
                        if (n < 2 || n >= attrs.def().input_size()) {
                          return attrs.Error("attr 'N' must be 2 to its number of inputs minus one");
                        }
                        return Arity{.num_inputs = static_cast<int>(n) + 1, .num_outputs = 1};
                      }});
  registry->Register(
      {.op = "StridedSlice",
       .num_inputs = 4,
       .attrs = {"T", "Index", "begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"},
       .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
         TFCOMPAT_RETURN_IF_ERROR(ExpectValueType(attrs, "T"));
         TFCOMPAT_ASSIGN_OR_RETURN(const int64_t ellipsis_mask, attrs.Int("ellipsis_mask", 0));
         TFCOMPAT_ASSIGN_OR_RETURN(const int64_t new_axis_mask, attrs.Int("new_axis_mask", 0));
         if (ellipsis_mask != 0) return attrs.Unsupported("ellipsis_mask", "only 0");
         if (new_axis_mask != 0) return attrs.Unsupported("new_axis_mask", "only 0");
         TFCOMPAT_ASSIGN_OR_RETURN(const int64_t begin_mask, attrs.Int("begin_mask", 0));
         TFCOMPAT_ASSIGN_OR_RETURN(const int64_t end_mask, attrs.Int("end_mask", 0));
         TFCOMPAT_ASSIGN_OR_RETURN(const int64_t shrink_axis_mask, attrs.Int("shrink_axis_mask", 0));
         return Make<StridedSliceKernel>(begin_mask, end_mask, shrink_axis_mask);
       }});
  registry->Register({.op = "Tile",
                      .num_inputs = 2,
                      .attrs = {"T", "Tmultiples"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(ExpectValueType(attrs, "T"));
                        return Make<TileKernel>(attrs.max_tensor_bytes());
                      }});
  registry->Register({.op = "Fill",
                      .num_inputs = 2,
                      .attrs = {"T", "index_type"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(ExpectValueType(attrs, "T"));
                        TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("index_type", kIndexTypes, DataType::kInt32).status());
                        return Make<FillKernel>(attrs.max_tensor_bytes());
                      }});
  registry->Register({.op = "OneHot",
                      .num_inputs = 4,
                      .attrs = {"T", "TI", "axis"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_ASSIGN_OR_RETURN(
                            const DataType type,
                            attrs.TypeIn("T", {DataType::kFloat, DataType::kInt32, DataType::kInt64}));
                        TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("TI", kIndexTypes, DataType::kInt64).status());
                        TFCOMPAT_ASSIGN_OR_RETURN(const int64_t axis, attrs.Int("axis", -1));
                        if (type == DataType::kFloat) return Make<OneHotKernel<float>>(type, axis);
                        if (type == DataType::kInt32) return Make<OneHotKernel<int32_t>>(type, axis);
                        return Make<OneHotKernel<int64_t>>(type, axis);
                      }});
  registry->Register({.op = "GatherV2",
                      .num_inputs = 3,
                      .attrs = {"Tparams", "Tindices", "Taxis", "batch_dims"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(ExpectValueType(attrs, "Tparams"));
                        TFCOMPAT_ASSIGN_OR_RETURN(const int64_t batch_dims, attrs.Int("batch_dims", 0));
                        if (batch_dims != 0) return attrs.Unsupported("batch_dims", "only 0");
                        return Make<GatherKernel>(true, attrs.max_tensor_bytes());
                      }});
  registry->Register({.op = "ResourceGather",
                      .num_inputs = 2,
                      .attrs = {"dtype", "Tindices", "batch_dims", "validate_indices"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(ExpectValueType(attrs, "dtype"));
                        TFCOMPAT_ASSIGN_OR_RETURN(const int64_t batch_dims, attrs.Int("batch_dims", 0));
                        if (batch_dims != 0) return attrs.Unsupported("batch_dims", "only 0");
                        return Make<GatherKernel>(false, attrs.max_tensor_bytes());
                      }});
  registry->Register({.op = "Slice",
                      .num_inputs = 3,
                      .attrs = {"T", "Index"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(ExpectValueType(attrs, "T"));
                        return Make<SliceKernel>();
                      }});
  registry->Register({.op = "Where",
                      .num_inputs = 1,
                      .attrs = {"T"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("T", {DataType::kBool}, DataType::kBool).status());
                        return Make<WhereKernel>();
                      }});
  registry->Register(
      {.op = "Unique",
       .num_inputs = 1,
       .num_outputs = 2,
       .attrs = {"T", "out_idx"},
       .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
         TFCOMPAT_ASSIGN_OR_RETURN(const DataType type,
                                   attrs.TypeIn("T", {DataType::kInt32, DataType::kInt64, DataType::kString}));
         TFCOMPAT_ASSIGN_OR_RETURN(const DataType index_type, attrs.TypeIn("out_idx", kIndexTypes, DataType::kInt32));
         if (type == DataType::kInt32) return Make<UniqueKernel<int32_t>>(type, index_type);
         if (type == DataType::kInt64) return Make<UniqueKernel<int64_t>>(type, index_type);
         return Make<UniqueKernel<std::string>>(type, index_type);
       }});
  registry->Register({.op = "Transpose",
                      .num_inputs = 2,
                      .attrs = {"T", "Tperm"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_RETURN_IF_ERROR(ExpectValueType(attrs, "T"));
                        return Make<TransposeKernel>();
                      }});
  registry->Register(
      {.op = "Range",
       .num_inputs = 3,
       .attrs = {"Tidx"},
       .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
         TFCOMPAT_ASSIGN_OR_RETURN(
             const DataType type,
             attrs.TypeIn("Tidx", {DataType::kInt32, DataType::kInt64, DataType::kFloat}, DataType::kInt32));
         if (type == DataType::kInt64) return Make<RangeKernel<int64_t>>(type, attrs.max_tensor_bytes());
         if (type == DataType::kFloat) return Make<RangeKernel<float>>(type, attrs.max_tensor_bytes());
         return Make<RangeKernel<int32_t>>(type, attrs.max_tensor_bytes());
       }});
}

}  // namespace tfcompat::saved_model
