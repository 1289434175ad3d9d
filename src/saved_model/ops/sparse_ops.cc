// SPDX-License-Identifier: Apache-2.0
// The sparse ops of the categorical feature columns: SparseCross (crossed
// columns, on the feature-column library's Fingerprint64 and
// FingerprintCat64), SparseReshape, SparseFillEmptyRows, SparseToDense
// (indicator columns), SparseSegmentSum / Mean / SqrtN (embedding and
// linear weighted sums) and SegmentSum (weighted columns). Semantics and
// messages are those of TF's kernels (tensorflow/core/kernels/
// {sparse_cross_op,reshape_util,sparse_fill_empty_rows_op,sparse_to_dense_op,
// segment_reduction_ops_impl}.cc).
//
// A sparse tensor is three tensors: int64 indices [n, rank], values [n] and
// an int64 dense shape [rank]. Every index a kernel follows is checked
// against the shape it indexes, and every output whose size follows from
// input values is checked against max_tensor_bytes before it is allocated.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "feature_column/fingerprint.h"
#include "saved_model/ops/kernel.h"
#include "saved_model/ops/tensor_util.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

bool IsMatrix(const Tensor& t) { return t.shape().size() == 2; }
bool IsVector(const Tensor& t) { return t.shape().size() == 1; }
bool IsScalar(const Tensor& t) { return t.shape().empty(); }

std::string IndexString(std::span<const int64_t> index) {
  std::string text = "[";
  for (size_t d = 0; d < index.size(); ++d) {
    if (d > 0) text += ',';
    text += std::to_string(index[d]);
  }
  return text + "]";
}

// The feature of one SparseCross input: per batch row, where its values
// start and how many there are, and each value as the cross consumes it.
struct CrossColumn {
  std::vector<int64_t> starts;
  std::vector<int64_t> counts;
  // Fingerprint64 of a string, an integer as it is.
  std::vector<uint64_t> hashes;
};

// The value `i` of `values` (int64 or string) as the cross hashes it.
uint64_t CrossValue(const Tensor& values, int64_t i) {
  if (values.dtype() == DataType::kString) return feature_column::Fingerprint64(values.strings()[i]);
  return static_cast<uint64_t>(values.flat<int64_t>()[i]);
}

