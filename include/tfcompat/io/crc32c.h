// SPDX-License-Identifier: Apache-2.0
// CRC-32C (Castagnoli) and TensorFlow's masking of it.
//
// TFRecord framing, checkpoint index blocks and checkpoint tensors all store
// Mask(Value(bytes)). The implementation is chosen once at run time: a
// hardware path where the CPU has one, a portable table otherwise.
#ifndef TFCOMPAT_IO_CRC32C_H_
#define TFCOMPAT_IO_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace tfcompat::crc32c {

// The CRC-32C of `data[0, n)` appended to data whose CRC-32C is `crc`:
// Extend(Value(a), b) == Value(a ‖ b). Extend(0, ...) starts a new CRC.
uint32_t Extend(uint32_t crc, const void* data, size_t n);

// The CRC-32C of `data[0, n)`. Value("123456789") == 0xE3069283.
inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }

// The CRC-32C of a ‖ b from crc_a = Value(a), crc_b = Value(b) and b's
// length, without the bytes: what lets pieces of one buffer be checked on
// different threads in any order. O(log length_b).
uint32_t Combine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b);

// Added after rotating, so that a CRC of data containing embedded CRCs is
// not degenerate (from TensorFlow's and LevelDB's crc32c.h).
inline constexpr uint32_t kMaskDelta = 0xa282ead8u;

// The masked form stored on disk: rotate right by 15 bits, add kMaskDelta.
constexpr uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }

// The inverse of Mask().
constexpr uint32_t Unmask(uint32_t masked) {
  const uint32_t rotated = masked - kMaskDelta;
  return (rotated >> 17) | (rotated << 15);
}

// Which implementation Extend() uses on this machine, for benchmarks and
// logs: "isa-l+sse4.2" (x86-64 with SSE4.2) or "portable".
const char* ImplementationName();

}  // namespace tfcompat::crc32c

#endif  // TFCOMPAT_IO_CRC32C_H_
