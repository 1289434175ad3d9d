// SPDX-License-Identifier: Apache-2.0
// Fuzzes the `checkpoint` state file parser. A parsed state must survive
// FormatCheckpointState -> ParseCheckpointState unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tfcompat/checkpoint/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto state = tfcompat::ParseCheckpointState(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!state.ok()) return 0;
  auto again = tfcompat::ParseCheckpointState(tfcompat::FormatCheckpointState(*state));
  if (!again.ok()) __builtin_trap();
  // NaN timestamps compare unequal to themselves; compare the paths only.
  if (again->model_checkpoint_path != state->model_checkpoint_path ||
      again->all_model_checkpoint_paths != state->all_model_checkpoint_paths) {
    __builtin_trap();
  }
  return 0;
}
