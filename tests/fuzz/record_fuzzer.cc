// SPDX-License-Identifier: Apache-2.0
// Fuzzes RecordReader (TFRecord framing): every record read or a clean end,
// truncated tail or DataLoss; never more records than the file can hold.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "tfcompat/io/record_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path =
      tfcompat::fuzz::ScratchDir::Get().Write("records", std::string_view(reinterpret_cast<const char*>(data), size));
  tfcompat::RecordReaderOptions options;
  options.max_record_length = 1 << 20;
  auto reader = tfcompat::RecordReader::Open(path, options);
  if (!reader.ok()) return 0;
  std::string record;
  size_t records = 0;
  while ((*reader)->ReadRecord(&record).ok()) {
    // Each record takes at least its 16 framing bytes.
    if (++records > size / 16) __builtin_trap();
  }
  return 0;
}