constexpr uint64_t kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// SparseCross with hashed_output (what crossed_column writes): per row, every
// combination of one value of each input, FingerprintCat64-chained from
// hash_key, modulo num_buckets when it is positive, else modulo the largest
// int64 (TF's way of keeping the id non-negative).
class SparseCrossKernel final : public OpKernel {
 public:
  SparseCrossKernel(std::vector<DataType> sparse_types, std::vector<DataType> dense_types, int64_t num_buckets,
                    uint64_t hash_key, uint64_t max_bytes)
      : sparse_types_(std::move(sparse_types)),
        dense_types_(std::move(dense_types)),
        num_buckets_(num_buckets),
        hash_key_(hash_key),
        max_bytes_(max_bytes) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const size_t n = sparse_types_.size();
    const std::span<const Tensor*const> indices = inputs.subspan(0, n), values = inputs.subspan(n, n),
                                        shapes = inputs.subspan(2 * n, n), dense = inputs.subspan(3 * n);
    // The batch size: the first sparse input's dense_shape[0], else the
    // first dense input's rows.
    int64_t batch_size = 0;
    if (n > 0) {
      if (!IsVector(*shapes[0]) || shapes[0]->num_elements() != 2 || shapes[0]->dtype() != DataType::kInt64) {
        return InvalidArgumentError("Input shapes should be a vector of 2 int64 but received shape " +
                                    ShapeDebugString(shapes[0]->shape()) + " at position 0");
      }
      batch_size = shapes[0]->flat<int64_t>()[0];
    } else if (!dense.empty() && IsMatrix(*dense[0])) {
      batch_size = dense[0]->shape()[0];
    }
    if (batch_size < 0) return InvalidArgumentError("Expected a batch size >= 0, got " + std::to_string(batch_size));
    // The per-row bookkeeping below takes a few int64 per batch row.
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(DataType::kInt64, {batch_size}, max_bytes_));
    std::vector<CrossColumn> columns;
    for (size_t i = 0; i < n; ++i) {
      TFCOMPAT_ASSIGN_OR_RETURN(CrossColumn column, SparseColumn(*indices[i], *values[i], *shapes[i], i, batch_size));
      columns.push_back(std::move(column));
    }
    for (size_t i = 0; i < dense.size(); ++i) {
      TFCOMPAT_ASSIGN_OR_RETURN(CrossColumn column, DenseColumn(*dense[i], i, batch_size));
      columns.push_back(std::move(column));
    }
    // Per row, the number of crosses: the product of its value counts.
    std::vector<int64_t> cross_counts(batch_size, columns.empty() ? 0 : 1);
    int64_t total = 0, widest = 0;
    for (int64_t row = 0; row < batch_size; ++row) {
      for (const CrossColumn& column : columns) {
        if (__builtin_mul_overflow(cross_counts[row], column.counts[row], &cross_counts[row])) {
          return InvalidArgumentError("SparseCross: the crosses of batch row " + std::to_string(row) +
                                      " overflow int64");
        }
      }
      if (__builtin_add_overflow(total, cross_counts[row], &total)) {
        return InvalidArgumentError("SparseCross: the number of crosses overflows int64");
      }
      widest = std::max(widest, cross_counts[row]);
    }
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(DataType::kInt64, {total, 2}, max_bytes_));
    std::vector<int64_t> out_indices, out_values;
    out_indices.reserve(2 * total);
    out_values.reserve(total);
    std::vector<int64_t> position(columns.size());
    for (int64_t row = 0; row < batch_size; ++row) {
      std::fill(position.begin(), position.end(), 0);
      // Every combination, the last column's value changing fastest.
      for (int64_t k = 0; k < cross_counts[row]; ++k) {
        out_indices.push_back(row);
        out_indices.push_back(k);
        uint64_t hash = hash_key_;
        for (size_t c = 0; c < columns.size(); ++c) {
          hash = feature_column::FingerprintCat64(hash, columns[c].hashes[columns[c].starts[row] + position[c]]);
        }
        out_values.push_back(
            static_cast<int64_t>(hash % static_cast<uint64_t>(num_buckets_ > 0 ? num_buckets_ : kInt64Max)));
        for (size_t c = columns.size(); c-- > 0;) {
          if (++position[c] < columns[c].counts[row]) break;
          position[c] = 0;
        }
      }
    }
    outputs[0] = Tensor::FromVector<int64_t>(DataType::kInt64, {total, 2}, out_indices);
    outputs[1] = Tensor::FromVector<int64_t>(DataType::kInt64, {total}, out_values);
    outputs[2] = Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {batch_size, widest});
    return OkStatus();
  }

 private:
  StatusOr<CrossColumn> SparseColumn(const Tensor& indices, const Tensor& values, const Tensor& shape, size_t i,
                                     int64_t batch_size) const {
    const std::string at = " at position " + std::to_string(i);
    if (!IsMatrix(indices) || indices.shape()[1] != 2 || indices.dtype() != DataType::kInt64) {
      return InvalidArgumentError("Input indices should be a matrix of int64 [n, 2] but received shape " +
                                  ShapeDebugString(indices.shape()) + at);
    }
    if (!IsVector(values) || values.num_elements() != indices.shape()[0] || values.dtype() != sparse_types_[i]) {
      return InvalidArgumentError("Input values should be a vector of " + std::to_string(indices.shape()[0]) + " " +
                                  std::string(DataTypeEnumName(sparse_types_[i])) + " but received shape " +
                                  ShapeDebugString(values.shape()) + at);
    }
    if (!IsVector(shape) || shape.num_elements() != 2 || shape.dtype() != DataType::kInt64) {
      return InvalidArgumentError("Input shapes should be a vector of 2 int64 but received shape " +
                                  ShapeDebugString(shape.shape()) + at);
    }
    if (shape.flat<int64_t>()[0] != batch_size) {
      return InvalidArgumentError("Expected batch size " + std::to_string(batch_size) + " got " +
                                  std::to_string(shape.flat<int64_t>()[0]) + at);
    }
    CrossColumn column;
    column.counts.assign(batch_size, 0);
    const std::span<const int64_t> flat = indices.flat<int64_t>();
    for (int64_t k = 0; k < indices.shape()[0]; ++k) {
      const int64_t row = flat[2 * k];
      if (row < 0 || row >= batch_size) {
        return InvalidArgumentError("Input indices[" + std::to_string(k) +
                                    "] = " + IndexString(flat.subspan(2 * k, 2)) +
                                    " is out of bounds: need 0 <= row < " + std::to_string(batch_size) + at);
      }
      ++column.counts[row];
    }
    // Each row's values follow those of the rows before it (indices in
    // row-major order, as TF's parsers write them).
    column.starts.assign(batch_size, 0);
    for (int64_t row = 1; row < batch_size; ++row) column.starts[row] = column.starts[row - 1] + column.counts[row - 1];
    for (int64_t k = 0; k < values.num_elements(); ++k) column.hashes.push_back(CrossValue(values, k));
    return column;
  }

  StatusOr<CrossColumn> DenseColumn(const Tensor& dense, size_t i, int64_t batch_size) const {
    const std::string at = " at position " + std::to_string(i);
    if (!IsMatrix(dense) || dense.dtype() != dense_types_[i]) {
      return InvalidArgumentError("Dense inputs should be a matrix of " +
                                  std::string(DataTypeEnumName(dense_types_[i])) + " but received shape " +
                                  ShapeDebugString(dense.shape()) + at);
    }
    if (dense.shape()[0] != batch_size) {
      return InvalidArgumentError("Expected batch size " + std::to_string(batch_size) + " got " +
                                  std::to_string(dense.shape()[0]) + at);
    }
    CrossColumn column;
    const int64_t width = dense.shape()[1];
    for (int64_t row = 0; row < batch_size; ++row) {
      column.starts.push_back(row * width);
      column.counts.push_back(width);
    }
    for (int64_t k = 0; k < dense.num_elements(); ++k) column.hashes.push_back(CrossValue(dense, k));
    return column;
  }

  std::vector<DataType> sparse_types_;
  std::vector<DataType> dense_types_;
  int64_t num_buckets_;
  uint64_t hash_key_;
  uint64_t max_bytes_;
};

