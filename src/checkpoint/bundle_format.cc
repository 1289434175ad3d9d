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

std::string EncodeTensorNameSlice(std::string_view name, const tensorflow::TensorSliceProto& slice) {
  std::string key;
  WriteNumIncreasing(&key, 0);
  WriteOrderedString(&key, name);
  WriteNumIncreasing(&key, static_cast<uint64_t>(slice.extent_size()));
  for (const auto& extent : slice.extent()) {
    const bool full = extent.has_length_case() == tensorflow::TensorSliceProto::Extent::HAS_LENGTH_NOT_SET;
    WriteSignedNumIncreasing(&key, full ? 0 : extent.start());
    WriteSignedNumIncreasing(&key, full ? -1 : extent.length());
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

void ShapeToProto(const TensorShape& shape, tensorflow::TensorShapeProto* proto) {
  proto->Clear();
  for (int64_t dim : shape) proto->add_dim()->set_size(dim);
}

StatusOr<TensorShape> ShapeFromProto(const tensorflow::TensorShapeProto& proto) {
  if (proto.unknown_rank()) return InvalidArgumentError("Invalid tensor shape: unknown rank");
  TensorShape shape;
  for (const auto& dim : proto.dim()) {
    if (dim.size() < 0) return InvalidArgumentError("Invalid tensor shape: negative dimension");
    shape.push_back(dim.size());
  }
  return shape;
}

}  // namespace tfcompat::bundle
