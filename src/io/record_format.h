// SPDX-License-Identifier: Apache-2.0
// TFRecord framing (internal), byte for byte as TensorFlow's RecordWriter
// writes it:
//
//   +------------------+--------------------------+---------+---------------------------+
//   | length: u64 LE   | Mask(CRC32C(length)): u32 | payload | Mask(CRC32C(payload)): u32 |
//   +------------------+--------------------------+---------+---------------------------+
//     8 bytes            4 bytes                    length    4 bytes
//
// Mask() is crc32c::Mask. With compression, the whole stream of such records
// is one zlib or gzip stream; the framing inside is unchanged.
#ifndef TFCOMPAT_SRC_IO_RECORD_FORMAT_H_
#define TFCOMPAT_SRC_IO_RECORD_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "io/coding.h"
#include "tfcompat/base/status.h"
#include "tfcompat/io/crc32c.h"

namespace tfcompat {

inline constexpr size_t kRecordHeaderSize = 8 + 4;
inline constexpr size_t kRecordFooterSize = 4;

// Fills `header[kRecordHeaderSize]` for a payload of `length` bytes.
void EncodeRecordHeader(uint64_t length, char* header);
// Fills `footer[kRecordFooterSize]` for `payload`.
void EncodeRecordFooter(std::string_view payload, char* footer);
// Appends the whole framed record for `payload` to `dst`.
void AppendRecord(std::string_view payload, std::string* dst);

// The DataLoss of a stored masked CRC that is not the one computed, of the
// record's "length" or "data".
Status RecordCrcMismatch(const char* what, uint32_t stored, uint32_t computed);

// Checks the header's CRC and returns the payload length. DataLoss (without
// file or offset; the caller adds them) when the CRC does not match.
// Inline, as VerifyRecordFooter is (their errors made out of line): a
// reader checks millions of records of a few dozen bytes.
inline StatusOr<uint64_t> DecodeRecordHeader(std::string_view header) {
  if (header.size() < kRecordHeaderSize) return DataLossError("truncated record header");
  const uint32_t computed = crc32c::Mask(crc32c::Value(header.data(), 8));
  const uint32_t stored = DecodeFixed32(header.data() + 8);
  if (stored != computed) return RecordCrcMismatch("length", stored, computed);
  return DecodeFixed64(header.data());
}

// DataLoss when `footer` is not the masked CRC of `payload`.
inline Status VerifyRecordFooter(std::string_view payload, std::string_view footer) {
  if (footer.size() < kRecordFooterSize) return DataLossError("truncated record footer");
  const uint32_t computed = crc32c::Mask(crc32c::Value(payload.data(), payload.size()));
  const uint32_t stored = DecodeFixed32(footer.data());
  if (stored != computed) return RecordCrcMismatch("data", stored, computed);
  return OkStatus();
}

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_IO_RECORD_FORMAT_H_
