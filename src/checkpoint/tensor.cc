// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/checkpoint/tensor.h"

#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <span>

namespace tfcompat {
namespace {

struct DataTypeInfo {
  DataType dtype;
  std::string_view name;       // numpy / tf.DType.name
  std::string_view enum_name;  // DataTypeString() in TF's C++ messages
  size_t size;
};

constexpr std::array<DataTypeInfo, 23> kDataTypes = {{
    {DataType::kFloat, "float32", "float", 4},     {DataType::kDouble, "float64", "double", 8},
    {DataType::kInt32, "int32", "int32", 4},       {DataType::kUInt8, "uint8", "uint8", 1},
    {DataType::kInt16, "int16", "int16", 2},       {DataType::kInt8, "int8", "int8", 1},
    {DataType::kString, "string", "string", 0},    {DataType::kComplex64, "complex64", "complex64", 8},
    {DataType::kInt64, "int64", "int64", 8},       {DataType::kBool, "bool", "bool", 1},
    {DataType::kQInt8, "qint8", "qint8", 1},       {DataType::kQUInt8, "quint8", "quint8", 1},
    {DataType::kQInt32, "qint32", "qint32", 4},    {DataType::kBFloat16, "bfloat16", "bfloat16", 2},
    {DataType::kQInt16, "qint16", "qint16", 2},    {DataType::kQUInt16, "quint16", "quint16", 2},
    {DataType::kUInt16, "uint16", "uint16", 2},    {DataType::kComplex128, "complex128", "complex128", 16},
    {DataType::kHalf, "float16", "half", 2},       {DataType::kResource, "resource", "resource", 0},
    {DataType::kVariant, "variant", "variant", 0}, {DataType::kUInt32, "uint32", "uint32", 4},
    {DataType::kUInt64, "uint64", "uint64", 8},
}};

constexpr bool InEnumOrder() {
  for (size_t i = 0; i < kDataTypes.size(); ++i) {
    if (static_cast<size_t>(kDataTypes[i].dtype) != i + 1) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kDataTypes is indexed by DataType - 1");

// An index, not a search: kernels ask for element sizes on every run.
const DataTypeInfo* Find(DataType dtype) {
  const size_t index = static_cast<size_t>(dtype) - 1;
  return index < kDataTypes.size() ? &kDataTypes[index] : nullptr;
}

template <typename T>
T Load(const std::string& bytes, int64_t i) {
  T value;
  std::memcpy(&value, bytes.data() + static_cast<size_t>(i) * sizeof(T), sizeof(T));
  return value;
}

// IEEE half (binary16) to double.
double HalfToDouble(uint16_t h) {
  const int sign = (h >> 15) ? -1 : 1;
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);
  if (exponent == 31) {
    return mantissa ? std::numeric_limits<double>::quiet_NaN() : sign * std::numeric_limits<double>::infinity();
  }
  return sign * std::ldexp(mantissa + 1024, exponent - 25);
}

}  // namespace

std::string_view DataTypeName(DataType dtype) {
  const DataTypeInfo* info = Find(dtype);
  return info ? info->name : "invalid";
}

std::string_view DataTypeEnumName(DataType dtype) {
  const DataTypeInfo* info = Find(dtype);
  return info ? info->enum_name : "invalid";
}

StatusOr<DataType> DataTypeFromName(std::string_view name) {
  for (const DataTypeInfo& info : kDataTypes) {
    if (info.name == name) return info.dtype;
  }
  return NotFoundError("unknown dtype name: " + std::string(name));
}

size_t DataTypeSize(DataType dtype) {
  const DataTypeInfo* info = Find(dtype);
  return info ? info->size : 0;
}

StatusOr<int64_t> NumElements(const TensorShape& shape, size_t element_size) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) return InvalidArgumentError("Invalid tensor shape: " + ShapeDebugString(shape));
    // Overflow checks by multiplication: a division per dimension costs
    // more than the rest of a small kernel's bookkeeping.
    if (__builtin_mul_overflow(count, dim, &count)) {
      return InvalidArgumentError("Invalid tensor shape: " + ShapeDebugString(shape) +
                                  " (element count overflows int64)");
    }
  }
  int64_t bytes = 0;
  if (__builtin_mul_overflow(count, static_cast<int64_t>(element_size), &bytes)) {
    return InvalidArgumentError("Invalid tensor shape: " + ShapeDebugString(shape) + " (byte size overflows int64)");
  }
  return count;
}

