// SPDX-License-Identifier: Apache-2.0
// The SSE4.2 CRC-32C path. This file alone is compiled with -msse4.2 (see
// CMakeLists.txt); crc32c.cc calls into it only after checking the CPU. It
// must stay free of inline functions and templates shared with other files:
// the linker could keep this file's SSE4.2 copy of one for every caller.
#include <nmmintrin.h>

#include <cstring>

#include "io/crc32c_internal.h"

namespace tfcompat::crc32c::internal {
namespace {

// Why an 8-byte Extend() can be a single crc32 instruction. Let Z(s) be the
// register after 32 zero bits from register s. The register arithmetic is
// linear over GF(2), so Z(a ^ b) == Z(a) ^ Z(b), and 32 data bits x from s
// give Z(s ^ x). For a word w = (lo, hi), crc32q(s, w) == Z(Z(s ^ lo) ^ hi),
// and with ~y == y ^ Z(z), z = Z⁻¹(~0):
//   Extend(c, w) = ~Z(Z(~c ^ lo) ^ hi)
//                = Z(Z(c ^ (lo ^ ~0)) ^ (hi ^ z))
//                = crc32q(c, w ^ kInversionsFor8Bytes)
// Both inversions move off the path from c to the result, which is then
// one crc32 latency: what matters when framing one record after another.

// Z⁻¹: undoes 32 zero-bit steps s -> (s >> 1) ^ (s & 1 ? kPolynomial : 0).
// The step's top bit is set exactly when the polynomial was added (its top
// bit is 1, that of s >> 1 is 0), which recovers the bit shifted out.
constexpr uint32_t UnshiftZeroWord(uint32_t state) {
  for (int bit = 0; bit < 32; ++bit) {
    const uint32_t shifted_out = state >> 31;
    state = ((state ^ (shifted_out ? kPolynomial : 0)) << 1) | shifted_out;
  }
  return state;
}

constexpr uint64_t kInversionsFor8Bytes = (uint64_t{UnshiftZeroWord(0xffffffffu)} << 32) | 0xffffffffu;

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
  if (n == 8) {  // A TFRecord length, or a fixed64.
    uint64_t word;
    std::memcpy(&word, data, sizeof(word));
    return static_cast<uint32_t>(_mm_crc32_u64(crc, word ^ kInversionsFor8Bytes));
  }
  if (n >= kIsalMinBytes) return ExtendIsal(crc, data, n);
  return ~Sse42Chain(~crc, static_cast<const unsigned char*>(data), n);
}

}  // namespace tfcompat::crc32c::internal