StatusOr<std::unique_ptr<OpKernel>> MakeSparseCross(const NodeAttrs& attrs) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::vector<DataType> sparse_types, attrs.TypeList("sparse_types"));
  TFCOMPAT_ASSIGN_OR_RETURN(std::vector<DataType> dense_types, attrs.TypeList("dense_types"));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t n, attrs.Int("N", 0));
  if (n != static_cast<int64_t>(sparse_types.size())) return attrs.Error("attr 'N' must equal len(sparse_types)");
  for (const DataType type : sparse_types) {
    if (type != DataType::kInt64 && type != DataType::kString)
      return attrs.Unsupported("sparse_types", "int64, string");
  }
  for (const DataType type : dense_types) {
    if (type != DataType::kInt64 && type != DataType::kString) return attrs.Unsupported("dense_types", "int64, string");
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const bool hashed, attrs.Bool("hashed_output", false));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t num_buckets, attrs.Int("num_buckets", 0));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t hash_key, attrs.Int("hash_key", 0));
  // String crosses ("a_X_b", tf.sparse.cross) are not what feature columns
  // write; hashed ones are int64 throughout.
  if (!hashed) return attrs.Unsupported("hashed_output", "only true");
  TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("out_type", {DataType::kInt64}).status());
  TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("internal_type", {DataType::kInt64}).status());
  if (num_buckets < 0) return attrs.Unsupported("num_buckets", "a count of at least 0");
  return std::unique_ptr<OpKernel>(new SparseCrossKernel(std::move(sparse_types), std::move(dense_types), num_buckets,
                                                         static_cast<uint64_t>(hash_key), attrs.max_tensor_bytes()));
}

// Checks `indices` ([n, rank] int64) against `shape` (int64 [rank]): each
// index within the shape.
Status CheckSparseIndices(const Tensor& indices, const Tensor& shape) {
  if (!IsMatrix(indices) || indices.dtype() != DataType::kInt64) {
    return InvalidArgumentError("Input indices should be an int64 matrix but received shape " +
                                ShapeDebugString(indices.shape()));
  }
  if (!IsVector(shape) || shape.dtype() != DataType::kInt64) {
    return InvalidArgumentError("Input shape should be an int64 vector but received shape " +
                                ShapeDebugString(shape.shape()));
  }
  const int64_t rank = shape.num_elements();
  if (indices.shape()[1] != rank) {
    return InvalidArgumentError("Input shape has " + std::to_string(rank) + " dimensions but the indices have " +
                                std::to_string(indices.shape()[1]) + " columns");
  }
  const std::span<const int64_t> flat = indices.flat<int64_t>(), dims = shape.flat<int64_t>();
  for (int64_t k = 0; k < indices.shape()[0]; ++k) {
    const std::span<const int64_t> index = flat.subspan(k * rank, rank);
    for (int64_t d = 0; d < rank; ++d) {
      if (index[d] < 0 || index[d] >= dims[d]) {
        return InvalidArgumentError("indices[" + std::to_string(k) + "] = " + IndexString(index) +
                                    " is out of bounds: need 0 <= index < " + IndexString(dims));
      }
    }
  }
  return OkStatus();
}

