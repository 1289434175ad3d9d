// SPDX-License-Identifier: Apache-2.0
// Helpers the kernels share: index vectors in and out of int32 / int64
// tensors, and moving elements of any dtype (fixed width or string) to a
// new shape or a new order.
#ifndef TFCOMPAT_SRC_SAVED_MODEL_OPS_TENSOR_UTIL_H_
#define TFCOMPAT_SRC_SAVED_MODEL_OPS_TENSOR_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

// GCC 12 misreads small_vector's moves of its inline buffer as reads past
// it (-Wstringop-overread, a known false positive of its middle end).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overread"
#include <boost/container/small_vector.hpp>
#pragma GCC diagnostic pop

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"

namespace tfcompat::saved_model {

// Index lists a kernel builds on every run (a shape, per-dimension starts
// and steps), kept inline up to rank 8: a heap allocation would cost more
// than the rest of a small kernel.
// Converts to a span as a std::vector does (Boost's iterators do not model
// contiguous_iterator, so std::span's range constructor refuses them).
class InlineIndices : public boost::container::small_vector<int64_t, 8> {
 public:
  using small_vector::small_vector;
  operator std::span<const int64_t>() const { return {data(), size()}; }  // NOLINT: implicit, as vector's
};

// The values of an int32 or int64 scalar or vector; InvalidArgument naming
// `what` for another dtype or rank.
StatusOr<InlineIndices> IndexVector(const Tensor& tensor, std::string_view what);
// The value of an int32 or int64 scalar (or one-element vector).
StatusOr<int64_t> IndexScalar(const Tensor& tensor, std::string_view what);
// Makes `*out` an int32 or int64 tensor (`dtype`, one of the two) of
// `shape` holding `values`, reusing its buffers (Tensor::Reset).
Status SetIndexTensor(DataType dtype, std::span<const int64_t> shape, std::span<const int64_t> values, Tensor* out);

// InvalidArgument unless `tensor` is of `dtype`: a kernel's attribute says
// which dtype its inputs have, and a crafted graph may connect another.
Status ExpectDtype(const Tensor& tensor, DataType dtype, std::string_view what);

// InvalidArgument unless a tensor of `dtype` and `shape` takes at most
// `max_bytes` (a string element counted as its std::string). Kernels whose
// output size follows from input values (Range, Tile) or from a product of
// input shapes (MatMul, broadcasting, Pack, ConcatV2, which a chain of
// nodes can grow geometrically) call it before they allocate, so a hostile
// graph meets SavedModel::Options::max_tensor_bytes instead of the heap.
Status CheckOutputBytes(DataType dtype, std::span<const int64_t> shape, uint64_t max_bytes);
inline Status CheckOutputBytes(DataType dtype, std::initializer_list<int64_t> shape, uint64_t max_bytes) {
  return CheckOutputBytes(dtype, std::span<const int64_t>(shape.begin(), shape.size()), max_bytes);
}
// CheckOutputBytes, then Tensor::Reset: how a kernel whose output size
// follows from its inputs makes that output.
Status AllocateOutput(DataType dtype, std::span<const int64_t> shape, uint64_t max_bytes, Tensor* out);
// The same bound on a string output's contents, which CheckOutputBytes
// leaves out: `count` strings holding `content_bytes` in all, each also
// counted as its std::string. Copying one long string many times (Gather,
// Tile) or concatenating a tensor with itself node after node grows the
// contents far faster than the element count.
Status CheckStringBytes(uint64_t count, uint64_t content_bytes, uint64_t max_bytes);
// CheckStringBytes for the strings of `source` that Gathered(source, ...,
// index) would copy; OkStatus for other dtypes.
Status CheckGatheredBytes(const Tensor& source, std::span<const int64_t> index, uint64_t max_bytes);

// Makes `*out` (not `source`) hold `source`'s elements, in the same order,
// under `shape` (same element count, checked by the caller), reusing its
// buffers.
Status CopyReshaped(const Tensor& source, std::span<const int64_t> shape, Tensor* out);
// Makes `*out` (not `source`) the tensor of `shape` whose element i is
// source's element index[i], reusing its buffers.
Status GatherInto(const Tensor& source, std::span<const int64_t> shape, std::span<const int64_t> index, Tensor* out);

// For each element of the block of `count` elements starting at `start`
// and advancing `step` per dimension (all of the source's rank), row-major:
// its flat index in a tensor of `source_shape` (whose row-major strides,
// or `strides` when given, step the source).
InlineIndices StridedIndex(std::span<const int64_t> source_shape, std::span<const int64_t> start,
                           std::span<const int64_t> step, std::span<const int64_t> count,
                           std::span<const int64_t> strides = {});

// Row-major strides of `shape`, in elements.
InlineIndices Strides(std::span<const int64_t> shape);

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_OPS_TENSOR_UTIL_H_
