// SPDX-License-Identifier: Apache-2.0
// Tensor bundle layout (TensorFlow core/util/tensor_bundle):
//
// P.index is a table (see table.cc) mapping
//   ""          -> BundleHeaderProto {num_shards, endianness, version}
//   tensor name -> BundleEntryProto {dtype, shape, shard_id, offset, size,
//                                    crc32c = Mask(crc32c(bytes))}
//   slice key   -> BundleEntryProto of one slice of a partitioned tensor,
//                  whose full-name entry lists the slices instead.
//
// P.data-SSSSS-of-NNNNN holds the tensors back to back at their offsets:
//   fixed-width dtypes: the elements, little-endian, row-major;
//   DT_STRING: varint64 length[n] | fixed32 Mask(crc32c(lengths)) | bytes
//     where the length CRC is over each length as a 4-byte little-endian
//     integer (8 bytes if it does not fit in 32 bits), and the entry CRC is
//     one running CRC over those same integers, the 4 checksum bytes and
//     the payloads.
//
// Slice key := OrderedCode: NumIncreasing(0) String(name) NumIncreasing(rank)
//              {SignedNumIncreasing(start) SignedNumIncreasing(length)}*
//   NumIncreasing(v)       := one length byte, then v big-endian without
//                             leading zero bytes (0 -> 00)
//   String(s)              := s with 00 -> 00 ff and ff -> ff 00, then 00 01
//   SignedNumIncreasing(v) := in [-64, 64): the byte 0x80 ^ v; otherwise
//                             the two's complement big-endian bytes in the
//                             shortest length L (7L - 1 value bits) with
//                             the first bits xor'ed with a unary length
//                             header (L ones after the sign, then a zero)
#include "checkpoint/bundle_format.h"

#include <array>
#include <bit>
#include <limits>

#include "io/coding.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/io/crc32c.h"