class SparseReshapeKernel final : public OpKernel {
 public:
  explicit SparseReshapeKernel(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& indices = *inputs[0];
    const Tensor& input_shape = *inputs[1];
    const Tensor& new_shape = *inputs[2];
    TFCOMPAT_RETURN_IF_ERROR(CheckSparseIndices(indices, input_shape));
    if (!IsVector(new_shape) || new_shape.dtype() != DataType::kInt64) {
      return InvalidArgumentError("Target shape should be a vector but received shape " +
                                  ShapeDebugString(new_shape.shape()));
    }
    const TensorShape in_dims(input_shape.flat<int64_t>().begin(), input_shape.flat<int64_t>().end());
    TensorShape out_dims(new_shape.flat<int64_t>().begin(), new_shape.flat<int64_t>().end());
    StatusOr<int64_t> dense_size = NumElements(in_dims);
    if (!dense_size.ok()) return InvalidArgumentError("Input shape " + ShapeDebugString(in_dims) + " is too large");
    int64_t product = 1;
    int unknown = -1;
    for (size_t d = 0; d < out_dims.size(); ++d) {
      if (out_dims[d] == -1) {
        if (unknown != -1) {
          return InvalidArgumentError("only one output dimension may be -1, not both " + std::to_string(unknown) +
                                      " and " + std::to_string(d));
        }
        unknown = static_cast<int>(d);
      } else if (out_dims[d] < 0) {
        return InvalidArgumentError("size " + std::to_string(d) + " must be non-negative, not " +
                                    std::to_string(out_dims[d]));
      } else if (__builtin_mul_overflow(product, out_dims[d], &product)) {
        return InvalidArgumentError("Target shape " + ShapeDebugString(out_dims) + " is too large");
      }
    }
    if (unknown != -1) {
      if (product <= 0) {
        return InvalidArgumentError(
            "reshape cannot infer the missing input size for an empty tensor unless all specified input sizes are "
            "non-zero");
      }
      const int64_t missing = *dense_size / product;
      if (missing * product != *dense_size) {
        out_dims[unknown] = 1;  // TF prints the target shape with 1 for -1.
        return InvalidArgumentError("Input to reshape is a SparseTensor with " + std::to_string(*dense_size) +
                                    " dense values, but the requested shape requires a multiple of " +
                                    std::to_string(product) + ". input_shape=" + ShapeDebugString(in_dims) +
                                    " output_shape=" + ShapeDebugString(out_dims));
      }
      out_dims[unknown] = missing;
      product *= missing;
    }
    if (product != *dense_size) {
      return InvalidArgumentError("Input to reshape is a tensor with " + std::to_string(*dense_size) +
                                  " dense values, but the requested shape has " + std::to_string(product) +
                                  ". input_shape=" + ShapeDebugString(in_dims) +
                                  " output_shape=" + ShapeDebugString(out_dims));
    }
    const int64_t n = indices.shape()[0];
    const auto out_rank = static_cast<int64_t>(out_dims.size());
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(DataType::kInt64, {n, out_rank}, max_bytes_));
    const InlineIndices in_strides = Strides(in_dims), out_strides = Strides(out_dims);
    const std::span<const int64_t> flat = indices.flat<int64_t>();
    std::vector<int64_t> out(n * out_rank);
    for (int64_t k = 0; k < n; ++k) {
      // Indices are within the shape (checked), so the offset is below
      // dense_size and does not overflow.
      int64_t offset = 0;
      for (size_t d = 0; d < in_dims.size(); ++d) offset += flat[k * in_dims.size() + d] * in_strides[d];
      for (int64_t d = 0; d < out_rank; ++d) {
        out[k * out_rank + d] = offset / out_strides[d];
        offset %= out_strides[d];
      }
    }
    outputs[0] = Tensor::FromVector<int64_t>(DataType::kInt64, {n, out_rank}, out);
    outputs[1] = Tensor::FromVector<int64_t>(DataType::kInt64, {out_rank}, out_dims);
    return OkStatus();
  }

 private:
  uint64_t max_bytes_;
};

