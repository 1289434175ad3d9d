// SPDX-License-Identifier: Apache-2.0
// Helpers the kernels share: index vectors in and out of int32 / int64
// tensors, and moving elements of any dtype (fixed width or string) to a
// new shape or a new order.
#ifndef TFCOMPAT_SRC_SAVED_MODEL_OPS_TENSOR_UTIL_H_
#define TFCOMPAT_SRC_SAVED_MODEL_OPS_TENSOR_UTIL_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"

namespace tfcompat::saved_model {

// The values of an int32 or int64 scalar or vector; InvalidArgument naming
// `what` for another dtype or rank.
StatusOr<std::vector<int64_t>> IndexVector(const Tensor& tensor, std::string_view what);
// The value of an int32 or int64 scalar (or one-element vector).
StatusOr<int64_t> IndexScalar(const Tensor& tensor, std::string_view what);
// An int32 or int64 tensor of `values`; `dtype` is one of the two.
Tensor IndexTensor(DataType dtype, TensorShape shape, std::span<const int64_t> values);

// InvalidArgument unless `tensor` is of `dtype`: a kernel's attribute says
// which dtype its inputs have, and a crafted graph may connect another.
Status ExpectDtype(const Tensor& tensor, DataType dtype, std::string_view what);

// InvalidArgument unless a tensor of `dtype` and `shape` takes at most
// `max_bytes` (a string element counted as its std::string). Kernels whose
// output size follows from input values (Range, Tile) or from a product of
// input shapes (MatMul, broadcasting, Pack, ConcatV2, which a chain of
// nodes can grow geometrically) call it before they allocate, so a hostile
// graph meets SavedModel::Options::max_tensor_bytes instead of the heap.
Status CheckOutputBytes(DataType dtype, const TensorShape& shape, uint64_t max_bytes);
// The same bound on a string output's contents, which CheckOutputBytes
// leaves out: `count` strings holding `content_bytes` in all, each also
// counted as its std::string. Copying one long string many times (Gather,
// Tile) or concatenating a tensor with itself node after node grows the
// contents far faster than the element count.
Status CheckStringBytes(uint64_t count, uint64_t content_bytes, uint64_t max_bytes);
// CheckStringBytes for the strings of `source` that Gathered(source, ...,
// index) would copy; OkStatus for other dtypes.
Status CheckGatheredBytes(const Tensor& source, std::span<const int64_t> index, uint64_t max_bytes);

// `source`'s elements, in the same order, under `shape` (same element count,
// checked by the caller).
StatusOr<Tensor> Reshaped(const Tensor& source, TensorShape shape);
// The tensor of `shape` whose element i is source's element index[i].
StatusOr<Tensor> Gathered(const Tensor& source, TensorShape shape, std::span<const int64_t> index);

// For each element of the block of `count` elements starting at `start`
// and advancing `step` per dimension (all of the source's rank), row-major:
// its flat index in a tensor of `source_shape` (whose row-major strides,
// or `strides` when given, step the source).
std::vector<int64_t> StridedIndex(const TensorShape& source_shape, std::span<const int64_t> start,
                                  std::span<const int64_t> step, const TensorShape& count,
                                  std::span<const int64_t> strides = {});

// Row-major strides of `shape`, in elements.
std::vector<int64_t> Strides(const TensorShape& shape);

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_OPS_TENSOR_UTIL_H_
