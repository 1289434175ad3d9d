// SPDX-License-Identifier: Apache-2.0
#include "saved_model/ops/tensor_util.h"

#include <cstring>
#include <string>
#include <utility>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {

StatusOr<std::vector<int64_t>> IndexVector(const Tensor& tensor, std::string_view what) {
  if (tensor.shape().size() > 1) {
    return InvalidArgumentError(std::string(what) + " must be a vector, got shape " + ShapeDebugString(tensor.shape()));
  }
  if (tensor.dtype() == DataType::kInt32) {
    const std::span<const int32_t> values = tensor.flat<int32_t>();
    return std::vector<int64_t>(values.begin(), values.end());
  }
  if (tensor.dtype() == DataType::kInt64) {
    const std::span<const int64_t> values = tensor.flat<int64_t>();
    return std::vector<int64_t>(values.begin(), values.end());
  }
  return InvalidArgumentError(std::string(what) + " must be int32 or int64, got " +
                              std::string(DataTypeEnumName(tensor.dtype())));
}

StatusOr<int64_t> IndexScalar(const Tensor& tensor, std::string_view what) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<int64_t> values, IndexVector(tensor, what));
  if (values.size() != 1) {
    return InvalidArgumentError(std::string(what) + " must be a scalar, got shape " + ShapeDebugString(tensor.shape()));
  }
  return values[0];
}

Status CheckOutputBytes(DataType dtype, const TensorShape& shape, uint64_t max_bytes) {
  const size_t element_size = dtype == DataType::kString ? sizeof(std::string) : DataTypeSize(dtype);
  const StatusOr<int64_t> count = NumElements(shape);
  uint64_t bytes = 0;
  if (!count.ok() || __builtin_mul_overflow(static_cast<uint64_t>(*count), element_size, &bytes) || bytes > max_bytes) {
    return InvalidArgumentError("output of shape " + ShapeDebugString(shape) + " and dtype " +
                                std::string(DataTypeEnumName(dtype)) + " would take more than max_tensor_bytes (" +
                                std::to_string(max_bytes) + " bytes)");
  }
  return OkStatus();
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

Tensor IndexTensor(DataType dtype, TensorShape shape, std::span<const int64_t> values) {
  if (dtype == DataType::kInt32) {
    return Tensor::FromVector<int32_t>(dtype, std::move(shape), std::vector<int32_t>(values.begin(), values.end()));
  }
  return Tensor::FromVector<int64_t>(dtype, std::move(shape), std::vector<int64_t>(values.begin(), values.end()));
}

Status ExpectDtype(const Tensor& tensor, DataType dtype, std::string_view what) {
  if (tensor.dtype() == dtype) return OkStatus();
  return InvalidArgumentError(std::string(what) + " is " + std::string(DataTypeEnumName(tensor.dtype())) +
                              ", expected " + std::string(DataTypeEnumName(dtype)));
}

StatusOr<Tensor> Reshaped(const Tensor& source, TensorShape shape) {
  if (source.dtype() == DataType::kString) return Tensor::FromStrings(std::move(shape), source.strings());
  return Tensor::FromBytes(source.dtype(), std::move(shape), std::string(source.bytes()));
}

StatusOr<Tensor> Gathered(const Tensor& source, TensorShape shape, std::span<const int64_t> index) {
  if (source.dtype() == DataType::kString) {
    std::vector<std::string> values;
    values.reserve(index.size());
    for (const int64_t i : index) values.push_back(source.strings()[i]);
    return Tensor::FromStrings(std::move(shape), std::move(values));
  }
  const size_t width = DataTypeSize(source.dtype());
  std::string bytes(index.size() * width, '\0');
  for (size_t i = 0; i < index.size(); ++i) {
    std::memcpy(bytes.data() + i * width, source.bytes().data() + index[i] * width, width);
  }
  return Tensor::FromBytes(source.dtype(), std::move(shape), std::move(bytes));
}

std::vector<int64_t> Strides(const TensorShape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

std::vector<int64_t> StridedIndex(const TensorShape& source_shape, std::span<const int64_t> start,
                                  std::span<const int64_t> step, const TensorShape& count,
                                  std::span<const int64_t> strides_or_empty) {
  const std::vector<int64_t> strides = strides_or_empty.empty()
                                           ? Strides(source_shape)
                                           : std::vector<int64_t>(strides_or_empty.begin(), strides_or_empty.end());
  int64_t total = 1;
  for (const int64_t c : count) total *= c;
  std::vector<int64_t> index;
  index.reserve(total);
  std::vector<int64_t> coordinate(count.size(), 0);
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