class SparseFillEmptyRowsKernel final : public OpKernel {
 public:
  SparseFillEmptyRowsKernel(DataType dtype, uint64_t max_bytes) : dtype_(dtype), max_bytes_(max_bytes) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& indices = *inputs[0];
    const Tensor& values = *inputs[1];
    const Tensor& dense_shape = *inputs[2];
    const Tensor& default_value = *inputs[3];
    if (!IsVector(dense_shape) || dense_shape.dtype() != DataType::kInt64) {
      return InvalidArgumentError("dense_shape must be a vector, saw: " + ShapeDebugString(dense_shape.shape()));
    }
    if (!IsMatrix(indices) || indices.dtype() != DataType::kInt64) {
      return InvalidArgumentError("indices must be a matrix, saw: " + ShapeDebugString(indices.shape()));
    }
    if (!IsVector(values) || values.dtype() != dtype_) {
      return InvalidArgumentError("values must be a vector, saw: " + ShapeDebugString(values.shape()));
    }
    if (!IsScalar(default_value) || default_value.dtype() != dtype_) {
      return InvalidArgumentError("default_value must be a scalar, saw: " + ShapeDebugString(default_value.shape()));
    }
    const int64_t n = indices.shape()[0];
    const int64_t rank = indices.shape()[1];
    if (values.num_elements() != n) {
      return InvalidArgumentError("The length of `values` (" + std::to_string(values.num_elements()) +
                                  ") must match the first dimension of `indices` (" + std::to_string(n) + ").");
    }
    if (dense_shape.num_elements() != rank) {
      return InvalidArgumentError("The length of `dense_shape` (" + std::to_string(dense_shape.num_elements()) +
                                  ") must match the second dimension of `indices` (" + std::to_string(rank) + ").");
    }
    if (rank == 0) return InvalidArgumentError("Dense shape cannot be empty.");
    const int64_t dense_rows = dense_shape.flat<int64_t>()[0];
    if (dense_rows < 0) {
      return InvalidArgumentError("dense_shape[0] must be non-negative, saw: " + std::to_string(dense_rows));
    }
    // Per dense row an int64 of bookkeeping (and a bool of output).
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(DataType::kInt64, {dense_rows}, max_bytes_));
    const std::span<const int64_t> flat = indices.flat<int64_t>();
    std::vector<int64_t> row_counts(dense_rows, 0);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t row = flat[k * rank];
      if (row < 0 || row >= dense_rows) {
        return InvalidArgumentError("indices(" + std::to_string(k) + ", 0) is invalid: " + std::to_string(row) +
                                    (row < 0 ? " < 0" : " >= " + std::to_string(dense_rows)));
      }
      ++row_counts[row];
    }
    // Each row's entries, in input order, at the row's offset; an empty row
    // takes one entry, [row, 0...] with the default value.
    std::vector<int64_t> offsets(dense_rows + 1, 0);
    std::vector<uint8_t> empty(dense_rows, 0);
    for (int64_t row = 0; row < dense_rows; ++row) {
      empty[row] = row_counts[row] == 0 ? 1 : 0;
      offsets[row + 1] = offsets[row] + std::max<int64_t>(row_counts[row], 1);
    }
    const int64_t total = offsets[dense_rows];
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(DataType::kInt64, {total, rank}, max_bytes_));
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(dtype_, {total}, max_bytes_));
    std::vector<int64_t> out_indices(total * rank, 0), source(total, -1), reverse(n);
    std::vector<int64_t> filled(dense_rows, 0);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t row = flat[k * rank];
      const int64_t at = offsets[row] + filled[row]++;
      std::copy_n(flat.begin() + k * rank, rank, out_indices.begin() + at * rank);
      source[at] = k;
      reverse[k] = at;
    }
    for (int64_t row = 0; row < dense_rows; ++row) {
      if (empty[row]) out_indices[offsets[row] * rank] = row;
    }
    outputs[0] = Tensor::FromVector<int64_t>(DataType::kInt64, {total, rank}, out_indices);
    TFCOMPAT_ASSIGN_OR_RETURN(outputs[1], FilledValues(values, default_value, source));
    outputs[2] = Tensor::FromVector<uint8_t>(DataType::kBool, {dense_rows}, empty);
    outputs[3] = Tensor::FromVector<int64_t>(DataType::kInt64, {n}, reverse);
    return OkStatus();
  }

 private:
  // values[source[i]], or the default where source[i] is -1.
  static StatusOr<Tensor> FilledValues(const Tensor& values, const Tensor& default_value,
                                       const std::vector<int64_t>& source) {
    const auto total = static_cast<int64_t>(source.size());
    if (values.dtype() == DataType::kString) {
      std::vector<std::string> out;
      out.reserve(total);
      for (const int64_t k : source) out.push_back(k < 0 ? default_value.strings()[0] : values.strings()[k]);
      return Tensor::FromStrings({total}, std::move(out));
    }
    const size_t width = DataTypeSize(values.dtype());
    std::string bytes(total * width, '\0');
    for (int64_t i = 0; i < total; ++i) {
      const char* from = source[i] < 0 ? default_value.bytes().data() : values.bytes().data() + source[i] * width;
      std::memcpy(bytes.data() + i * width, from, width);
    }
    return Tensor::FromBytes(values.dtype(), {total}, std::move(bytes));
  }

  DataType dtype_;
  uint64_t max_bytes_;
};

