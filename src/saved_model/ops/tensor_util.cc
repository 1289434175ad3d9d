// SPDX-License-Identifier: Apache-2.0
#include "saved_model/ops/tensor_util.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {

StatusOr<InlineIndices> IndexVector(const Tensor& tensor, std::string_view what) {
  if (tensor.shape().size() > 1) {
    return InvalidArgumentError(std::string(what) + " must be a vector, got shape " + ShapeDebugString(tensor.shape()));
  }
  if (tensor.dtype() == DataType::kInt32) {
    const std::span<const int32_t> values = tensor.flat<int32_t>();
    return InlineIndices(values.begin(), values.end());
  }
  if (tensor.dtype() == DataType::kInt64) {
    const std::span<const int64_t> values = tensor.flat<int64_t>();
    return InlineIndices(values.begin(), values.end());
  }
  return InvalidArgumentError(std::string(what) + " must be int32 or int64, got " +
                              std::string(DataTypeEnumName(tensor.dtype())));
}

StatusOr<int64_t> IndexScalar(const Tensor& tensor, std::string_view what) {
  TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices values, IndexVector(tensor, what));
  if (values.size() != 1) {
    return InvalidArgumentError(std::string(what) + " must be a scalar, got shape " + ShapeDebugString(tensor.shape()));
  }
  return values[0];
}

Status CheckOutputBytes(DataType dtype, std::span<const int64_t> shape, uint64_t max_bytes) {
  const size_t element_size = dtype == DataType::kString ? sizeof(std::string) : DataTypeSize(dtype);
  uint64_t bytes = element_size;
  bool fits = true;
  for (const int64_t dim : shape) {
    fits = fits && dim >= 0 && !__builtin_mul_overflow(bytes, static_cast<uint64_t>(dim), &bytes);
  }
  if (!fits || bytes > max_bytes) {
    return InvalidArgumentError("output of shape " + ShapeDebugString(TensorShape(shape.begin(), shape.end())) +
                                " and dtype " + std::string(DataTypeEnumName(dtype)) +
                                " would take more than max_tensor_bytes (" + std::to_string(max_bytes) + " bytes)");
  }
  return OkStatus();
}

Status AllocateOutput(DataType dtype, std::span<const int64_t> shape, uint64_t max_bytes, Tensor* out) {
  TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(dtype, shape, max_bytes));
  return out->Reset(dtype, shape);
}

Status CheckStringBytes(uint64_t count, uint64_t content_bytes, uint64_t max_bytes) {
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(count, sizeof(std::string), &bytes) ||
      __builtin_add_overflow(bytes, content_bytes, &bytes) || bytes > max_bytes) {
    return InvalidArgumentError("output of " + std::to_string(count) + " strings holding " +
                                std::to_string(content_bytes) + " bytes would take more than max_tensor_bytes (" +
                                std::to_string(max_bytes) + " bytes)");
  }
  return OkStatus();
}

Status CheckGatheredBytes(const Tensor& source, std::span<const int64_t> index, uint64_t max_bytes) {
  if (source.dtype() != DataType::kString) return OkStatus();
  uint64_t content = 0;
  for (const int64_t i : index) {
    content += source.strings()[i].size();
    // Stop summing once past the bound: an index list is itself bounded,
    // so the sum cannot overflow before this.
    if (content > max_bytes) break;
  }
  return CheckStringBytes(index.size(), content, max_bytes);
}

Status SetIndexTensor(DataType dtype, std::span<const int64_t> shape, std::span<const int64_t> values, Tensor* out) {
  TFCOMPAT_RETURN_IF_ERROR(out->Reset(dtype, shape));
  if (dtype == DataType::kInt32) {
    std::copy(values.begin(), values.end(), out->mutable_flat<int32_t>().begin());
  } else {
    std::copy(values.begin(), values.end(), out->mutable_flat<int64_t>().begin());
  }
  return OkStatus();
}

Status ExpectDtype(const Tensor& tensor, DataType dtype, std::string_view what) {
  if (tensor.dtype() == dtype) return OkStatus();
  return InvalidArgumentError(std::string(what) + " is " + std::string(DataTypeEnumName(tensor.dtype())) +
                              ", expected " + std::string(DataTypeEnumName(dtype)));
}

Status CopyReshaped(const Tensor& source, std::span<const int64_t> shape, Tensor* out) {
  TFCOMPAT_RETURN_IF_ERROR(out->Reset(source.dtype(), shape));
  if (source.dtype() == DataType::kString) {
    std::copy(source.strings().begin(), source.strings().end(), out->mutable_strings()->begin());
  } else if (!source.bytes().empty()) {
    std::memcpy(out->mutable_bytes()->data(), source.bytes().data(), source.bytes().size());
  }
  return OkStatus();
}

Status GatherInto(const Tensor& source, std::span<const int64_t> shape, std::span<const int64_t> index, Tensor* out) {
  TFCOMPAT_RETURN_IF_ERROR(out->Reset(source.dtype(), shape));
  if (source.dtype() == DataType::kString) {
    std::vector<std::string>& values = *out->mutable_strings();
    for (size_t i = 0; i < index.size(); ++i) values[i] = source.strings()[index[i]];
    return OkStatus();
  }
  const size_t width = DataTypeSize(source.dtype());
  char* bytes = out->mutable_bytes()->data();
  for (size_t i = 0; i < index.size(); ++i) {
    std::memcpy(bytes + i * width, source.bytes().data() + index[i] * width, width);
  }
  return OkStatus();
}

InlineIndices Strides(std::span<const int64_t> shape) {
  InlineIndices strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

InlineIndices StridedIndex(std::span<const int64_t> source_shape, std::span<const int64_t> start,
                           std::span<const int64_t> step, std::span<const int64_t> count,
                           std::span<const int64_t> strides_or_empty) {
  const InlineIndices strides = strides_or_empty.empty()
                                    ? Strides(source_shape)
                                    : InlineIndices(strides_or_empty.begin(), strides_or_empty.end());
  int64_t total = 1;
  for (const int64_t c : count) total *= c;
  InlineIndices index;
  index.reserve(total);
  InlineIndices coordinate(count.size(), 0);
  for (int64_t n = 0; n < total; ++n) {
    int64_t flat = 0;
    for (size_t d = 0; d < count.size(); ++d) flat += (start[d] + coordinate[d] * step[d]) * strides[d];
    index.push_back(flat);
    for (size_t d = count.size(); d-- > 0;) {
      if (++coordinate[d] < count[d]) break;
      coordinate[d] = 0;
    }
  }
  return index;
}

}  // namespace tfcompat::saved_model
