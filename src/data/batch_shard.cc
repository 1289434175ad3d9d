// SPDX-License-Identifier: Apache-2.0
#include "data/batch_shard.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <map>
#include <string>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::data {
namespace {

std::string Str(int64_t value) { return std::to_string(value); }

// InvalidArgument unless `tensor` holds exactly the elements its shape
// says: mutable_bytes() and mutable_strings() let a writer break that, and
// the slicing below reads by shape. (Its dtype is fixed-width or string:
// the Tensor API gives no other dtype to a tensor of rank 1 or more, as
// every tensor checked here is.)
Status CheckElements(const std::string& what, const Tensor& tensor) {
  const DataType dtype = tensor.dtype();
  const bool is_string = dtype == DataType::kString;
  if (is_string) {
    TFCOMPAT_ASSIGN_OR_RETURN(const int64_t count, NumElements(tensor.shape()));
    if (tensor.strings().size() != static_cast<size_t>(count)) {
      return InvalidArgumentError(what + " has shape " + ShapeDebugString(tensor.shape()) + ", which needs " +
                                  Str(count) + " strings, but holds " +
                                  Str(static_cast<int64_t>(tensor.strings().size())));
    }
    return OkStatus();
  }
  const auto element_size = static_cast<int64_t>(DataTypeSize(dtype));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t count, NumElements(tensor.shape(), element_size));  // count × size fits
  const int64_t bytes = count * element_size;
  if (tensor.bytes().size() != static_cast<size_t>(bytes)) {
    return InvalidArgumentError(what + " has shape " + ShapeDebugString(tensor.shape()) + ", which needs " +
                                Str(bytes) + " bytes of " + std::string(DataTypeName(dtype)) + ", but holds " +
                                Str(static_cast<int64_t>(tensor.bytes().size())));
  }
  return OkStatus();
}

Status CheckDense(const std::string& key, const Tensor& tensor, int64_t batch_size) {
  const std::string what = "feature '" + key + "'";
  const TensorShape& shape = tensor.shape();
  if (shape.empty() || shape[0] != batch_size) {
    return InvalidArgumentError(what + " has shape " + ShapeDebugString(shape) + ", expected a first dim of " +
                                Str(batch_size) + ", the batch's size");
  }
  return CheckElements(what, tensor);
}

// parse_example's SparseTensor for a batch of `batch_size` examples.
Status CheckSparse(const std::string& key, const SparseFeature& sparse, int64_t batch_size) {
  const std::string what = "sparse feature '" + key + "'";
  const Tensor& indices = sparse.indices;
  if (indices.dtype() != DataType::kInt64 || indices.shape().size() != 2 || indices.shape()[1] != 2) {
    return InvalidArgumentError(what + ": indices are " + std::string(DataTypeName(indices.dtype())) + " " +
                                ShapeDebugString(indices.shape()) + ", expected int64 [N,2]");
  }
  TFCOMPAT_RETURN_IF_ERROR(CheckElements(what + ": indices", indices));
  const int64_t entries = indices.shape()[0];
  if (sparse.values.shape() != TensorShape{entries}) {
    return InvalidArgumentError(what + ": values have shape " + ShapeDebugString(sparse.values.shape()) +
                                ", expected [" + Str(entries) + "], one per index");
  }
  TFCOMPAT_RETURN_IF_ERROR(CheckElements(what + ": values", sparse.values));
  const Tensor& dense_shape = sparse.dense_shape;
  if (dense_shape.dtype() != DataType::kInt64 || dense_shape.shape() != TensorShape{2}) {
    return InvalidArgumentError(what + ": dense_shape is " + std::string(DataTypeName(dense_shape.dtype())) + " " +
                                ShapeDebugString(dense_shape.shape()) + ", expected int64 [2]");
  }
  TFCOMPAT_RETURN_IF_ERROR(CheckElements(what + ": dense_shape", dense_shape));
  const std::span<const int64_t> bounds = dense_shape.flat<int64_t>();
  if (bounds[0] != batch_size || bounds[1] < 0) {
    return InvalidArgumentError(what + ": dense_shape is [" + Str(bounds[0]) + "," + Str(bounds[1]) + "], expected [" +
                                Str(batch_size) + ", n >= 0] for the batch's " + Str(batch_size) + " examples");
  }
  const std::span<const int64_t> index = indices.flat<int64_t>();
  for (int64_t i = 0; i < entries; ++i) {
    const int64_t row = index[2 * i], column = index[2 * i + 1];
    if (row < 0 || row >= bounds[0] || column < 0 || column >= bounds[1]) {
      return InvalidArgumentError(what + ": entry " + Str(i) + " has index [" + Str(row) + "," + Str(column) +
                                  "], outside dense_shape [" + Str(bounds[0]) + "," + Str(bounds[1]) + "]");
    }
  }
  return OkStatus();
}

