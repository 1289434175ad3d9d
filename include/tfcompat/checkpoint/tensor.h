// SPDX-License-Identifier: Apache-2.0
// Tensors as checkpoints store them: a TensorFlow DataType, a row-major
// shape and the element bytes (little-endian), or one std::string per
// element for DT_STRING.
//
// Usage:
//   const std::vector<float> values(10, 0.5f);
//   Tensor bias = Tensor::FromVector<float>(DataType::kFloat, {10}, values);
//   const std::string bytes(4 * 10 * sizeof(float), '\0');
//   StatusOr<Tensor> t = Tensor::FromBytes(DataType::kFloat, {4, 10}, bytes);
//   if (!t.ok()) return t.status();
//   std::span<const float> v = t->flat<float>();
#ifndef TFCOMPAT_CHECKPOINT_TENSOR_H_
#define TFCOMPAT_CHECKPOINT_TENSOR_H_

#include <cassert>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"

namespace tfcompat {

// TensorFlow's DataType values (tensorflow/core/framework/types.proto).
enum class DataType : int {
  kInvalid = 0,
  kFloat = 1,
  kDouble = 2,
  kInt32 = 3,
  kUInt8 = 4,
  kInt16 = 5,
  kInt8 = 6,
  kString = 7,
  kComplex64 = 8,
  kInt64 = 9,
  kBool = 10,
  kQInt8 = 11,
  kQUInt8 = 12,
  kQInt32 = 13,
  kBFloat16 = 14,
  kQInt16 = 15,
  kQUInt16 = 16,
  kUInt16 = 17,
  kComplex128 = 18,
  kHalf = 19,
  kResource = 20,
  kVariant = 21,
  kUInt32 = 22,
  kUInt64 = 23,
};

// The name numpy / TF print: "float32", "int64", "string", "bfloat16",
// "complex64", "qint8", "resource", ...; "invalid" for unknown values.
std::string_view DataTypeName(DataType dtype);
// The inverse of DataTypeName; NotFound for an unknown name.
StatusOr<DataType> DataTypeFromName(std::string_view name);
// TF's enum spelling for messages: "float", "double", "int64", "string" (as
// in "expected dtype float does not equal original dtype double").
std::string_view DataTypeEnumName(DataType dtype);
// Bytes per element of a fixed-width type; 0 for string, resource, variant
// and unknown values.
size_t DataTypeSize(DataType dtype);
// True for the types a checkpoint stores as plain element bytes.
inline bool IsFixedWidth(DataType dtype) { return DataTypeSize(dtype) != 0; }

using TensorShape = std::vector<int64_t>;

// The product of the dims; InvalidArgument for a negative dim or when the
// count (or count × element size, when `element_size` > 0) overflows int64.
StatusOr<int64_t> NumElements(const TensorShape& shape, size_t element_size = 0);
// TF's TensorShape::DebugString: "[]", "[10]", "[4,10]".
std::string ShapeDebugString(const TensorShape& shape);

// A dense tensor value. Copyable; moves are cheap.
class Tensor {
 public:
  // dtype kInvalid, no elements.
  Tensor() = default;

  // Takes `bytes` (little-endian, row-major) for a fixed-width dtype;
  // InvalidArgument if the size is not num_elements × element size.
  static StatusOr<Tensor> FromBytes(DataType dtype, TensorShape shape, std::string bytes);
  // A DT_STRING tensor; InvalidArgument if the count does not match.
  static StatusOr<Tensor> FromStrings(TensorShape shape, std::vector<std::string> values);
  // A zero-filled (or empty-string) tensor.
  static StatusOr<Tensor> Zeros(DataType dtype, TensorShape shape);

  // Typed construction for tests and examples. Preconditions (asserted):
  // sizeof(T) == DataTypeSize(dtype) and values.size() equals the element
  // count of `shape`.
  template <typename T>
  static Tensor FromVector(DataType dtype, TensorShape shape, const std::vector<T>& values) {
    assert(sizeof(T) == DataTypeSize(dtype));
    Tensor t;
    t.dtype_ = dtype;
    t.shape_ = std::move(shape);
    t.num_elements_ = static_cast<int64_t>(values.size());
    t.bytes_.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(t.bytes_.data(), values.data(), t.bytes_.size());
    assert(NumElements(t.shape_).ok() && *NumElements(t.shape_) == t.num_elements_);
    return t;
  }

  // Makes this a tensor of `dtype` and `shape` for the caller to fill,
  // keeping its buffers: no allocation when it held as many bytes (or
  // strings) and dims before, as an executor's outputs do run after run.
  // Fixed-width elements keep the bytes that were there (zeros where the
  // buffer grew); string elements keep their values (empty where it grew).
  // InvalidArgument as Zeros' for a negative dim or a size that overflows,
  // and the tensor is left unchanged.
  [[nodiscard]] Status Reset(DataType dtype, std::span<const int64_t> shape);

  DataType dtype() const { return dtype_; }
  const TensorShape& shape() const { return shape_; }
  int64_t num_elements() const { return num_elements_; }

  // The element bytes of a fixed-width tensor (empty for DT_STRING).
  std::string_view bytes() const { return bytes_; }
  std::string* mutable_bytes() { return &bytes_; }
  // The elements of a DT_STRING tensor; a writer keeps their count.
  const std::vector<std::string>& strings() const { return strings_; }
  std::vector<std::string>* mutable_strings() { return &strings_; }

  // A typed view; precondition: sizeof(T) == DataTypeSize(dtype()).
  template <typename T>
  std::span<const T> flat() const {
    return {reinterpret_cast<const T*>(bytes_.data()), bytes_.size() / sizeof(T)};
  }
  template <typename T>
  std::span<T> mutable_flat() {
    return {reinterpret_cast<T*>(bytes_.data()), bytes_.size() / sizeof(T)};
  }

  // Element `i` as a double (real part for complex; bool, ints, bfloat16
  // and half converted). Precondition: numeric dtype, i < num_elements().
  double ElementAsDouble(int64_t i) const;

  friend bool operator==(const Tensor& a, const Tensor& b) = default;

 private:
  DataType dtype_ = DataType::kInvalid;
  TensorShape shape_;
  int64_t num_elements_ = 0;
  std::string bytes_;
  std::vector<std::string> strings_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_CHECKPOINT_TENSOR_H_
