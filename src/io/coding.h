// SPDX-License-Identifier: Apache-2.0
// Little-endian fixed-width and varint encoding (internal), in LevelDB's
// vocabulary: Put* append to a std::string, Get* consume from the front of a
// std::string_view and return false when the input is too short or malformed.
#ifndef TFCOMPAT_SRC_IO_CODING_H_
#define TFCOMPAT_SRC_IO_CODING_H_

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tfcompat {

// Longest varint encoding of a 32-bit and of a 64-bit value.
inline constexpr int kMaxVarint32Bytes = 5;
inline constexpr int kMaxVarint64Bytes = 10;

inline void EncodeFixed32(char* dst, uint32_t value) {
  for (int i = 0; i < 4; ++i) dst[i] = static_cast<char>(value >> (8 * i));
}
inline void EncodeFixed64(char* dst, uint64_t value) {
  for (int i = 0; i < 8; ++i) dst[i] = static_cast<char>(value >> (8 * i));
}
inline uint32_t DecodeFixed32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(u[0]) | (static_cast<uint32_t>(u[1]) << 8) | (static_cast<uint32_t>(u[2]) << 16) |
         (static_cast<uint32_t>(u[3]) << 24);
}
inline uint64_t DecodeFixed64(const char* p) {
  return static_cast<uint64_t>(DecodeFixed32(p)) | (static_cast<uint64_t>(DecodeFixed32(p + 4)) << 32);
}

void PutFixed32(std::string* dst, uint32_t value);
void PutFixed64(std::string* dst, uint64_t value);
void PutVarint32(std::string* dst, uint32_t value);
void PutVarint64(std::string* dst, uint64_t value);
// A varint32 length followed by the bytes.
void PutLengthPrefixed(std::string* dst, std::string_view value);

// Writes the varint encoding of `value` at `dst` (room for kMaxVarint64Bytes)
// and returns the number of bytes written. Inline: event encoding calls
// these a few times per scalar, at ~10 million scalars a second.
inline int EncodeVarint64(char* dst, uint64_t value) {
  int n = 0;
  while (value >= 0x80) {
    dst[n++] = static_cast<char>(value | 0x80);
    value >>= 7;
  }
  dst[n++] = static_cast<char>(value);
  return n;
}

// 7 bits a byte, at least one byte.
inline int VarintLength(uint64_t value) { return (std::bit_width(value | 1) + 6) / 7; }

bool GetFixed32(std::string_view* input, uint32_t* value);
bool GetFixed64(std::string_view* input, uint64_t* value);
bool GetVarint32(std::string_view* input, uint32_t* value);
bool GetVarint64(std::string_view* input, uint64_t* value);
bool GetLengthPrefixed(std::string_view* input, std::string_view* value);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_IO_CODING_H_
