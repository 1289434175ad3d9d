// SPDX-License-Identifier: Apache-2.0
#include "io/record_format.h"

#include "io/coding.h"
#include "tfcompat/io/crc32c.h"

namespace tfcompat {

void EncodeRecordHeader(uint64_t length, char* header) {
  EncodeFixed64(header, length);
  EncodeFixed32(header + 8, crc32c::Mask(crc32c::Value(header, 8)));
}

void EncodeRecordFooter(std::string_view payload, char* footer) {
  EncodeFixed32(footer, crc32c::Mask(crc32c::Value(payload.data(), payload.size())));
}

void AppendRecord(std::string_view payload, std::string* dst) {
  char header[kRecordHeaderSize];
  char footer[kRecordFooterSize];
  EncodeRecordHeader(payload.size(), header);
  EncodeRecordFooter(payload, footer);
  dst->reserve(dst->size() + kRecordHeaderSize + payload.size() + kRecordFooterSize);
  dst->append(header, kRecordHeaderSize);
  dst->append(payload.data(), payload.size());
  dst->append(footer, kRecordFooterSize);
}

namespace {

std::string Hex32(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) out += kDigits[(v >> shift) & 0xf];
  return out;
}

}  // namespace

Status RecordCrcMismatch(const char* what, uint32_t stored, uint32_t computed) {
  return DataLossError(std::string("corrupted record: ") + what + " CRC mismatch (stored " + Hex32(stored) +
                       ", computed " + Hex32(computed) + ")");
}

}  // namespace tfcompat
