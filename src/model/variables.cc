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
  Slot slot{std::string(slot_name), {}, AlignedFloats(params_.size(), initial_value)};
  for (const Trainable& t : trainables_) {
    std::string full = t.name + "/" + t.slot_infix + slot.slot_name;
    TFCOMPAT_RETURN_IF_ERROR(CheckNewName(full));
    slot.variable_names.push_back(std::move(full));
  }
  slots_.push_back(std::move(slot));
  return static_cast<int>(slots_.size() - 1);
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
    for (size_t i = 0; i < trainables_.size(); ++i) {
      const Trainable& t = trainables_[i];
      all.push_back({s.variable_names[i], t.shape, std::span<float>(s.values).subspan(t.offset, t.size)});
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