std::string ShapeDebugString(const TensorShape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ",";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

StatusOr<Tensor> Tensor::FromBytes(DataType dtype, TensorShape shape, std::string bytes) {
  const size_t element_size = DataTypeSize(dtype);
  if (element_size == 0 || dtype == DataType::kString) {
    return InvalidArgumentError("Tensor::FromBytes needs a fixed-width dtype, got " + std::string(DataTypeName(dtype)));
  }
  StatusOr<int64_t> count = NumElements(shape, element_size);
  if (!count.ok()) return count.status();
  if (bytes.size() != static_cast<uint64_t>(*count) * element_size) {
    return InvalidArgumentError(
        "tensor of shape " + ShapeDebugString(shape) + " and dtype " + std::string(DataTypeName(dtype)) + " needs " +
        std::to_string(*count * static_cast<int64_t>(element_size)) + " bytes, got " + std::to_string(bytes.size()));
  }
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.num_elements_ = *count;
  t.bytes_ = std::move(bytes);
  return t;
}

StatusOr<Tensor> Tensor::FromStrings(TensorShape shape, std::vector<std::string> values) {
  StatusOr<int64_t> count = NumElements(shape);
  if (!count.ok()) return count.status();
  if (values.size() != static_cast<uint64_t>(*count)) {
    return InvalidArgumentError("string tensor of shape " + ShapeDebugString(shape) + " needs " +
                                std::to_string(*count) + " values, got " + std::to_string(values.size()));
  }
  Tensor t;
  t.dtype_ = DataType::kString;
  t.shape_ = std::move(shape);
  t.num_elements_ = *count;
  t.strings_ = std::move(values);
  return t;
}

StatusOr<Tensor> Tensor::Zeros(DataType dtype, TensorShape shape) {
  if (dtype == DataType::kString) {
    StatusOr<int64_t> count = NumElements(shape);
    if (!count.ok()) return count.status();
    return FromStrings(std::move(shape), std::vector<std::string>(static_cast<size_t>(*count)));
  }
  StatusOr<int64_t> count = NumElements(shape, DataTypeSize(dtype));
  if (!count.ok()) return count.status();
  return FromBytes(dtype, std::move(shape), std::string(static_cast<size_t>(*count) * DataTypeSize(dtype), '\0'));
}

Status Tensor::Reset(DataType dtype, std::span<const int64_t> shape) {
  const bool is_string = dtype == DataType::kString;
  if (!is_string && !IsFixedWidth(dtype)) {
    return InvalidArgumentError("Tensor::Reset needs a fixed-width dtype or string, got " +
                                std::string(DataTypeName(dtype)));
  }
  const size_t element_size = DataTypeSize(dtype);
  // NumElements' checks without its StatusOr, which would cost more than
  // the rest of Reset; it words the error.
  int64_t count = 1, bytes = 0;
  bool valid = true;
  for (const int64_t dim : shape) valid = valid && dim >= 0 && !__builtin_mul_overflow(count, dim, &count);
  if (!valid || __builtin_mul_overflow(count, static_cast<int64_t>(element_size), &bytes)) {
    return NumElements(TensorShape(shape.begin(), shape.end()), element_size).status();
  }
  dtype_ = dtype;
  shape_.assign(shape.begin(), shape.end());
  num_elements_ = count;
  bytes_.resize(static_cast<size_t>(bytes));
  strings_.resize(is_string ? static_cast<size_t>(count) : 0);
  return OkStatus();
}

double Tensor::ElementAsDouble(int64_t i) const {
  switch (dtype_) {
    case DataType::kFloat:
      return Load<float>(bytes_, i);
    case DataType::kDouble:
      return Load<double>(bytes_, i);
    case DataType::kInt32:
    case DataType::kQInt32:
      return Load<int32_t>(bytes_, i);
    case DataType::kUInt8:
    case DataType::kQUInt8:
    case DataType::kBool:
      return Load<uint8_t>(bytes_, i);
    case DataType::kInt16:
    case DataType::kQInt16:
      return Load<int16_t>(bytes_, i);
    case DataType::kInt8:
    case DataType::kQInt8:
      return Load<int8_t>(bytes_, i);
    case DataType::kInt64:
      return static_cast<double>(Load<int64_t>(bytes_, i));
    case DataType::kUInt16:
    case DataType::kQUInt16:
      return Load<uint16_t>(bytes_, i);
    case DataType::kUInt32:
      return Load<uint32_t>(bytes_, i);
    case DataType::kUInt64:
      return static_cast<double>(Load<uint64_t>(bytes_, i));
    case DataType::kComplex64:
      return Load<float>(bytes_, 2 * i);
    case DataType::kComplex128:
      return Load<double>(bytes_, 2 * i);
    case DataType::kBFloat16:
      return std::bit_cast<float>(static_cast<uint32_t>(Load<uint16_t>(bytes_, i)) << 16);
    case DataType::kHalf:
      return HalfToDouble(Load<uint16_t>(bytes_, i));
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace tfcompat
