// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/model/variables.h"

#include <algorithm>
#include <string>
#include <utility>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {

VariableStore::VariableStore() = default;

Status VariableStore::CheckNewName(std::string_view name) const {
  if (name.empty()) return InvalidArgumentError("variable name must not be empty");
  bool taken = name == kGlobalStepName;
  for (const Trainable& t : trainables_) taken = taken || t.name == name;
  for (const Slot& s : slots_) {
    taken = taken || std::find(s.variable_names.begin(), s.variable_names.end(), name) != s.variable_names.end();
  }
  for (const Scalar& s : scalars_) taken = taken || s.name == name;
  if (taken) return InvalidArgumentError("Variable " + std::string(name) + " already exists");
  return OkStatus();
}

StatusOr<size_t> VariableStore::AddTrainable(std::string_view name, std::vector<int64_t> shape,
                                             std::string_view slot_infix) {
  if (!slots_.empty()) {
    return FailedPreconditionError("cannot add trainable variable " + std::string(name) +
                                   " after optimizer slots were created");
  }
  TFCOMPAT_RETURN_IF_ERROR(CheckNewName(name));
  size_t size = 1;
  for (int64_t dim : shape) {
    if (dim <= 0 || dim > (int64_t{1} << 31)) {
      return InvalidArgumentError("variable " + std::string(name) + " has invalid dimension " + std::to_string(dim));
    }
    size *= static_cast<size_t>(dim);
  }
  const size_t offset = params_.size();
  trainables_.push_back(Trainable{std::string(name), std::move(shape), std::string(slot_infix), offset, size});
  params_.resize(offset + size, 0.0f);
  gradients_.resize(offset + size, 0.0f);
  return offset;
}

StatusOr<int> VariableStore::AddSlot(std::string_view slot_name, float initial_value) {
  return AddSlot(slot_name, initial_value, 0, trainables_.size());
}

StatusOr<int> VariableStore::AddSlot(std::string_view slot_name, float initial_value, size_t first_variable,
                                     size_t end_variable) {
  if (first_variable >= end_variable || end_variable > trainables_.size()) {
    return InvalidArgumentError("slot " + std::string(slot_name) + " over trainable variables [" +
                                std::to_string(first_variable) + ", " + std::to_string(end_variable) +
                                "): expected a non-empty range within the " + std::to_string(trainables_.size()) +
                                " trainable variables");
  }
  const ElementRange range = trainables_range(first_variable, end_variable);
  Slot slot{std::string(slot_name), first_variable, {}, AlignedFloats(range.size, initial_value)};
  for (size_t i = first_variable; i < end_variable; ++i) {
    const Trainable& t = trainables_[i];
    std::string full = t.name + "/" + t.slot_infix + slot.slot_name;
    TFCOMPAT_RETURN_IF_ERROR(CheckNewName(full));
    slot.variable_names.push_back(std::move(full));
  }
  slots_.push_back(std::move(slot));
  return static_cast<int>(slots_.size() - 1);
}

ElementRange VariableStore::trainables_range(size_t first, size_t end) const {
  if (first == end) return {};
  const size_t begin = trainables_[first].offset;
  return {begin, trainables_[end - 1].offset + trainables_[end - 1].size - begin};
}

size_t VariableStore::row_width(size_t i) const {
  const Trainable& t = trainables_[i];
  return t.shape.empty() ? 1 : t.size / static_cast<size_t>(t.shape[0]);
}

Status VariableStore::CheckSparseRows(std::span<const SparseRows> sparse) const {
  std::vector<bool> seen(trainables_.size(), false);
  for (const SparseRows& s : sparse) {
    if (s.variable >= trainables_.size()) {
      return InvalidArgumentError("sparse gradient of trainable variable " + std::to_string(s.variable) +
                                  ", but there are " + std::to_string(trainables_.size()));
    }
    const Trainable& t = trainables_[s.variable];
    if (seen[s.variable]) return InvalidArgumentError("two sparse gradients of variable " + t.name);
    seen[s.variable] = true;
    const int64_t dim0 = t.shape.empty() ? 1 : t.shape[0];
    for (size_t k = 0; k < s.rows.size(); ++k) {
      const int64_t row = s.rows[k];
      if (row < 0 || row >= dim0 || (k > 0 && row <= s.rows[k - 1])) {
        return InvalidArgumentError("sparse gradient of variable " + t.name + ": row " + std::to_string(row) +
                                    " at position " + std::to_string(k) + ", expected sorted unique rows in [0, " +
                                    std::to_string(dim0) + ")");
      }
    }
  }
  return OkStatus();
}

StatusOr<int> VariableStore::AddScalar(std::string_view name, float initial_value) {
  TFCOMPAT_RETURN_IF_ERROR(CheckNewName(name));
  scalars_.push_back(Scalar{std::string(name), initial_value});
  return static_cast<int>(scalars_.size() - 1);
}

std::vector<VariableRef> VariableStore::ListTrainable() {
  std::vector<VariableRef> trainable;
  for (const Trainable& t : trainables_) {
    trainable.push_back({t.name, t.shape, std::span<float>(params_).subspan(t.offset, t.size)});
  }
  return trainable;
}

std::vector<VariableRef> VariableStore::List() {
  std::vector<VariableRef> all = ListTrainable();
  for (Slot& s : slots_) {
    const size_t block_offset = trainables_[s.first_variable].offset;
    for (size_t k = 0; k < s.variable_names.size(); ++k) {
      const Trainable& t = trainables_[s.first_variable + k];
      all.push_back(
          {s.variable_names[k], t.shape, std::span<float>(s.values).subspan(t.offset - block_offset, t.size)});
    }
  }
  for (Scalar& s : scalars_) all.push_back({s.name, {}, std::span<float>(&s.value, 1)});
  all.push_back({kGlobalStepName, {}, std::span<int64_t>(&global_step_, 1)});
  std::sort(all.begin(), all.end(), [](const VariableRef& a, const VariableRef& b) { return a.name < b.name; });
  return all;
}

StatusOr<VariableRef> VariableStore::Find(std::string_view name) {
  for (const VariableRef& v : List()) {
    if (v.name == name) return v;
  }
  return NotFoundError("Key " + std::string(name) + " not found in variables");
}

}  // namespace tfcompat::model
