// The SSE4.2 CRC-32C path. This file alone is compiled with -msse4.2 (see
// CMakeLists.txt); crc32c.cc calls into it only after checking the CPU. It
// must stay free of inline functions and templates shared with other files:
// the linker could keep this file's SSE4.2 copy of one for every caller.
#include <nmmintrin.h>

#include <cstring>

#include "io/crc32c_internal.h"

namespace tfcompat::crc32c::internal {
namespace {

// Runs the raw CRC register `state` over p[0, n).
uint32_t Sse42Chain(uint32_t state, const unsigned char* p, size_t n) {
  uint64_t state64 = state;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));  // An unaligned little-endian load.
    state64 = _mm_crc32_u64(state64, word);
  }
  state = static_cast<uint32_t>(state64);
  if (n >= 4) {
    uint32_t word;
    std::memcpy(&word, p, sizeof(word));
    state = _mm_crc32_u32(state, word);
    p += 4;
    n -= 4;
  }
  for (; n > 0; ++p, --n) state = _mm_crc32_u8(state, *p);
  return state;
}

}  // namespace

uint32_t ExtendSse42(uint32_t crc, const void* data, size_t n) {
  return ~Sse42Chain(~crc, static_cast<const unsigned char*>(data), n);
}

uint32_t ExtendSse42OrIsal(uint32_t crc, const void* data, size_t n) {
  if (n >= kIsalMinBytes) return ExtendIsal(crc, data, n);
  return ~Sse42Chain(~crc, static_cast<const unsigned char*>(data), n);
}

}  // namespace tfcompat::crc32c::internal