namespace tfcompat::bundle {
namespace {

// Header bits xor'ed into the first two bytes of a SignedNumIncreasing of
// length L (index L).
constexpr std::array<std::array<uint8_t, 2>, 11> kLengthToHeaderBits = {{
    {0, 0},
    {0x80, 0},
    {0xc0, 0},
    {0xe0, 0},
    {0xf0, 0},
    {0xf8, 0},
    {0xfc, 0},
    {0xfe, 0},
    {0xff, 0},
    {0xff, 0x80},
    {0xff, 0xc0},
}};

void ExtendWithLength(uint32_t* crc, uint64_t length) {
  char buf[8];
  if (length <= std::numeric_limits<uint32_t>::max()) {
    EncodeFixed32(buf, static_cast<uint32_t>(length));
    *crc = crc32c::Extend(*crc, buf, 4);
  } else {
    EncodeFixed64(buf, length);
    *crc = crc32c::Extend(*crc, buf, 8);
  }
}

}  // namespace

void WriteNumIncreasing(std::string* dst, uint64_t value) {
  const int length = (64 - std::countl_zero(value) + 7) / 8;
  dst->push_back(static_cast<char>(length));
  for (int i = length - 1; i >= 0; --i) dst->push_back(static_cast<char>(value >> (8 * i)));
}

void WriteSignedNumIncreasing(std::string* dst, int64_t value) {
  const uint64_t x = value < 0 ? ~static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  if (x < 64) {
    dst->push_back(static_cast<char>(kLengthToHeaderBits[1][0] ^ static_cast<uint8_t>(value)));
    return;
  }
  // The shortest L with 7L - 1 >= significant bits of x + 1 (sign).
  const int bits = 64 - std::countl_zero(x);
  int length = 1;
  while (7 * length - 1 < bits) ++length;
  // `value` big-endian, sign-extended to 10 bytes.
  std::array<uint8_t, 10> buf;
  const uint8_t sign = value < 0 ? 0xff : 0x00;
  buf[0] = buf[1] = sign;
  for (int i = 0; i < 8; ++i) buf[2 + i] = static_cast<uint8_t>(static_cast<uint64_t>(value) >> (56 - 8 * i));
  uint8_t* begin = buf.data() + buf.size() - length;
  begin[0] ^= kLengthToHeaderBits[length][0];
  begin[1] ^= kLengthToHeaderBits[length][1];
  dst->append(reinterpret_cast<const char*>(begin), length);
}

void WriteOrderedString(std::string* dst, std::string_view value) {
  for (char c : value) {
    dst->push_back(c);
    if (c == '\0') dst->push_back('\xff');
    if (c == '\xff') dst->push_back('\0');
  }
  dst->append("\x00\x01", 2);
}

std::string EncodeTensorNameSlice(std::string_view name, std::span<const SliceExtent> slice) {
  std::string key;
  WriteNumIncreasing(&key, 0);
  WriteOrderedString(&key, name);
  WriteNumIncreasing(&key, slice.size());
  for (const SliceExtent& extent : slice) {
    WriteSignedNumIncreasing(&key, extent.start);
    WriteSignedNumIncreasing(&key, extent.length);
  }
  return key;
}

std::string EncodeStringHeader(const std::vector<std::string>& values, uint32_t* crc) {
  std::string out;
  uint32_t length_crc = 0;
  for (const std::string& value : values) {
    PutVarint64(&out, value.size());
    ExtendWithLength(&length_crc, value.size());
  }
  const size_t checksum_at = out.size();
  PutFixed32(&out, crc32c::Mask(length_crc));
  *crc = crc32c::Extend(length_crc, out.data() + checksum_at, 4);
  return out;
}

Status DecodeStringTensor(std::string_view data, int64_t num_elements, uint32_t stored_crc,
                          std::vector<std::string>* values) {
  // Each element takes at least one length byte.
  if (num_elements < 0 || static_cast<uint64_t>(num_elements) > data.size()) {
    return DataLossError("string tensor of " + std::to_string(num_elements) + " elements cannot fit in " +
                         std::to_string(data.size()) + " bytes");
  }
  std::string_view input = data;
  std::vector<uint64_t> lengths(static_cast<size_t>(num_elements));
  uint32_t crc = 0;
  uint64_t payload = 0;
  for (uint64_t& length : lengths) {
    if (!GetVarint64(&input, &length)) return DataLossError("bad string length varint");
    ExtendWithLength(&crc, length);
    payload += length;
    if (length > data.size() || payload > data.size()) {
      return DataLossError("string lengths exceed the entry size " + std::to_string(data.size()));
    }
  }
  uint32_t stored_length_crc;
  if (!GetFixed32(&input, &stored_length_crc)) return DataLossError("string tensor is missing its length checksum");
  if (crc32c::Unmask(stored_length_crc) != crc) {
    return DataLossError("The length checksum does not match: expected " +
                         std::to_string(crc32c::Unmask(stored_length_crc)) + " but actual is " + std::to_string(crc));
  }
  crc = crc32c::Extend(crc, input.data() - 4, 4);
  if (payload != input.size()) {
    return DataLossError("string payloads take " + std::to_string(payload) + " bytes but the entry has " +
                         std::to_string(input.size()));
  }
  crc = crc32c::Extend(crc, input.data(), input.size());
  if (crc != stored_crc) {
    return DataLossError("Checksum does not match: stored " + std::to_string(stored_crc) +
                         " vs. calculated on the restored bytes " + std::to_string(crc));
  }
  values->clear();
  values->reserve(lengths.size());
  for (uint64_t length : lengths) {
    values->emplace_back(input.substr(0, length));
    input.remove_prefix(length);
  }
  return OkStatus();
}

tensorflow::BundleHeaderProto MakeHeader(int num_shards) {
  tensorflow::BundleHeaderProto header;
  header.set_num_shards(num_shards);
  header.set_endianness(tensorflow::BundleHeaderProto::LITTLE);
  header.mutable_version()->set_producer(kVersion);
  return header;
}

Status CheckHeader(const tensorflow::BundleHeaderProto& header) {
  if (header.endianness() != tensorflow::BundleHeaderProto::LITTLE) {
    return UnimplementedError("Reading a big-endian checkpoint is not supported");
  }
  const auto& version = header.version();
  if (version.producer() < kMinProducer) {
    return FailedPreconditionError("Checkpoint producer version " + std::to_string(version.producer()) +
                                   " below min producer " + std::to_string(kMinProducer) +
                                   " supported by tfcompat.  Please regenerate your checkpoint.");
  }
  if (version.min_consumer() > kVersion) {
    return FailedPreconditionError("Checkpoint min consumer version " + std::to_string(version.min_consumer()) +
                                   " above current version " + std::to_string(kVersion) +
                                   " for tfcompat.  Please upgrade TensorFlow.");
  }
  for (int bad : version.bad_consumers()) {
    if (bad == kVersion) {
      return FailedPreconditionError("Checkpoint disallows consumer version " + std::to_string(kVersion) +
                                     ".  Please upgrade TensorFlow: this version is likely buggy.");
    }
  }
  if (header.num_shards() <= 0) {
    return DataLossError("bundle header has num_shards " + std::to_string(header.num_shards()));
  }
  return OkStatus();
}

StatusOr<TensorShape> EntryShape(const EntryRecord& entry, const EntryArena& arena) {
  if (entry.unknown_rank) return InvalidArgumentError("Invalid tensor shape: unknown rank");
  const std::span<const int64_t> dims = entry.dims(arena);
  for (int64_t dim : dims) {
    if (dim < 0) return InvalidArgumentError("Invalid tensor shape: negative dimension");
  }
  return TensorShape(dims.begin(), dims.end());
}

// ---------------------------------------------------------------------------
// BundleEntryProto wire format

namespace {

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// protobuf's default recursion limit, here for nested unknown groups.
constexpr int kMaxGroupDepth = 100;

// What went wrong where (the byte offset in the entry); the first failure
// is kept.
struct WireError {
  const char* what = nullptr;
  size_t at = 0;
};

// Reads one message's fields. Every read checks its bounds and returns
// false after recording the failure in the WireError shared by the readers
// of one entry.
class WireReader {
 public:
  WireReader(std::string_view message, const char* entry_begin, WireError* error)
      : rest_(message), entry_begin_(entry_begin), error_(error) {}

