// SPDX-License-Identifier: Apache-2.0
// Slicing a global batch into per-rank shards (internal), for data-parallel
// training: every rank draws the same global batch of N×b examples and
// trains on rows ShardRows(B, N, rank) of it.
//
// Usage:
//   Batch global;  // from a BatchSource, the same on every rank
//   Batch mine;    // kept across steps: its buffers are reused
//   TFCOMPAT_RETURN_IF_ERROR(SliceBatch(global, ShardRows(global.size, num_ranks, rank), &mine));
#ifndef TFCOMPAT_SRC_DATA_BATCH_SHARD_H_
#define TFCOMPAT_SRC_DATA_BATCH_SHARD_H_

#include <cstdint>

#include "tfcompat/base/status.h"
#include "tfcompat/data/dataset.h"

namespace tfcompat::data {

// Rows [begin, end) of a batch.
struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;

  int64_t size() const { return end - begin; }
  friend bool operator==(const RowRange&, const RowRange&) = default;
};

// The rows of shard `shard` of `num_shards`: contiguous, shard 0 first, as
// even as possible with the earlier shards taking the extra rows (10 rows
// over 4 shards: [0,3) [3,6) [6,8) [8,10)). A shard is empty when
// batch_size < num_shards and it comes after the last row.
// Preconditions (asserted): batch_size >= 0, num_shards >= 1,
// 0 <= shard < num_shards.
RowRange ShardRows(int64_t batch_size, int num_shards, int shard);

// Sets `*slice` to rows `rows` of `batch`, renumbered from 0:
//   - size: rows.size();
//   - features: those rows of the row-major [B, F] matrix; feature_names
//     shared with the batch (the same pointer);
//   - labels: those rows, or none when the batch has none;
//   - typed_features.dense: every tensor [B, ...] (of any dtype: fixed-width
//     or string) becomes [rows, ...];
//   - typed_features.sparse: the entries whose row is in `rows`, in the
//     batch's order, rows renumbered from 0, and dense_shape {rows.size(),
//     1 + the largest column kept} ({rows.size(), 0} when none is kept:
//     the longest list in the slice, as parse_example gives);
//   - typed_features.batch_size: rows.size(), or 0 when the batch has no
//     typed features and a batch_size of 0 (as DatasetBatches' batches).
// `slice`'s buffers are reused: once it has grown, slicing same-shaped
// batches step after step keeps its vectors, the map nodes of the features
// that stay, their tensors' bytes and their strings' capacity. `slice` must
// not be `batch`.
//
// InvalidArgument, naming the feature and what was expected, for a range
// outside [0, batch.size] or with end < begin, and for a malformed batch:
// features not B × F floats, labels neither B nor none,
// typed_features.batch_size not B (nor 0 without typed features), a dense
// tensor without a first dim of B or whose elements do not fill its shape,
// or a sparse feature whose indices are not int64 [N, 2], values not [N] or
// dense_shape not int64 [2] with B rows, or with an index outside
// dense_shape. On error `slice` is left unchanged.
[[nodiscard]] Status SliceBatch(const Batch& batch, RowRange rows, Batch* slice);

}  // namespace tfcompat::data

#endif  // TFCOMPAT_SRC_DATA_BATCH_SHARD_H_
