// SPDX-License-Identifier: Apache-2.0
// SerializeExample: a tf.train.Example written straight in the wire format
// (field numbers of proto/tfcompat/tensorflow/{example,feature}.proto),
// sizes first, so that each message's length prefix is known before its
// bytes are appended.
#include <bit>
#include <cstring>
#include <string>
#include <type_traits>

#include "io/coding.h"
#include "io/wire_reader.h"
#include "tfcompat/data/example.h"

namespace tfcompat::data {
namespace {

// Bytes of a length-delimited field: 1-byte key (field numbers 1 to 3),
// the length's varint and the body.
size_t FieldSize(size_t body) { return 1 + static_cast<size_t>(VarintLength(body)) + body; }

void PutField(std::string* out, uint32_t field_number, size_t body_size) {
  out->push_back(static_cast<char>(WireKey(field_number, kWireLengthDelimited)));
  PutVarint64(out, body_size);
}

// The bytes of a numeric list's packed values.
size_t PackedSize(const std::vector<float>& v) { return 4 * v.size(); }
size_t PackedSize(const std::vector<int64_t>& v) {
  size_t size = 0;
  for (int64_t x : v) size += static_cast<size_t>(VarintLength(static_cast<uint64_t>(x)));
  return size;
}

// The body of the list message (FloatList, Int64List or BytesList).
size_t ListBodySize(const FeatureValues& values) {
  return std::visit(
      [](const auto& v) -> size_t {
        using T = typename std::decay_t<decltype(v)>::value_type;
        if constexpr (std::is_same_v<T, std::string>) {
          size_t size = 0;
          for (const std::string& s : v) size += FieldSize(s.size());
          return size;
        } else {
          return v.empty() ? 0 : FieldSize(PackedSize(v));  // proto3 writes no empty packed field
        }
      },
      values);
}

void PutList(std::string* out, const FeatureValues& values, size_t body_size) {
  // Feature: bytes_list = 1, float_list = 2, int64_list = 3.
  PutField(out, static_cast<uint32_t>(values.index() == 0 ? 2 : values.index() == 1 ? 3 : 1), body_size);
  std::visit(
      [out](const auto& v) {
        using T = typename std::decay_t<decltype(v)>::value_type;
        if constexpr (std::is_same_v<T, std::string>) {
          for (const std::string& s : v) {
            PutField(out, 1, s.size());
            out->append(s);
          }
        } else if (!v.empty()) {
          // One packed field 1 (proto3's default, and what TF writes).
          PutField(out, 1, PackedSize(v));
          for (const T x : v) {
            if constexpr (std::is_same_v<T, float>) {
              PutFixed32(out, std::bit_cast<uint32_t>(x));
            } else {
              PutVarint64(out, static_cast<uint64_t>(x));
            }
          }
        }
      },
      values);
}

}  // namespace

std::string SerializeExample(const std::map<std::string, FeatureValues>& features) {
  struct Sizes {
    size_t list, feature, entry;
  };
  std::vector<Sizes> sizes;
  sizes.reserve(features.size());
  size_t features_size = 0;
  for (const auto& [key, values] : features) {
    Sizes s;
    s.list = ListBodySize(values);
    s.feature = FieldSize(s.list);                           // Feature: the one list field
    s.entry = FieldSize(key.size()) + FieldSize(s.feature);  // map entry: key = 1, value = 2
    features_size += FieldSize(s.entry);
    sizes.push_back(s);
  }
  std::string out;
  out.reserve(FieldSize(features_size));
  PutField(&out, 1, features_size);  // Example.features
  size_t i = 0;
  for (const auto& [key, values] : features) {
    const Sizes& s = sizes[i++];
    PutField(&out, 1, s.entry);  // Features.feature entry
    PutField(&out, 1, key.size());
    out.append(key);
    PutField(&out, 2, s.feature);
    PutList(&out, values, s.list);
  }
  return out;
}

}  // namespace tfcompat::data
