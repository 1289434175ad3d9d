// The SSE4.2 CRC-32C path. This file alone is compiled with -msse4.2 (see
// CMakeLists.txt); crc32c.cc calls into it only after checking the CPU. It
// must stay free of inline functions and templates shared with other files:
// the linker could keep this file's SSE4.2 copy of one for every caller.
#include <nmmintrin.h>

#include <cstring>

#include "io/crc32c_internal.h"

namespace tfcompat::crc32c::internal {

uint32_t ExtendSse42(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t state = ~crc;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));  // An unaligned little-endian load.
    state = _mm_crc32_u64(state, word);
  }
  auto state32 = static_cast<uint32_t>(state);
  if (n >= 4) {
    uint32_t word;
    std::memcpy(&word, p, sizeof(word));
    state32 = _mm_crc32_u32(state32, word);
    p += 4;
    n -= 4;
  }
  for (; n > 0; ++p, --n) state32 = _mm_crc32_u8(state32, *p);
  return ~state32;
}

}  // namespace tfcompat::crc32c::internal