  bool done() const { return rest_.empty(); }

  // protobuf's varint: at most 10 bytes, bits past the 64th dropped.
  bool Varint(uint64_t* value) {
    uint64_t result = 0;
    for (size_t i = 0; i < 10 && i < rest_.size(); ++i) {
      const auto byte = static_cast<uint8_t>(rest_[i]);
      result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        rest_.remove_prefix(i + 1);
        *value = result;
        return true;
      }
    }
    return Fail("bad varint");
  }

  // A tag as protobuf reads it: a varint of at most 5 bytes whose bits past
  // the 32nd are dropped, field number > 0, wire type 0-5.
  bool Tag(uint32_t* field, uint32_t* wire_type) {
    const size_t before = rest_.size();
    uint64_t varint = 0;
    if (!Varint(&varint)) return false;
    const auto tag = static_cast<uint32_t>(varint);
    if (before - rest_.size() > 5 || (tag >> 3) == 0 || (tag & 7) > kFixed32) return Fail("invalid tag");
    *field = tag >> 3;
    *wire_type = tag & 7;
    return true;
  }

  // A length-delimited value, as a reader of its own.
  bool LengthDelimited(WireReader* message) {
    uint64_t length = 0;
    if (!Varint(&length)) return false;
    if (length > rest_.size()) return Fail("length runs past the end of the entry");
    *message = WireReader(rest_.substr(0, length), entry_begin_, error_);
    rest_.remove_prefix(length);
    return true;
  }

  bool Fixed32(uint32_t* value) {
    if (rest_.size() < 4) return Fail("fixed32 runs past the end of the entry");
    *value = DecodeFixed32(rest_.data());
    rest_.remove_prefix(4);
    return true;
  }

  // Skips the value of a field with this wire type (after its tag).
  bool Skip(uint32_t field, uint32_t wire_type, int depth = 0) {
    switch (wire_type) {
      case kVarint: {
        uint64_t ignored = 0;
        return Varint(&ignored);
      }
      case kFixed64:
      case kFixed32: {
        const size_t n = wire_type == kFixed64 ? 8 : 4;
        if (rest_.size() < n) return Fail("fixed-width field runs past the end of the entry");
        rest_.remove_prefix(n);
        return true;
      }
      case kLengthDelimited: {
        WireReader ignored(std::string_view(), entry_begin_, error_);
        return LengthDelimited(&ignored);
      }
      case kStartGroup: {
        if (depth >= kMaxGroupDepth) return Fail("groups nested too deeply");
        while (!done()) {
          uint32_t inner_field = 0, inner_type = 0;
          if (!Tag(&inner_field, &inner_type)) return false;
          if (inner_type == kEndGroup) return inner_field == field || Fail("group ends with another field number");
          if (!Skip(inner_field, inner_type, depth + 1)) return false;
        }
        return Fail("group is not closed");
      }
      default:
        return Fail("end of group outside a group");
    }
  }

