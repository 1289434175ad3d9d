// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/model/optimizer.h"

#include <cmath>
#include <string>

#include "model/optimizers/part_optimizer.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {

Status Optimizer::CreateSlots(VariableStore* store, std::string_view scope) {
  return CreateSlots(store, OptimizerPart{.first_variable = 0,
                                          .end_variable = store->num_trainables(),
                                          .scope = std::string(scope),
                                          .default_optimizer = {}});
}

namespace optimizers_internal {

Status PartOptimizer::CreateSlots(VariableStore* store, const OptimizerPart& part) {
  if (created_) return FailedPreconditionError("optimizer slots were already created");
  if (part.first_variable >= part.end_variable || part.end_variable > store->num_trainables()) {
    return InvalidArgumentError("optimizer part over trainable variables [" + std::to_string(part.first_variable) +
                                ", " + std::to_string(part.end_variable) + "): expected a non-empty range within the " +
                                std::to_string(store->num_trainables()) + " trainable variables");
  }
  TFCOMPAT_RETURN_IF_ERROR(AddSlots(store, part));
  created_ = true;
  first_variable_ = part.first_variable;
  end_variable_ = part.end_variable;
  return OkStatus();
}

Status PartOptimizer::Apply(VariableStore* store, std::span<const SparseRows> sparse) {
  if (!created_ || end_variable_ > store->num_trainables()) {
    return FailedPreconditionError("optimizer applied before its slots were created in this store");
  }
  TFCOMPAT_RETURN_IF_ERROR(store->CheckSparseRows(sparse));
  rows_of_.assign(end_variable_ - first_variable_, nullptr);
  if (row_updates_) {
    for (const SparseRows& s : sparse) {
      if (s.variable >= first_variable_ && s.variable < end_variable_) rows_of_[s.variable - first_variable_] = &s.rows;
    }
  }
  const ElementRange part = store->trainables_range(first_variable_, end_variable_);
  runs_.clear();
  const auto add_run = [this](size_t begin, size_t size) {
    if (!runs_.empty() && runs_.back().begin + runs_.back().size == begin) {
      runs_.back().size += size;
    } else {
      runs_.push_back(Run{begin, size});
    }
  };
  for (size_t i = first_variable_; i < end_variable_; ++i) {
    const ElementRange variable = store->trainable_range(i);
    const size_t begin = variable.offset - part.offset;
    const std::vector<int64_t>* rows = rows_of_[i - first_variable_];
    if (rows == nullptr) {
      add_run(begin, variable.size);
      continue;
    }
    const size_t width = store->row_width(i);
    for (int64_t row : *rows) add_run(begin + static_cast<size_t>(row) * width, width);
  }
  Update(store, PartUpdate{.vars = store->params().subspan(part.offset, part.size),
                           .grads = std::span<const float>(store->gradients()).subspan(part.offset, part.size),
                           .runs = runs_});
  return OkStatus();
}

}  // namespace optimizers_internal

StatusOr<std::unique_ptr<Optimizer>> NewOptimizer(const OptimizerOptions& options) {
  const float lr = options.learning_rate;
  if (!(lr > 0.0f) || !std::isfinite(lr)) {
    return InvalidArgumentError("learning_rate must be positive, got " + std::to_string(lr));
  }
  const std::string& name = options.name;
  if (name == "SGD") return NewGradientDescentOptimizer(lr);
  if (name == "Adagrad") return NewAdagradOptimizer(lr);
  if (name == "Momentum") return NewMomentumOptimizer(lr, options.momentum, options.use_nesterov);
  if (name == "Adam") return NewAdamOptimizer(lr);
  if (name == "RMSProp") return NewRMSPropOptimizer(lr, 0.9f, 0.0f, 1e-10f, options.centered);
  if (name == "Ftrl") return NewFtrlOptimizer(lr);
  return InvalidArgumentError("Unsupported optimizer name: " + name +
                              ". Supported names are: Adagrad, Adam, Ftrl, Momentum, RMSProp, SGD");
}

}  // namespace tfcompat::model