class SparseToDenseKernel final : public OpKernel {
 public:
  SparseToDenseKernel(DataType dtype, bool validate_indices, uint64_t max_bytes)
      : dtype_(dtype), validate_indices_(validate_indices), max_bytes_(max_bytes) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& indices_tensor = *inputs[0];
    const Tensor& values = *inputs[2];
    const Tensor& default_value = *inputs[3];
    if (indices_tensor.shape().size() > 2) {
      return InvalidArgumentError("sparse_indices should be a scalar, vector, or matrix, got shape " +
                                  ShapeDebugString(indices_tensor.shape()));
    }
    if (inputs[1]->shape().size() > 1) {
      return InvalidArgumentError("output_shape should be a scalar or vector, got shape " +
                                  ShapeDebugString(inputs[1]->shape()));
    }
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices dims, IndexVector(*inputs[1], "output_shape"));
    const TensorShape shape(dims.begin(), dims.end());
    Tensor flat_indices;
    const int64_t index_count = indices_tensor.num_elements();
    TFCOMPAT_RETURN_IF_ERROR(CopyReshaped(indices_tensor, std::span<const int64_t>(&index_count, 1), &flat_indices));
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices indices, IndexVector(flat_indices, "sparse_indices"));
    const int64_t num_elems = indices_tensor.shape().empty() ? 1 : indices_tensor.shape()[0];
    const int64_t num_dims = indices_tensor.shape().size() < 2 ? 1 : indices_tensor.shape()[1];
    if (values.dtype() != dtype_ || default_value.dtype() != dtype_) {
      return InvalidArgumentError("sparse_values and default_value must be " + std::string(DataTypeEnumName(dtype_)));
    }
    if (values.shape().size() > 1 || (values.shape().size() == 1 && values.num_elements() != num_elems)) {
      return InvalidArgumentError("sparse_values has incorrect shape " + ShapeDebugString(values.shape()) +
                                  ", should be [] or [" + std::to_string(num_elems) + "]");
    }
    if (!IsScalar(default_value)) {
      return InvalidArgumentError("default_value should be a scalar, got shape " +
                                  ShapeDebugString(default_value.shape()));
    }
    if (static_cast<int64_t>(shape.size()) != num_dims) {
      return InvalidArgumentError("output_shape has incorrect number of elements: " + std::to_string(shape.size()) +
                                  " should be: " + std::to_string(num_dims));
    }
    for (const int64_t dim : shape) {
      if (dim < 0) return InvalidArgumentError("output_shape has a negative dimension: " + ShapeDebugString(shape));
    }
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(dtype_, shape, max_bytes_));
    // Every index is checked against the shape whatever validate_indices
    // says: it only decides whether order and repeats are errors.
    const InlineIndices strides = Strides(shape);
    std::vector<int64_t> target(num_elems), source(num_elems);
    for (int64_t k = 0; k < num_elems; ++k) {
      const std::span<const int64_t> index(indices.data() + k * num_dims, num_dims);
      int64_t flat = 0;
      for (int64_t d = 0; d < num_dims; ++d) {
        if (index[d] < 0 || index[d] >= shape[d]) {
          return InvalidArgumentError("indices[" + std::to_string(k) + "] = " + IndexString(index) +
                                      " is out of bounds: need 0 <= index < " + IndexString(shape));
        }
        flat += index[d] * strides[d];
      }
      if (validate_indices_ && k > 0 && flat <= target[k - 1]) {
        return InvalidArgumentError("indices[" + std::to_string(k) + "] = " + IndexString(index) +
                                    (flat == target[k - 1]
                                         ? " is repeated"
                                         : " is out of order. Many sparse ops require sorted indices.\n    Use "
                                           "`tf.sparse.reorder` to create a correctly ordered copy.\n\n"));
      }
      target[k] = flat;
      source[k] = values.shape().empty() ? 0 : k;
    }
    // The default everywhere, then each value at its index (the last of
    // repeated indices wins, as in TF).
    TFCOMPAT_ASSIGN_OR_RETURN(const int64_t count, NumElements(shape));
    if (dtype_ == DataType::kString) {
      std::vector<std::string> dense(count, default_value.strings()[0]);
      for (int64_t k = 0; k < num_elems; ++k) dense[target[k]] = values.strings()[source[k]];
      TFCOMPAT_ASSIGN_OR_RETURN(outputs[0], Tensor::FromStrings(shape, std::move(dense)));
      return OkStatus();
    }
    const size_t width = DataTypeSize(dtype_);
    std::string bytes(count * width, '\0');
    for (int64_t i = 0; i < count; ++i) std::memcpy(bytes.data() + i * width, default_value.bytes().data(), width);
    for (int64_t k = 0; k < num_elems; ++k) {
      std::memcpy(bytes.data() + target[k] * width, values.bytes().data() + source[k] * width, width);
    }
    TFCOMPAT_ASSIGN_OR_RETURN(outputs[0], Tensor::FromBytes(dtype_, shape, std::move(bytes)));
    return OkStatus();
  }

 private:
  DataType dtype_;
  bool validate_indices_;
  uint64_t max_bytes_;
};

