// SPDX-License-Identifier: Apache-2.0
#include "saved_model/tensor_proto.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "tfcompat/base/status_macros.h"
#include "tfcompat/saved_model/saved_model_reader.h"

namespace tfcompat::saved_model {
namespace {

// Element i of `values`, the last one past their end.
template <typename Field>
auto ValueAt(const Field& values, int64_t i) {
  return values[static_cast<int>(std::min<int64_t>(i, values.size() - 1))];
}

// `count` elements of type T from the repeated field `values` (of type
// convertible to T).
template <typename T, typename Field>
StatusOr<Tensor> FromField(DataType dtype, TensorShape shape, int64_t count, const Field& values) {
  if (values.size() > count) {
    return InvalidArgumentError("a TensorProto of shape " + ShapeDebugString(shape) + " with " +
                                std::to_string(values.size()) + " values");
  }
  std::vector<T> elements(count);
  for (int64_t i = 0; i < count && !values.empty(); ++i) elements[i] = static_cast<T>(ValueAt(values, i));
  return Tensor::FromVector<T>(dtype, std::move(shape), elements);
}

}  // namespace

StatusOr<Tensor> TensorFromProto(const tensorflow::TensorProto& proto, uint64_t max_bytes) {
  const auto dtype = static_cast<DataType>(proto.dtype());
  if (proto.tensor_shape().unknown_rank()) return InvalidArgumentError("a TensorProto of unknown rank");
  TensorShape shape;
  for (const auto& dim : proto.tensor_shape().dim()) shape.push_back(dim.size());
  // Strings are counted at the size of an empty std::string each.
  const size_t width = dtype == DataType::kString ? sizeof(std::string) : DataTypeSize(dtype);
  if (width == 0) return InvalidArgumentError("a TensorProto of dtype " + DataTypeProtoName(dtype));
  // NumElements checks that count x width does not overflow.
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t count, NumElements(shape, width));
  const int64_t bytes = count * static_cast<int64_t>(width);
  if (static_cast<uint64_t>(bytes) > max_bytes) {
    return InvalidArgumentError("a TensorProto of shape " + ShapeDebugString(shape) + " and dtype " +
                                DataTypeProtoName(dtype) + " needs " + std::to_string(bytes) +
                                " bytes, more than the limit of " + std::to_string(max_bytes));
  }
  if (dtype == DataType::kString) {
    const auto& values = proto.string_val();
    if (values.size() > count) {
      return InvalidArgumentError("a TensorProto of shape " + ShapeDebugString(shape) + " with " +
                                  std::to_string(values.size()) + " values");
    }
    std::vector<std::string> elements(count);
    for (int64_t i = 0; i < count && !values.empty(); ++i) elements[i] = ValueAt(values, i);
    return Tensor::FromStrings(std::move(shape), std::move(elements));
  }
  if (!proto.tensor_content().empty()) {
    if (proto.tensor_content().size() != static_cast<size_t>(bytes)) {
      return InvalidArgumentError("a TensorProto of shape " + ShapeDebugString(shape) + " and dtype " +
                                  DataTypeProtoName(dtype) + " with " + std::to_string(proto.tensor_content().size()) +
                                  " bytes of tensor_content, not " + std::to_string(bytes));
    }
    return Tensor::FromBytes(dtype, std::move(shape), proto.tensor_content());
  }
  switch (dtype) {
    case DataType::kFloat:
      return FromField<float>(dtype, std::move(shape), count, proto.float_val());
    case DataType::kDouble:
      return FromField<double>(dtype, std::move(shape), count, proto.double_val());
    case DataType::kInt32:
      return FromField<int32_t>(dtype, std::move(shape), count, proto.int_val());
    case DataType::kInt16:
      return FromField<int16_t>(dtype, std::move(shape), count, proto.int_val());
    case DataType::kInt8:
      return FromField<int8_t>(dtype, std::move(shape), count, proto.int_val());
    case DataType::kUInt8:
      return FromField<uint8_t>(dtype, std::move(shape), count, proto.int_val());
    case DataType::kInt64:
      return FromField<int64_t>(dtype, std::move(shape), count, proto.int64_val());
    case DataType::kBool:
      return FromField<uint8_t>(dtype, std::move(shape), count, proto.bool_val());
    default:
      return InvalidArgumentError("a TensorProto of dtype " + DataTypeProtoName(dtype) +
                                  " without tensor_content is not read here");
  }
}

}  // namespace tfcompat::saved_model
