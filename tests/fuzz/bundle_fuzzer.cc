// SPDX-License-Identifier: Apache-2.0
// Fuzzes BundleReader on a whole checkpoint. Input layout:
//
//   index_length: fixed32 (little-endian)
//   index:        index_length bytes  -> P.index
//   data:         the rest            -> P.data-00000-of-00001
//
// (an index_length past the end gives the whole rest to the index).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "io/coding.h"
#include "tfcompat/checkpoint/bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t index_length = tfcompat::DecodeFixed32(input.data());
  input.remove_prefix(4);
  const std::string_view index = input.substr(0, index_length);
  const std::string_view shard = index.size() < input.size() ? input.substr(index.size()) : std::string_view();

  auto& scratch = tfcompat::fuzz::ScratchDir::Get();
  scratch.Write("ckpt.index", index);
  scratch.Write("ckpt.data-00000-of-00001", shard);
  auto reader = tfcompat::BundleReader::Open(scratch.file("ckpt"));
  if (!reader.ok()) return 0;
  for (const tfcompat::BundleEntry& entry : (*reader)->entries()) {
    auto tensor = (*reader)->Lookup(entry.name);
    if (tensor.ok() && tensor->shape() != entry.shape) __builtin_trap();
  }
  (*reader)->VerifyAll().IgnoreError();
  return 0;
}
