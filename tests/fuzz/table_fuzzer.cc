// SPDX-License-Identifier: Apache-2.0
// Fuzzes the .index SSTable reader: any bytes must give entries or an error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checkpoint/table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto entries = tfcompat::table::ReadTable(std::string_view(reinterpret_cast<const char*>(data), size));
  if (entries.ok()) {
    // Entries come back in key order; anything else is a finding.
    for (size_t i = 1; i < entries->size(); ++i) {
      if (!((*entries)[i - 1].first < (*entries)[i].first)) __builtin_trap();
    }
  }
  return 0;
}