Status CheckBatch(const Batch& batch, RowRange rows) {
  const int64_t size = batch.size;
  if (size < 0) return InvalidArgumentError("batch size " + Str(size) + " is negative");
  if (rows.begin < 0 || rows.end < rows.begin || rows.end > size) {
    return InvalidArgumentError("rows [" + Str(rows.begin) + ", " + Str(rows.end) + ") are not a range within the " +
                                Str(size) + " examples of the batch");
  }
  const size_t width = batch.feature_names == nullptr ? 0 : batch.feature_names->size();
  const size_t floats = batch.features.size();
  if (width == 0 ? floats != 0 : floats % width != 0 || floats / width != static_cast<size_t>(size)) {
    return InvalidArgumentError("features hold " + Str(static_cast<int64_t>(floats)) + " floats, expected " +
                                Str(size) + " examples × " + Str(static_cast<int64_t>(width)) + " feature names");
  }
  if (!batch.labels.empty() && batch.labels.size() != static_cast<size_t>(size)) {
    return InvalidArgumentError("labels hold " + Str(static_cast<int64_t>(batch.labels.size())) + " values, expected " +
                                Str(size) + ", one per example, or none");
  }
  const ParsedFeatures& typed = batch.typed_features;
  const bool has_typed = !typed.dense.empty() || !typed.sparse.empty();
  if (typed.batch_size != size && (has_typed || typed.batch_size != 0)) {
    return InvalidArgumentError("typed features have batch_size " + Str(typed.batch_size) + ", expected " + Str(size) +
                                ", the batch's size");
  }
  for (const auto& [key, tensor] : typed.dense) TFCOMPAT_RETURN_IF_ERROR(CheckDense(key, tensor, size));
  for (const auto& [key, sparse] : typed.sparse) TFCOMPAT_RETURN_IF_ERROR(CheckSparse(key, sparse, size));
  return OkStatus();
}

// Rows `rows` of a checked dense tensor [B, ...] into `out`, in its buffers.
// `shape` is scratch space, reused across the features of a batch.
Status SliceDense(const Tensor& tensor, RowRange rows, TensorShape* shape, Tensor* out) {
  shape->assign(tensor.shape().begin(), tensor.shape().end());
  const int64_t batch_size = (*shape)[0];
  (*shape)[0] = rows.size();
  TFCOMPAT_RETURN_IF_ERROR(out->Reset(tensor.dtype(), *shape));
  const int64_t row_elements = batch_size == 0 ? 0 : tensor.num_elements() / batch_size;
  const auto first = static_cast<size_t>(rows.begin * row_elements);
  const auto count = static_cast<size_t>(rows.size() * row_elements);
  if (tensor.dtype() == DataType::kString) {
    const auto from = tensor.strings().begin() + static_cast<std::ptrdiff_t>(first);
    std::copy(from, from + static_cast<std::ptrdiff_t>(count), out->mutable_strings()->begin());
  } else if (count > 0) {
    const size_t element_size = DataTypeSize(tensor.dtype());
    std::memcpy(out->mutable_bytes()->data(), tensor.bytes().data() + first * element_size, count * element_size);
  }
  return OkStatus();
}