 private:
  bool Fail(const char* what) {
    if (error_->what == nullptr) *error_ = {what, static_cast<size_t>(rest_.data() - entry_begin_)};
    return false;
  }

  std::string_view rest_;
  const char* entry_begin_;
  WireError* error_;
};

bool DecodeDim(WireReader dim, EntryArena* arena) {
  int64_t size = 0;
  while (!dim.done()) {
    uint32_t field = 0, wire_type = 0;
    if (!dim.Tag(&field, &wire_type)) return false;
    if (field == 1 && wire_type == kVarint) {
      uint64_t value = 0;
      if (!dim.Varint(&value)) return false;
      size = static_cast<int64_t>(value);
    } else if (!dim.Skip(field, wire_type)) {  // the name (field 2): never used by a checkpoint
      return false;
    }
  }
  arena->dims.push_back(size);
  return true;
}

bool DecodeShape(WireReader shape, EntryArena* arena, EntryRecord* entry) {
  while (!shape.done()) {
    uint32_t field = 0, wire_type = 0;
    if (!shape.Tag(&field, &wire_type)) return false;
    if (field == 2 && wire_type == kLengthDelimited) {
      WireReader dim = shape;
      if (!shape.LengthDelimited(&dim) || !DecodeDim(dim, arena)) return false;
    } else if (field == 3 && wire_type == kVarint) {
      uint64_t value = 0;
      if (!shape.Varint(&value)) return false;
      entry->unknown_rank = value != 0;
    } else if (!shape.Skip(field, wire_type)) {
      return false;
    }
  }
  return true;
}

bool DecodeExtent(WireReader extent_reader, EntryArena* arena) {
  SliceExtent extent;
  bool has_length = false;
  while (!extent_reader.done()) {
    uint32_t field = 0, wire_type = 0;
    if (!extent_reader.Tag(&field, &wire_type)) return false;
    if ((field == 1 || field == 2) && wire_type == kVarint) {
      uint64_t value = 0;
      if (!extent_reader.Varint(&value)) return false;
      (field == 1 ? extent.start : extent.length) = static_cast<int64_t>(value);
      has_length |= field == 2;
    } else if (!extent_reader.Skip(field, wire_type)) {
      return false;
    }
  }
  // As TF's TensorSlice: no length (or -1) is the whole dimension.
  if (!has_length || extent.length == -1) extent = SliceExtent();
  arena->extents.push_back(extent);
  return true;
}

bool DecodeSlice(WireReader slice_reader, EntryArena* arena) {
  EntryArena::Slice slice;
  slice.first_extent = static_cast<uint32_t>(arena->extents.size());
  while (!slice_reader.done()) {
    uint32_t field = 0, wire_type = 0;
    if (!slice_reader.Tag(&field, &wire_type)) return false;
    if (field == 1 && wire_type == kLengthDelimited) {
      WireReader extent = slice_reader;
      if (!slice_reader.LengthDelimited(&extent) || !DecodeExtent(extent, arena)) return false;
      ++slice.num_extents;
    } else if (!slice_reader.Skip(field, wire_type)) {
      return false;
    }
  }
  arena->slices.push_back(slice);
  return true;
}

bool DecodeEntryFields(WireReader reader, EntryArena* arena, EntryRecord* entry) {
  while (!reader.done()) {
    uint32_t field = 0, wire_type = 0;
    if (!reader.Tag(&field, &wire_type)) return false;
    WireReader message = reader;
    uint64_t value = 0;
    if (field == 2 && wire_type == kLengthDelimited) {
      entry->has_shape = true;
      if (!reader.LengthDelimited(&message) || !DecodeShape(message, arena, entry)) return false;
    } else if (field == 7 && wire_type == kLengthDelimited) {
      if (!reader.LengthDelimited(&message) || !DecodeSlice(message, arena)) return false;
    } else if (field == 6 && wire_type == kFixed32) {
      if (!reader.Fixed32(&entry->masked_crc32c)) return false;
    } else if (field >= 1 && field <= 5 && wire_type == kVarint) {
      if (!reader.Varint(&value)) return false;
      // int32 and enum fields keep the low 32 bits, as protobuf does.
      if (field == 1) entry->dtype = static_cast<int32_t>(value);
      if (field == 3) entry->shard_id = static_cast<int32_t>(value);
      if (field == 4) entry->offset = static_cast<int64_t>(value);
      if (field == 5) entry->size = static_cast<int64_t>(value);
    } else if (!reader.Skip(field, wire_type)) {
      return false;
    }
  }
  return true;
}

void PutTag(std::string* out, uint32_t field, WireType wire_type) { PutVarint32(out, field << 3 | wire_type); }

// Sizes of the embedded messages EncodeEntry writes.
size_t DimSize(int64_t dim) { return dim == 0 ? 0 : 1 + VarintLength(static_cast<uint64_t>(dim)); }
size_t ExtentSize(const SliceExtent& extent) {
  if (extent.length == -1) return 0;
  return (extent.start == 0 ? 0 : 1 + VarintLength(static_cast<uint64_t>(extent.start))) + 1 +
         VarintLength(static_cast<uint64_t>(extent.length));
}
size_t Embedded(size_t size) { return 1 + VarintLength(size) + size; }

}  // namespace