enum class SegmentReduction { kSum, kMean, kSqrtN };

// SparseSegment{Sum,Mean,SqrtN}(data, indices, segment_ids) and, without
// indices, SegmentSum(data, segment_ids): output row s reduces the data rows
// (indices[i] or i) whose segment_ids[i] is s; segment ids sorted, the
// output as many rows as the last one plus one, rows of no segment zero.
template <typename T>
class SegmentReductionKernel final : public OpKernel {
 public:
  SegmentReductionKernel(SegmentReduction reduction, bool sparse, DataType dtype, uint64_t max_bytes)
      : reduction_(reduction), sparse_(sparse), dtype_(dtype), max_bytes_(max_bytes) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& data = *inputs[0];
    const Tensor& segment_tensor = *inputs[sparse_ ? 2 : 1];
    TFCOMPAT_RETURN_IF_ERROR(ExpectDtype(data, dtype_, "data"));
    if (data.shape().empty()) return InvalidArgumentError("input must be at least rank 1");
    if (!IsVector(segment_tensor)) return InvalidArgumentError("segment_ids should be a vector.");
    TFCOMPAT_ASSIGN_OR_RETURN(const InlineIndices segment_ids, IndexVector(segment_tensor, "segment_ids"));
    const int64_t data_rows = data.shape()[0];
    InlineIndices rows;
    if (sparse_) {
      if (!IsVector(*inputs[1])) return InvalidArgumentError("indices should be a vector.");
      TFCOMPAT_ASSIGN_OR_RETURN(rows, IndexVector(*inputs[1], "indices"));
      if (rows.size() != segment_ids.size()) {
        return InvalidArgumentError("segment_ids and indices should have same size.");
      }
    } else {
      if (static_cast<int64_t>(segment_ids.size()) != data_rows) {
        return InvalidArgumentError("segment_ids should be the same size as dimension 0 of input.");
      }
      rows.resize(segment_ids.size());
      for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int64_t>(i);
    }
    int64_t output_rows = 0;
    if (!segment_ids.empty() && __builtin_add_overflow(segment_ids.back(), 1, &output_rows)) {
      return InvalidArgumentError("segment id " + std::to_string(segment_ids.back()) + " is too large");
    }
    if (!segment_ids.empty() && segment_ids.back() < 0) return InvalidArgumentError("segment ids must be >= 0");
    TensorShape shape = data.shape();
    shape[0] = output_rows;
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(dtype_, shape, max_bytes_));
    // An int64 count per output row, whatever the row's width.
    TFCOMPAT_RETURN_IF_ERROR(CheckOutputBytes(DataType::kInt64, {output_rows}, max_bytes_));
    const int64_t width = data_rows == 0 ? 0 : data.num_elements() / data_rows;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i > 0 && segment_ids[i] < segment_ids[i - 1]) return InvalidArgumentError("segment ids are not increasing");
      if (segment_ids[i] < 0 || segment_ids[i] >= output_rows) {
        return InvalidArgumentError("Segment id " + std::to_string(segment_ids[i]) + " out of range [0, " +
                                    std::to_string(output_rows) +
                                    "), possibly because 'segment_ids' input is not sorted.");
      }
      if (rows[i] < 0 || rows[i] >= data_rows) {
        return InvalidArgumentError("Bad: indices[" + std::to_string(i) + "] == " + std::to_string(rows[i]) +
                                    " out of range [0, " + std::to_string(data_rows) + ")");
      }
    }
    TFCOMPAT_ASSIGN_OR_RETURN(Tensor result, Tensor::Zeros(dtype_, shape));
    const std::span<T> out = result.mutable_flat<T>();
    const std::span<const T> in = data.flat<T>();
    std::vector<int64_t> counts(output_rows, 0);
    for (size_t i = 0; i < rows.size(); ++i) {
      ++counts[segment_ids[i]];
      T* row = out.data() + segment_ids[i] * width;
      const T* from = in.data() + rows[i] * width;
      for (int64_t j = 0; j < width; ++j) row[j] += from[j];
    }
    if (reduction_ != SegmentReduction::kSum) {
      for (int64_t s = 0; s < output_rows; ++s) {
        if (counts[s] <= 1) continue;
        // TF scales by the reciprocal (7 / 3 is 7 * (1 / 3.0f) = 2.3333335f).
        const T scale = T{1} / (reduction_ == SegmentReduction::kMean ? static_cast<T>(counts[s])
                                                                      : std::sqrt(static_cast<T>(counts[s])));
        for (int64_t j = 0; j < width; ++j) out[s * width + j] *= scale;
      }
    }
    outputs[0] = std::move(result);
    return OkStatus();
  }

 private:
  SegmentReduction reduction_;
  bool sparse_;
  DataType dtype_;
  uint64_t max_bytes_;
};

