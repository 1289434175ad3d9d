// SPDX-License-Identifier: Apache-2.0
#include "model/embedding_lookup.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace tfcompat::model {

using feature_column::Combiner;

Status EmbeddingLookup::Prepare(const feature_column::SparseIds& ids, int64_t batch_size, std::string_view column) {
  entries_.clear();
  touched_.clear();
  const bool weighted = !ids.weights.empty();
  std::vector<double> weight_sums(static_cast<size_t>(batch_size), 0.0);
  for (size_t i = 0; i < ids.ids.size(); ++i) {
    const int64_t id = ids.ids[i];
    const float weight = weighted ? ids.weights[i] : 1.0f;
    if (id < 0 || !(weight > 0.0f)) continue;
    const int64_t example = ids.indices[i][0];
    if (id >= num_rows_) {
      return InvalidArgumentError("column '" + std::string(column) + "': id " + std::to_string(id) + " at index " +
                                  feature_column::IndexString(ids.indices[i]) + " is not in [0, " +
                                  std::to_string(num_rows_) + ")");
    }
    if (example < 0 || example >= batch_size) {
      return InvalidArgumentError("column '" + std::string(column) + "': index " +
                                  feature_column::IndexString(ids.indices[i]) + " is outside a batch of " +
                                  std::to_string(batch_size));
    }
    entries_.push_back({example, id, weight});
    touched_.push_back(id);
    weight_sums[example] += combiner_ == Combiner::kSqrtn ? double{weight} * weight : weight;
  }
  std::sort(touched_.begin(), touched_.end());
  touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
  divisors_.assign(static_cast<size_t>(batch_size), 1.0f);
  if (combiner_ != Combiner::kSum) {
    for (size_t b = 0; b < divisors_.size(); ++b) {
      if (weight_sums[b] == 0.0) continue;
      const auto sum = static_cast<float>(weight_sums[b]);
      divisors_[b] = combiner_ == Combiner::kMean ? sum : std::sqrt(sum);
    }
  }
  return OkStatus();
}

void EmbeddingLookup::Forward(const float* table, Matrix* out, Eigen::Index first_col) const {
  const auto batch = static_cast<Eigen::Index>(divisors_.size());
  Matrix& sums = sums_;
  sums.setZero(batch, width_);
  for (const Entry& entry : entries_) {
    const float* row = table + entry.row * width_;
    for (int64_t k = 0; k < width_; ++k) sums(entry.example, k) += entry.weight * row[k];
  }
  for (Eigen::Index b = 0; b < batch; ++b) {
    for (int64_t k = 0; k < width_; ++k) (*out)(b, first_col + k) += sums(b, k) / divisors_[b];
  }
}

void EmbeddingLookup::Backward(const Matrix& d_out, Eigen::Index first_col, float* table_grad) {
  for (int64_t row : last_touched_) std::fill_n(table_grad + row * width_, width_, 0.0f);
  for (const Entry& entry : entries_) {
    float* grad = table_grad + entry.row * width_;
    const float scale = entry.weight / divisors_[entry.example];
    for (int64_t k = 0; k < width_; ++k) grad[k] += scale * d_out(entry.example, first_col + k);
  }
  last_touched_ = touched_;
}

}  // namespace tfcompat::model
