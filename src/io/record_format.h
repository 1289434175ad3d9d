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

#include "tfcompat/base/status.h"

namespace tfcompat {

inline constexpr size_t kRecordHeaderSize = 8 + 4;
inline constexpr size_t kRecordFooterSize = 4;

// Fills `header[kRecordHeaderSize]` for a payload of `length` bytes.
void EncodeRecordHeader(uint64_t length, char* header);
// Fills `footer[kRecordFooterSize]` for `payload`.
void EncodeRecordFooter(std::string_view payload, char* footer);
// Appends the whole framed record for `payload` to `dst`.
void AppendRecord(std::string_view payload, std::string* dst);

// Checks the header's CRC and returns the payload length. DataLoss (without
// file or offset; the caller adds them) when the CRC does not match.
StatusOr<uint64_t> DecodeRecordHeader(std::string_view header);
// DataLoss when `footer` is not the masked CRC of `payload`.
Status VerifyRecordFooter(std::string_view payload, std::string_view footer);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_IO_RECORD_FORMAT_H_
