// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/data/dataset.h"

#include <numeric>
#include <utility>

#include "base/random.h"

namespace tfcompat::data {

StatusOr<std::unique_ptr<DatasetBatches>> DatasetBatches::Create(std::shared_ptr<const Dataset> dataset,
                                                                 const BatchOptions& options) {
  if (dataset == nullptr || dataset->num_rows() == 0) return InvalidArgumentError("dataset is empty");
  if (!dataset->labels.empty() && dataset->labels.size() != static_cast<size_t>(dataset->num_rows())) {
    return InvalidArgumentError("dataset has " + std::to_string(dataset->num_rows()) + " rows but " +
                                std::to_string(dataset->labels.size()) + " labels");
  }
  if (options.batch_size < 1) {
    return InvalidArgumentError("batch_size must be positive, got " + std::to_string(options.batch_size));
  }
  if (options.num_epochs < 0) {
    return InvalidArgumentError("num_epochs must be >= 0, got " + std::to_string(options.num_epochs));
  }
  return std::unique_ptr<DatasetBatches>(new DatasetBatches(std::move(dataset), options));
}

DatasetBatches::DatasetBatches(std::shared_ptr<const Dataset> dataset, const BatchOptions& options)
    : dataset_(std::move(dataset)), options_(options), order_(static_cast<size_t>(dataset_->num_rows())) {
  StartEpoch();
}

void DatasetBatches::StartEpoch() {
  std::iota(order_.begin(), order_.end(), int64_t{0});
  if (options_.shuffle) {
    // Fisher-Yates with a stream per epoch, so epoch k's order depends only
    // on the seed and k.
    Random random(SeedFor(options_.seed, "shuffle/" + std::to_string(epoch_)));
    for (size_t i = order_.size() - 1; i > 0; --i) std::swap(order_[i], order_[random.UniformInt(i + 1)]);
  }
  position_ = 0;
}

Status DatasetBatches::Next(Batch* batch) {
  const size_t width = dataset_->feature_names->size();
  batch->feature_names = dataset_->feature_names;
  batch->features.clear();
  batch->labels.clear();
  batch->size = 0;
  while (batch->size < options_.batch_size) {
    if (position_ == order_.size()) {
      if (options_.num_epochs != 0 && epoch_ + 1 >= options_.num_epochs) break;
      ++epoch_;
      StartEpoch();
    }
    const size_t row = static_cast<size_t>(order_[position_++]);
    const float* features = dataset_->features.data() + row * width;
    batch->features.insert(batch->features.end(), features, features + width);
    if (!dataset_->labels.empty()) batch->labels.push_back(dataset_->labels[row]);
    ++batch->size;
  }
  if (batch->size == 0) return OutOfRangeError("End of sequence");
  return OkStatus();
}

}  // namespace tfcompat::data
