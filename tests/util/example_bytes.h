// SPDX-License-Identifier: Apache-2.0
// Serialized tf.train.Example records built field by field, for the tests of
// the Example parser and dataset (field numbers of feature.proto and
// example.proto; lists packed, as TF writes them).
//
//   const std::string record = testing::Example({{"age", testing::Int64Feature({42})},
//                                                {"name", testing::BytesFeature({"x"})}});
#ifndef TFCOMPAT_TESTS_UTIL_EXAMPLE_BYTES_H_
#define TFCOMPAT_TESTS_UTIL_EXAMPLE_BYTES_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/coding.h"

namespace tfcompat::testing {

// Field `number` of wire type 2 (length-delimited) holding `bytes`.
inline std::string LengthDelimited(uint32_t number, std::string_view bytes) {
  std::string out;
  PutVarint32(&out, number << 3 | 2);
  PutLengthPrefixed(&out, bytes);
  return out;
}

// Feature messages: bytes_list = 1, float_list = 2, int64_list = 3.
inline std::string FloatFeature(const std::vector<float>& values) {
  std::string packed(values.size() * 4, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &values[i], 4);
    EncodeFixed32(packed.data() + 4 * i, bits);
  }
  return LengthDelimited(2, LengthDelimited(1, packed));
}
inline std::string Int64Feature(const std::vector<int64_t>& values) {
  std::string packed;
  for (int64_t v : values) PutVarint64(&packed, static_cast<uint64_t>(v));
  return LengthDelimited(3, LengthDelimited(1, packed));
}
inline std::string BytesFeature(const std::vector<std::string>& values) {
  std::string list;
  for (const std::string& v : values) list += LengthDelimited(1, v);
  return LengthDelimited(1, list);
}

// An Example of (key, serialized Feature) map entries, in this order.
inline std::string Example(const std::vector<std::pair<std::string, std::string>>& features) {
  std::string entries;
  for (const auto& [key, feature] : features) {
    entries += LengthDelimited(1, LengthDelimited(1, key) + LengthDelimited(2, feature));
  }
  return LengthDelimited(1, entries);
}

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_EXAMPLE_BYTES_H_
