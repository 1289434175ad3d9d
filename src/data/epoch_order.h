// SPDX-License-Identifier: Apache-2.0
// Batching rows held in memory (internal), shared by DatasetBatches and
// FeatureBatches so that both take the same options and give the same order
// of rows for the same BatchOptions.
#ifndef TFCOMPAT_SRC_DATA_EPOCH_ORDER_H_
#define TFCOMPAT_SRC_DATA_EPOCH_ORDER_H_

#include <cstdint>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/data/dataset.h"

namespace tfcompat::data {

// InvalidArgument for batch_size < 1 or num_epochs < 0.
[[nodiscard]] Status CheckBatchOptions(const BatchOptions& options);

// Sets `*order` (its size is the row count) to 0, 1, ..., n - 1, shuffled
// when options.shuffle by a random stream of its own per epoch, so that the
// order of epoch k depends only on options.seed and k.
void EpochOrder(const BatchOptions& options, int64_t epoch, std::vector<int64_t>* order);

}  // namespace tfcompat::data

#endif  // TFCOMPAT_SRC_DATA_EPOCH_ORDER_H_
