// SPDX-License-Identifier: Apache-2.0
#include "data/epoch_order.h"

#include <numeric>
#include <string>
#include <utility>

#include "base/random.h"

namespace tfcompat::data {

Status CheckBatchOptions(const BatchOptions& options) {
  if (options.batch_size < 1) {
    return InvalidArgumentError("batch_size must be positive, got " + std::to_string(options.batch_size));
  }
  if (options.num_epochs < 0) {
    return InvalidArgumentError("num_epochs must be >= 0, got " + std::to_string(options.num_epochs));
  }
  return OkStatus();
}

void EpochOrder(const BatchOptions& options, int64_t epoch, std::vector<int64_t>* order) {
  std::iota(order->begin(), order->end(), int64_t{0});
  if (!options.shuffle || order->empty()) return;
  // Fisher-Yates.
  Random random(SeedFor(options.seed, "shuffle/" + std::to_string(epoch)));
  for (size_t i = order->size() - 1; i > 0; --i) std::swap((*order)[i], (*order)[random.UniformInt(i + 1)]);
}

}  // namespace tfcompat::data