// The entries of a checked SparseFeature whose row is in `rows` into `out`.
Status SliceSparse(const SparseFeature& sparse, RowRange rows, SparseFeature* out) {
  const std::span<const int64_t> index = sparse.indices.flat<int64_t>();
  const int64_t entries = sparse.indices.shape()[0];
  const auto in_rows = [&index, rows](int64_t i) { return index[2 * i] >= rows.begin && index[2 * i] < rows.end; };
  int64_t kept = 0, columns = 0;
  for (int64_t i = 0; i < entries; ++i) {
    if (!in_rows(i)) continue;
    ++kept;
    columns = std::max(columns, index[2 * i + 1] + 1);
  }
  const DataType dtype = sparse.values.dtype();
  TFCOMPAT_RETURN_IF_ERROR(out->indices.Reset(DataType::kInt64, std::array<int64_t, 2>{kept, 2}));
  TFCOMPAT_RETURN_IF_ERROR(out->values.Reset(dtype, std::array<int64_t, 1>{kept}));
  TFCOMPAT_RETURN_IF_ERROR(out->dense_shape.Reset(DataType::kInt64, std::array<int64_t, 1>{2}));
  const std::span<int64_t> out_index = out->indices.mutable_flat<int64_t>();
  const size_t element_size = DataTypeSize(dtype);
  int64_t j = 0;
  for (int64_t i = 0; i < entries; ++i) {
    if (!in_rows(i)) continue;
    out_index[2 * j] = index[2 * i] - rows.begin;
    out_index[2 * j + 1] = index[2 * i + 1];
    if (dtype == DataType::kString) {
      (*out->values.mutable_strings())[static_cast<size_t>(j)] = sparse.values.strings()[static_cast<size_t>(i)];
    } else {
      std::memcpy(out->values.mutable_bytes()->data() + static_cast<size_t>(j) * element_size,
                  sparse.values.bytes().data() + static_cast<size_t>(i) * element_size, element_size);
    }
    ++j;
  }
  const std::span<int64_t> bounds = out->dense_shape.mutable_flat<int64_t>();
  bounds[0] = rows.size();
  bounds[1] = columns;
  return OkStatus();
}

// Drops the entries of `to` whose key `from` lacks, keeping the others' nodes
// (and so their buffers) for the caller to overwrite.
template <typename Value>
void KeepKeysOf(const std::map<std::string, Value>& from, std::map<std::string, Value>* to) {
  std::erase_if(*to, [&from](const auto& entry) { return !from.contains(entry.first); });
}

}  // namespace

RowRange ShardRows(int64_t batch_size, int num_shards, int shard) {
  assert(batch_size >= 0 && num_shards >= 1 && shard >= 0 && shard < num_shards);
  const int64_t base = batch_size / num_shards;
  const int64_t extra = batch_size % num_shards;
  const int64_t begin = shard * base + std::min<int64_t>(shard, extra);
  return {.begin = begin, .end = begin + base + (shard < extra ? 1 : 0)};
}

Status SliceBatch(const Batch& batch, RowRange rows, Batch* slice) {
  assert(slice != &batch);
  TFCOMPAT_RETURN_IF_ERROR(CheckBatch(batch, rows));
  const size_t width = batch.feature_names == nullptr ? 0 : batch.feature_names->size();
  slice->feature_names = batch.feature_names;
  slice->size = rows.size();
  const auto row_begin = static_cast<size_t>(rows.begin), row_end = static_cast<size_t>(rows.end);
  slice->features.assign(batch.features.begin() + static_cast<std::ptrdiff_t>(row_begin * width),
                         batch.features.begin() + static_cast<std::ptrdiff_t>(row_end * width));
  if (batch.labels.empty()) {
    slice->labels.clear();
  } else {
    slice->labels.assign(batch.labels.begin() + static_cast<std::ptrdiff_t>(row_begin),
                         batch.labels.begin() + static_cast<std::ptrdiff_t>(row_end));
  }

  const ParsedFeatures& typed = batch.typed_features;
  ParsedFeatures& out = slice->typed_features;
  out.batch_size = typed.batch_size == batch.size ? rows.size() : 0;
  KeepKeysOf(typed.dense, &out.dense);
  KeepKeysOf(typed.sparse, &out.sparse);
  TensorShape shape;
  for (const auto& [key, tensor] : typed.dense) {
    TFCOMPAT_RETURN_IF_ERROR(SliceDense(tensor, rows, &shape, &out.dense[key]));
  }
  for (const auto& [key, sparse] : typed.sparse) TFCOMPAT_RETURN_IF_ERROR(SliceSparse(sparse, rows, &out.sparse[key]));
  return OkStatus();
}

}  // namespace tfcompat::data
