// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/data/dataset.h"

#include <utility>

#include "data/epoch_order.h"

namespace tfcompat::data {

StatusOr<std::unique_ptr<DatasetBatches>> DatasetBatches::Create(std::shared_ptr<const Dataset> dataset,
                                                                 const BatchOptions& options) {
  if (dataset == nullptr || dataset->num_rows() == 0) return InvalidArgumentError("dataset is empty");
  if (!dataset->labels.empty() && dataset->labels.size() != static_cast<size_t>(dataset->num_rows())) {
    return InvalidArgumentError("dataset has " + std::to_string(dataset->num_rows()) + " rows but " +
                                std::to_string(dataset->labels.size()) + " labels");
  }
  if (Status s = CheckBatchOptions(options); !s.ok()) return s;
  return std::unique_ptr<DatasetBatches>(new DatasetBatches(std::move(dataset), options));
}

DatasetBatches::DatasetBatches(std::shared_ptr<const Dataset> dataset, const BatchOptions& options)
    : dataset_(std::move(dataset)), options_(options), order_(static_cast<size_t>(dataset_->num_rows())) {
  StartEpoch();
}

void DatasetBatches::StartEpoch() {
  EpochOrder(options_, epoch_, &order_);
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
