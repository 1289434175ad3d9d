// SPDX-License-Identifier: Apache-2.0
// WireReader (internal): the fields of one serialized protobuf message,
// front to back, for the readers that pick a few fields out of millions of
// small messages without a generated parser.
//
//   WireReader in(serialized_event);
//   while (!in.AtEnd()) {
//     switch (in.Key()) {
//       case 2 << 3 | kWireVarint: if (!in.Varint(&step)) return false; break;
//       default: return false;  // or skip it: in.Skip(key & 7)
//     }
//   }
//
// Every method returns false (or key 0, which no field has) on a malformed
// or truncated field and reads nothing past the message. A varint is at
// most 10 bytes and holds at most 64 bits; a key or a length at most 5
// bytes and 32 bits.
#ifndef TFCOMPAT_SRC_IO_WIRE_READER_H_
#define TFCOMPAT_SRC_IO_WIRE_READER_H_

#include <cstdint>
#include <string_view>

#include "io/coding.h"

namespace tfcompat {

// Wire types (the low 3 bits of a key).
inline constexpr uint32_t kWireVarint = 0, kWireFixed64 = 1, kWireLengthDelimited = 2, kWireFixed32 = 5;
constexpr uint32_t WireKey(uint32_t field_number, uint32_t wire_type) { return field_number << 3 | wire_type; }

class WireReader {
 public:
  explicit WireReader(std::string_view message) : p_(message.data()), end_(message.data() + message.size()) {}

  bool AtEnd() const { return p_ == end_; }

  uint32_t Key() {
    uint32_t key;
    return Varint32(&key) ? key : 0;
  }

  // Inline, with the one-byte case first (keys, small lengths): a scalar
  // event is a dozen of these.
  bool Varint(uint64_t* value) {
    if (p_ != end_ && static_cast<unsigned char>(*p_) < 0x80) {
      *value = static_cast<unsigned char>(*p_++);
      return true;
    }
    uint64_t result = 0;
    for (int i = 0; i < kMaxVarintBytes && p_ + i != end_; ++i) {
      const uint64_t byte = static_cast<unsigned char>(p_[i]);
      if (i == kMaxVarintBytes - 1 && byte > 1) return false;
      result |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) {
        *value = result;
        p_ += i + 1;
        return true;
      }
    }
    return false;
  }

  bool Fixed32(uint32_t* value) {
    if (end_ - p_ < 4) return false;
    *value = DecodeFixed32(p_);
    p_ += 4;
    return true;
  }
  bool Fixed64(uint64_t* value) {
    if (end_ - p_ < 8) return false;
    *value = DecodeFixed64(p_);
    p_ += 8;
    return true;
  }

  bool Bytes(std::string_view* value) {
    uint32_t length;
    if (!Varint32(&length) || length > static_cast<size_t>(end_ - p_)) return false;
    *value = std::string_view(p_, length);
    p_ += length;
    return true;
  }

  // Skips a field's value; false for a group (a proto2 form no message read
  // this way uses) or an unknown wire type.
  bool Skip(uint32_t wire_type) {
    uint64_t varint;
    uint32_t fixed32;
    std::string_view bytes;
    switch (wire_type) {
      case kWireVarint:
        return Varint(&varint);
      case kWireFixed64:
        return Fixed64(&varint);
      case kWireLengthDelimited:
        return Bytes(&bytes);
      case kWireFixed32:
        return Fixed32(&fixed32);
      default:
        return false;
    }
  }

 private:
  static constexpr int kMaxVarintBytes = kMaxVarint64Bytes;

  bool Varint32(uint32_t* value) {
    const char* start = p_;
    uint64_t v;
    if (!Varint(&v) || v > UINT32_MAX || p_ - start > kMaxVarint32Bytes) return false;
    *value = static_cast<uint32_t>(v);
    return true;
  }

  const char* p_;
  const char* end_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_IO_WIRE_READER_H_