Status DecodeEntry(std::string_view bytes, EntryArena* arena, EntryRecord* entry) {
  *entry = EntryRecord();
  entry->first_dim = static_cast<uint32_t>(arena->dims.size());
  entry->first_slice = static_cast<uint32_t>(arena->slices.size());
  WireError error;
  if (!DecodeEntryFields(WireReader(bytes, bytes.data(), &error), arena, entry)) {
    return DataLossError(std::string(error.what) + " at byte " + std::to_string(error.at));
  }
  // Only this entry's shape appended dims since it began.
  entry->rank = static_cast<uint32_t>(arena->dims.size() - entry->first_dim);
  entry->num_slices = static_cast<uint32_t>(arena->slices.size() - entry->first_slice);
  return OkStatus();
}

void EncodeEntry(const EntryRecord& entry, const EntryArena& arena, std::string* out) {
  // Enum and int32 fields are sign-extended to 64 bits on the wire.
  const auto put_varint_field = [out](uint32_t field, int64_t value) {
    if (value == 0) return;
    PutTag(out, field, kVarint);
    PutVarint64(out, static_cast<uint64_t>(value));
  };
  put_varint_field(1, entry.dtype);
  if (entry.has_shape) {
    size_t shape_size = entry.unknown_rank ? 2 : 0;
    for (int64_t dim : entry.dims(arena)) shape_size += Embedded(DimSize(dim));
    PutTag(out, 2, kLengthDelimited);
    PutVarint64(out, shape_size);
    for (int64_t dim : entry.dims(arena)) {
      PutTag(out, 2, kLengthDelimited);
      PutVarint64(out, DimSize(dim));
      if (dim != 0) {
        PutTag(out, 1, kVarint);
        PutVarint64(out, static_cast<uint64_t>(dim));
      }
    }
    if (entry.unknown_rank) {
      PutTag(out, 3, kVarint);
      out->push_back(1);
    }
  }
  put_varint_field(3, entry.shard_id);
  put_varint_field(4, entry.offset);
  put_varint_field(5, entry.size);
  if (entry.masked_crc32c != 0) {
    PutTag(out, 6, kFixed32);
    PutFixed32(out, entry.masked_crc32c);
  }
  for (uint32_t s = 0; s < entry.num_slices; ++s) {
    const std::span<const SliceExtent> extents = entry.extents(arena, s);
    size_t slice_size = 0;
    for (const SliceExtent& extent : extents) slice_size += Embedded(ExtentSize(extent));
    PutTag(out, 7, kLengthDelimited);
    PutVarint64(out, slice_size);
    for (const SliceExtent& extent : extents) {
      PutTag(out, 1, kLengthDelimited);
      PutVarint64(out, ExtentSize(extent));
      if (extent.length == -1) continue;
      if (extent.start != 0) {
        PutTag(out, 1, kVarint);
        PutVarint64(out, static_cast<uint64_t>(extent.start));
      }
      PutTag(out, 2, kVarint);
      PutVarint64(out, static_cast<uint64_t>(extent.length));
    }
  }
}

}  // namespace tfcompat::bundle
