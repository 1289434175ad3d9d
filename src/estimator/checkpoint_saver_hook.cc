// SPDX-License-Identifier: Apache-2.0
#include "estimator/checkpoint_saver_hook.h"

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "io/file.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::estimator {
namespace {

std::string_view BytesOf(const model::VariableRef& v) {
  return std::visit(
      [](auto span) { return std::string_view(reinterpret_cast<const char*>(span.data()), span.size_bytes()); },
      v.values);
}

}  // namespace

Status CheckpointSaverHook::Begin(int64_t global_step) {
  for (CheckpointSaverListener* listener : listeners_) TFCOMPAT_RETURN_IF_ERROR(listener->Begin());
  return Save(global_step);
}

Status CheckpointSaverHook::AfterStep(const model::StepResult& result, bool*) {
  const int64_t step = result.global_step;
  if ((schedule_.steps && step >= last_save_step_ + *schedule_.steps) ||
      (schedule_.secs && SecondsSince(last_save_time_) >= *schedule_.secs)) {
    return Save(step);
  }
  return OkStatus();
}

Status CheckpointSaverHook::End(int64_t global_step) {
  if (global_step != last_save_step_) TFCOMPAT_RETURN_IF_ERROR(Save(global_step));
  TFCOMPAT_RETURN_IF_ERROR(Finish());
  for (CheckpointSaverListener* listener : listeners_) TFCOMPAT_RETURN_IF_ERROR(listener->End(global_step));
  return OkStatus();
}

Status CheckpointSaverHook::Finish() {
  TFCOMPAT_RETURN_IF_ERROR(manager_->Wait());
  if (!in_flight_.has_value()) return OkStatus();
  const int64_t step = *std::exchange(in_flight_, std::nullopt);
  return Saved(manager_->checkpoints().back(), step);
}

Status CheckpointSaverHook::Saved(const std::string& prefix, int64_t step) {
  TFCOMPAT_RETURN_IF_ERROR(writer_->AddCheckpoint(prefix, step));
  for (CheckpointSaverListener* listener : listeners_) TFCOMPAT_RETURN_IF_ERROR(listener->AfterSave(step));
  return OkStatus();
}

Status CheckpointSaverHook::Save(int64_t step) {
  // The save in flight is recorded first, so listeners hear of the saves in
  // order.
  if (async_) TFCOMPAT_RETURN_IF_ERROR(Finish());
  for (CheckpointSaverListener* listener : listeners_) TFCOMPAT_RETURN_IF_ERROR(listener->BeforeSave(step));
  log_("Saving checkpoints for " + std::to_string(step) + " into " + JoinPath(manager_->directory(), "model.ckpt") +
       ".");
  std::vector<CheckpointManager::TensorView> views;
  for (const model::VariableRef& v : store_->List()) {
    const bool is_float = std::holds_alternative<std::span<float>>(v.values);
    views.push_back({v.name, is_float ? DataType::kFloat : DataType::kInt64,
                     TensorShape(v.shape.begin(), v.shape.end()), BytesOf(v)});
  }
  if (async_) {
    TFCOMPAT_RETURN_IF_ERROR(manager_->SaveAsync(step, views));
    in_flight_ = step;
  } else {
    const auto write = [&views](BundleWriter& bundle) {
      for (const CheckpointManager::TensorView& v : views) {
        TFCOMPAT_RETURN_IF_ERROR(bundle.AddBytes(v.name, v.dtype, v.shape, v.bytes));
      }
      return OkStatus();
    };
    TFCOMPAT_ASSIGN_OR_RETURN(const std::string prefix, manager_->Save(step, write));
    TFCOMPAT_RETURN_IF_ERROR(Saved(prefix, step));
  }
  last_save_step_ = step;
  last_save_time_ = LogClock::now();
  return OkStatus();
}

}  // namespace tfcompat::estimator
