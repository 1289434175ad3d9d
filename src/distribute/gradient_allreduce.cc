// SPDX-License-Identifier: Apache-2.0
#include "distribute/gradient_allreduce.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::distribute {
namespace {

using model::SparseRows;

// A rank's rows as Allgather carries them: int64 values
// [variable, row count, rows...] per sparse variable, in the model's order.
std::string EncodeRows(std::span<const SparseRows> rows) {
  std::vector<int64_t> values;
  for (const SparseRows& entry : rows) {
    values.push_back(static_cast<int64_t>(entry.variable));
    values.push_back(static_cast<int64_t>(entry.rows.size()));
    values.insert(values.end(), entry.rows.begin(), entry.rows.end());
  }
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(int64_t));
}

Status DecodeRows(const std::string& bytes, int rank, std::vector<SparseRows>* rows) {
  std::vector<int64_t> values(bytes.size() / sizeof(int64_t));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(int64_t));
  rows->clear();
  for (size_t at = 0; at < values.size();) {
    if (values.size() - at < 2 || values[at + 1] < 0 ||
        static_cast<uint64_t>(values[at + 1]) > values.size() - at - 2) {
      return InternalError("malformed sparse rows from rank " + std::to_string(rank));
    }
    SparseRows entry{static_cast<size_t>(values[at]), {}};
    entry.rows.assign(values.begin() + static_cast<std::ptrdiff_t>(at + 2),
                      values.begin() + static_cast<std::ptrdiff_t>(at + 2 + static_cast<size_t>(values[at + 1])));
    at += 2 + entry.rows.size();
    rows->push_back(std::move(entry));
  }
  return OkStatus();
}

bool SameVariables(std::span<const SparseRows> a, std::span<const SparseRows> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const SparseRows& x, const SparseRows& y) { return x.variable == y.variable; });
}

}  // namespace

Status GradientAllreduce::GatherRows(std::span<const SparseRows> local_rows, bool has_examples) {
  // A rank without examples sends nothing: it may not have run the model.
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> all,
                            communicator_->Allgather(has_examples ? EncodeRows(local_rows) : std::string()));
  global_rows_.clear();
  bool first = true;
  std::vector<SparseRows> theirs;
  std::vector<int64_t> merged;
  for (int r = 0; r < static_cast<int>(all.size()); ++r) {
    if (all[static_cast<size_t>(r)].empty()) continue;
    TFCOMPAT_RETURN_IF_ERROR(DecodeRows(all[static_cast<size_t>(r)], r, &theirs));
    if (first) {
      global_rows_ = std::move(theirs);
      theirs.clear();
      first = false;
      continue;
    }
    if (!SameVariables(global_rows_, theirs)) {
      return InvalidArgumentError("rank " + std::to_string(r) +
                                  " computed sparse gradients for other variables than the ranks before it: the "
                                  "ranks do not train the same model");
    }
    for (size_t i = 0; i < theirs.size(); ++i) {
      std::vector<int64_t>& rows = global_rows_[i].rows;
      merged.clear();
      std::set_union(rows.begin(), rows.end(), theirs[i].rows.begin(), theirs[i].rows.end(),
                     std::back_inserter(merged));
      rows.swap(merged);
    }
  }
  return OkStatus();
}

Status GradientAllreduce::Reduce(model::VariableStore* store, std::span<const SparseRows> local_rows, bool has_examples,
                                 float weight, bool any_sparse) {
  const std::span<float> gradients = store->gradients();
  if (!has_examples) {
    std::fill(gradients.begin(), gradients.end(), 0.0f);
  } else if (weight != 1.0f) {
    for (float& g : gradients) g *= weight;
  }
  global_rows_.clear();
  if (any_sparse) TFCOMPAT_RETURN_IF_ERROR(GatherRows(local_rows, has_examples));
  if (global_rows_.empty()) return communicator_->AllreduceSum(gradients);

  // Pack: the dense variables whole, the sparse ones' union rows, in the
  // order of the trainables. This rank's rows outside its own touched set
  // hold stale values in the block, so they are packed as zeros.
  std::vector<const SparseRows*> sparse_of(store->num_trainables(), nullptr);
  for (const SparseRows& entry : global_rows_) {
    if (entry.variable >= sparse_of.size()) {
      return InvalidArgumentError("sparse gradient of trainable " + std::to_string(entry.variable) + " of " +
                                  std::to_string(sparse_of.size()));
    }
    sparse_of[entry.variable] = &entry;
  }
  std::vector<const SparseRows*> local_of(store->num_trainables(), nullptr);
  if (has_examples) {
    for (const SparseRows& entry : local_rows) {
      if (entry.variable < local_of.size()) local_of[entry.variable] = &entry;
    }
  }
  packed_.clear();
  others_rows_.clear();
  others_row_width_.clear();
  for (size_t v = 0; v < store->num_trainables(); ++v) {
    const model::ElementRange range = store->trainable_range(v);
    const float* block = gradients.data() + range.offset;
    if (sparse_of[v] == nullptr) {
      packed_.insert(packed_.end(), block, block + range.size);
      continue;
    }
    const size_t width = store->row_width(v);
    const std::vector<int64_t>* mine = local_of[v] != nullptr ? &local_of[v]->rows : nullptr;
    size_t next_mine = 0;
    for (int64_t row : sparse_of[v]->rows) {
      while (mine != nullptr && next_mine < mine->size() && (*mine)[next_mine] < row) ++next_mine;
      const bool touched = mine != nullptr && next_mine < mine->size() && (*mine)[next_mine] == row;
      const float* values = block + static_cast<size_t>(row) * width;
      if (touched) {
        packed_.insert(packed_.end(), values, values + width);
      } else {
        packed_.resize(packed_.size() + width, 0.0f);
        others_rows_.push_back(range.offset + static_cast<size_t>(row) * width);
        others_row_width_.push_back(width);
      }
    }
  }
  TFCOMPAT_RETURN_IF_ERROR(communicator_->AllreduceSum(std::span<float>(packed_)));
  const float* next = packed_.data();
  for (size_t v = 0; v < store->num_trainables(); ++v) {
    const model::ElementRange range = store->trainable_range(v);
    float* block = gradients.data() + range.offset;
    if (sparse_of[v] == nullptr) {
      std::copy(next, next + range.size, block);
      next += range.size;
      continue;
    }
    const size_t width = store->row_width(v);
    for (int64_t row : sparse_of[v]->rows) {
      std::copy(next, next + width, block + static_cast<size_t>(row) * width);
      next += width;
    }
  }
  return OkStatus();
}

void GradientAllreduce::ClearOthersRows(model::VariableStore* store) {
  const std::span<float> gradients = store->gradients();
  for (size_t i = 0; i < others_rows_.size(); ++i) {
    std::fill_n(gradients.begin() + static_cast<std::ptrdiff_t>(others_rows_[i]), others_row_width_[i], 0.0f);
  }
  others_rows_.clear();
  others_row_width_.clear();
}

}  // namespace tfcompat::distribute
