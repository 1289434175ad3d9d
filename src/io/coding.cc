// SPDX-License-Identifier: Apache-2.0
#include "io/coding.h"

namespace tfcompat {

void PutFixed32(std::string* dst, uint32_t value) {
  char buf[4];
  EncodeFixed32(buf, value);
  dst->append(buf, sizeof(buf));
}

void PutFixed64(std::string* dst, uint64_t value) {
  char buf[8];
  EncodeFixed64(buf, value);
  dst->append(buf, sizeof(buf));
}

void PutVarint32(std::string* dst, uint32_t value) { PutVarint64(dst, value); }

void PutVarint64(std::string* dst, uint64_t value) {
  char buf[kMaxVarint64Bytes];
  dst->append(buf, EncodeVarint64(buf, value));
}

void PutLengthPrefixed(std::string* dst, std::string_view value) {
  PutVarint32(dst, static_cast<uint32_t>(value.size()));
  dst->append(value.data(), value.size());
}

bool GetFixed32(std::string_view* input, uint32_t* value) {
  if (input->size() < 4) return false;
  *value = DecodeFixed32(input->data());
  input->remove_prefix(4);
  return true;
}

bool GetFixed64(std::string_view* input, uint64_t* value) {
  if (input->size() < 8) return false;
  *value = DecodeFixed64(input->data());
  input->remove_prefix(8);
  return true;
}

namespace {

// Decodes at most `max_bytes` bytes; rejects encodings that do not end in
// time or carry bits beyond 64.
bool GetVarint(std::string_view* input, int max_bytes, uint64_t* value) {
  uint64_t result = 0;
  const int limit = std::min<int>(max_bytes, static_cast<int>(input->size()));
  for (int i = 0; i < limit; ++i) {
    const uint64_t byte = static_cast<unsigned char>((*input)[i]);
    if (i == kMaxVarint64Bytes - 1 && byte > 1) return false;
    result |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *value = result;
      input->remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

}  // namespace

bool GetVarint32(std::string_view* input, uint32_t* value) {
  uint64_t v;
  std::string_view copy = *input;
  if (!GetVarint(&copy, kMaxVarint32Bytes, &v) || v > UINT32_MAX) return false;
  *input = copy;
  *value = static_cast<uint32_t>(v);
  return true;
}

bool GetVarint64(std::string_view* input, uint64_t* value) { return GetVarint(input, kMaxVarint64Bytes, value); }

bool GetLengthPrefixed(std::string_view* input, std::string_view* value) {
  std::string_view copy = *input;
  uint32_t length;
  if (!GetVarint32(&copy, &length) || copy.size() < length) return false;
  *value = copy.substr(0, length);
  copy.remove_prefix(length);
  *input = copy;
  return true;
}

}  // namespace tfcompat