KernelFactory SegmentReductionFactory(SegmentReduction reduction, bool sparse) {
  return [reduction, sparse](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
    TFCOMPAT_ASSIGN_OR_RETURN(const DataType type, attrs.TypeIn("T", {DataType::kFloat, DataType::kDouble}));
    if (sparse) {
      TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("Tidx", {DataType::kInt32, DataType::kInt64}, DataType::kInt32).status());
      TFCOMPAT_RETURN_IF_ERROR(
          attrs.TypeIn("Tsegmentids", {DataType::kInt32, DataType::kInt64}, DataType::kInt32).status());
    } else {
      TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("Tindices", {DataType::kInt32, DataType::kInt64}).status());
    }
    if (type == DataType::kFloat) {
      return std::unique_ptr<OpKernel>(
          new SegmentReductionKernel<float>(reduction, sparse, type, attrs.max_tensor_bytes()));
    }
    return std::unique_ptr<OpKernel>(
        new SegmentReductionKernel<double>(reduction, sparse, type, attrs.max_tensor_bytes()));
  };
}

// Fixed-width dtypes and string: the sparse ops move values, they do not
// compute with them.
StatusOr<DataType> MovedType(const NodeAttrs& attrs, std::string_view name) {
  TFCOMPAT_ASSIGN_OR_RETURN(const DataType type, attrs.Type(name));
  if (type != DataType::kString && !IsFixedWidth(type)) return attrs.Unsupported(name, "fixed-width dtypes, string");
  return type;
}

}  // namespace

void RegisterSparseOps(KernelRegistry* registry) {
  registry->Register({.op = "SparseCross",
                      .attrs = {"N", "hashed_output", "num_buckets", "hash_key", "sparse_types", "dense_types",
                                "out_type", "internal_type"},
                      .factory = MakeSparseCross,
                      .arity = [](const NodeAttrs& attrs) -> StatusOr<Arity> {
                        TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<DataType> sparse, attrs.TypeList("sparse_types"));
                        TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<DataType> dense, attrs.TypeList("dense_types"));
                        return Arity{.num_inputs = static_cast<int>(3 * sparse.size() + dense.size()),
                                     .num_outputs = 3};
                      }});
  registry->Register({.op = "SparseReshape",
                      .num_inputs = 3,
                      .num_outputs = 2,
                      .attrs = {},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        return std::unique_ptr<OpKernel>(new SparseReshapeKernel(attrs.max_tensor_bytes()));
                      }});
  registry->Register({.op = "SparseFillEmptyRows",
                      .num_inputs = 4,
                      .num_outputs = 4,
                      .attrs = {"T"},
                      .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
                        TFCOMPAT_ASSIGN_OR_RETURN(const DataType type, MovedType(attrs, "T"));
                        return std::unique_ptr<OpKernel>(new SparseFillEmptyRowsKernel(type, attrs.max_tensor_bytes()));
                      }});
  registry->Register(
      {.op = "SparseToDense",
       .num_inputs = 4,
       .attrs = {"T", "Tindices", "validate_indices"},
       .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
         TFCOMPAT_ASSIGN_OR_RETURN(const DataType type, MovedType(attrs, "T"));
         TFCOMPAT_RETURN_IF_ERROR(attrs.TypeIn("Tindices", {DataType::kInt32, DataType::kInt64}).status());
         TFCOMPAT_ASSIGN_OR_RETURN(const bool validate, attrs.Bool("validate_indices", true));
         return std::unique_ptr<OpKernel>(new SparseToDenseKernel(type, validate, attrs.max_tensor_bytes()));
       }});
  registry->Register({.op = "SparseSegmentSum",
                      .num_inputs = 3,
                      .attrs = {"T", "Tidx", "Tsegmentids"},
                      .factory = SegmentReductionFactory(SegmentReduction::kSum, true)});
  registry->Register({.op = "SparseSegmentMean",
                      .num_inputs = 3,
                      .attrs = {"T", "Tidx", "Tsegmentids"},
                      .factory = SegmentReductionFactory(SegmentReduction::kMean, true)});
  registry->Register({.op = "SparseSegmentSqrtN",
                      .num_inputs = 3,
                      .attrs = {"T", "Tidx", "Tsegmentids"},
                      .factory = SegmentReductionFactory(SegmentReduction::kSqrtN, true)});
  registry->Register({.op = "SegmentSum",
                      .num_inputs = 2,
                      .attrs = {"T", "Tindices"},
                      .factory = SegmentReductionFactory(SegmentReduction::kSum, false)});
}

}  // namespace tfcompat::saved_model
