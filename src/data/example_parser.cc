// SPDX-License-Identifier: Apache-2.0
// ExampleParser: tf.train.Example decoded straight from the wire format
// (WireReader), without building protobuf messages, then gathered into the
// batch tensors of tf.io.parse_example. Field numbers are those of
// proto/tfcompat/tensorflow/{example,feature}.proto.
#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <utility>

#include "io/wire_reader.h"
#include "tfcompat/data/example.h"

namespace tfcompat::data {
namespace {

// The Feature oneof: which list a Feature holds.
enum class Kind : uint8_t { kNone, kBytes, kFloat, kInt64 };

// Keys: Example.features = 1, Features.feature = 1 (map entry: key = 1,
// value = 2), Feature.bytes_list = 1, float_list = 2, int64_list = 3, and
// each list's value = 1 (packed or one value per field).
constexpr uint32_t kExampleFeatures = WireKey(1, kWireLengthDelimited);
constexpr uint32_t kFeaturesEntry = WireKey(1, kWireLengthDelimited);
constexpr uint32_t kEntryKey = WireKey(1, kWireLengthDelimited);
constexpr uint32_t kEntryValue = WireKey(2, kWireLengthDelimited);
constexpr uint32_t kBytesList = WireKey(1, kWireLengthDelimited);
constexpr uint32_t kFloatList = WireKey(2, kWireLengthDelimited);
constexpr uint32_t kInt64List = WireKey(3, kWireLengthDelimited);
constexpr uint32_t kPackedValues = WireKey(1, kWireLengthDelimited);
constexpr uint32_t kFloatValue = WireKey(1, kWireFixed32);
constexpr uint32_t kInt64Value = WireKey(1, kWireVarint);

Kind KindOf(DataType dtype) {
  switch (dtype) {
    case DataType::kFloat:
      return Kind::kFloat;
    case DataType::kInt64:
      return Kind::kInt64;
    case DataType::kString:
      return Kind::kBytes;
    default:
      return Kind::kNone;
  }
}

// TF's DataTypeString of the list a Feature holds.
std::string_view KindTypeName(Kind kind) {
  switch (kind) {
    case Kind::kFloat:
      return "float";
    case Kind::kInt64:
      return "int64";
    case Kind::kBytes:
      return "string";
    case Kind::kNone:
      break;
  }
  return "invalid";
}

// The noun of TF's count error: "Number of bytes values != expected".
std::string_view KindValueNoun(Kind kind) { return kind == Kind::kBytes ? "bytes" : KindTypeName(kind); }

// Skips a field that is not one we read; false when malformed (key 0, a
// group, a truncated value).
bool SkipField(WireReader* in, uint32_t key) { return key != 0 && in->Skip(key & 7); }

// The values of one or more lists, by kind.
struct Values {
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;

  size_t size(Kind kind) const {
    return kind == Kind::kFloat ? floats.size() : kind == Kind::kInt64 ? ints.size() : strings.size();
  }
  void clear() {
    floats.clear();
    ints.clear();
    strings.clear();
  }
};

// Appends the values of a list body of `kind` to `out`; returns what is
// malformed, or nullptr.
const char* AppendFloats(std::string_view list, std::vector<float>* out) {
  WireReader in(list);
  while (!in.AtEnd()) {
    const uint32_t key = in.Key();
    if (key == kPackedValues) {
      std::string_view packed;
      if (!in.Bytes(&packed)) return "a packed float list runs past its end";
      if (packed.size() % 4 != 0) return "a packed float list's length is not a multiple of 4";
      const size_t old_size = out->size();
      out->resize(old_size + packed.size() / 4);
      if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(out->data() + old_size, packed.data(), packed.size());
      } else {
        for (size_t i = 0; i < packed.size() / 4; ++i) {
          (*out)[old_size + i] = std::bit_cast<float>(DecodeFixed32(packed.data() + 4 * i));
        }
      }
    } else if (key == kFloatValue) {
      uint32_t bits;
      if (!in.Fixed32(&bits)) return "a float runs past the end of its list";
      out->push_back(std::bit_cast<float>(bits));
    } else if (!SkipField(&in, key)) {
      return "a float list holds a malformed field";
    }
  }
  return nullptr;
}

const char* AppendInts(std::string_view list, std::vector<int64_t>* out) {
  WireReader in(list);
  uint64_t value;
  while (!in.AtEnd()) {
    const uint32_t key = in.Key();
    if (key == kPackedValues) {
      std::string_view packed;
      if (!in.Bytes(&packed)) return "a packed int64 list runs past its end";
      WireReader values(packed);
      while (!values.AtEnd()) {
        if (!values.Varint(&value)) return "a packed int64 list holds a malformed varint";
        out->push_back(static_cast<int64_t>(value));
      }
    } else if (key == kInt64Value) {
      if (!in.Varint(&value)) return "an int64 list holds a malformed varint";
      out->push_back(static_cast<int64_t>(value));
    } else if (!SkipField(&in, key)) {
      return "an int64 list holds a malformed field";
    }
  }
  return nullptr;
}

const char* AppendStrings(std::string_view list, std::vector<std::string>* out) {
  WireReader in(list);
  while (!in.AtEnd()) {
    const uint32_t key = in.Key();
    if (key == kPackedValues) {
      std::string_view value;
      if (!in.Bytes(&value)) return "a bytes value runs past the end of its list";
      out->emplace_back(value);
    } else if (!SkipField(&in, key)) {
      return "a bytes list holds a malformed field";
    }
  }
  return nullptr;
}

const char* AppendValues(Kind kind, std::string_view list, Values* out) {
  switch (kind) {
    case Kind::kFloat:
      return AppendFloats(list, &out->floats);
    case Kind::kInt64:
      return AppendInts(list, &out->ints);
    case Kind::kBytes:
      return AppendStrings(list, &out->strings);
    case Kind::kNone:
      break;
  }
  return nullptr;
}

// A Feature message: the last list field set wins (oneof semantics); none
// is kNone, an empty feature.
const char* ParseFeature(std::string_view feature, Kind* kind, std::string_view* list) {
  *kind = Kind::kNone;
  WireReader in(feature);
  while (!in.AtEnd()) {
    const uint32_t key = in.Key();
    const Kind field_kind = key == kBytesList   ? Kind::kBytes
                            : key == kFloatList ? Kind::kFloat
                            : key == kInt64List ? Kind::kInt64
                                                : Kind::kNone;
    if (field_kind != Kind::kNone) {
      if (!in.Bytes(list)) return "a feature's list runs past its end";
      *kind = field_kind;
    } else if (!SkipField(&in, key)) {
      return "a Feature holds a malformed field";
    }
  }
  return nullptr;
}

// A hash of a feature key from its length and its first and last (up to)
// eight bytes, mixed with MurmurHash3's finalizer: keys are short, the
// table holds a few dozen, and every record looks up each of its keys.
uint64_t HashKey(std::string_view key) {
  uint64_t head = 0, tail = 0;
  if (key.size() >= 8) {
    // Fixed-size copies: single loads.
    std::memcpy(&head, key.data(), 8);
    std::memcpy(&tail, key.data() + key.size() - 8, 8);
  } else {
    for (char c : key) head = head << 8 | static_cast<unsigned char>(c);
  }
  uint64_t h = head ^ std::rotl(tail, 29) ^ (static_cast<uint64_t>(key.size()) << 56);
  h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdull;
  h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

// std::string_view's ==, with the short compare inline: keys are a few
// bytes, and a call to memcmp costs more than comparing them.
bool SameKey(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return false;
  }
  for (; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// The length and body of a list that is one length-delimited field 1 (a
// packed list, as TF and protobuf write them) and nothing else; false for
// any other layout, which the general path then reads.
bool SinglePackedField(std::string_view list, std::string_view* body) {
  if (list.size() < 2 || list[0] != static_cast<char>(kPackedValues)) return false;
  WireReader in(list.substr(1));
  return in.Bytes(body) && in.AtEnd();
}

// The common layouts of a FixedLenFeature's list written straight into its
// place in the batch: `count` values, packed for numbers. False, having
// written nothing or values the general path overwrites, for anything
// else (other layouts, wrong counts, malformed bytes), which the general
// path then reads or reports.
bool FastFloats(std::string_view list, float* dst, int64_t count) {
  std::string_view body;
  if (!SinglePackedField(list, &body) || body.size() != static_cast<size_t>(count) * 4) return false;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(dst, body.data(), body.size());
  } else {
    for (int64_t i = 0; i < count; ++i) dst[i] = std::bit_cast<float>(DecodeFixed32(body.data() + 4 * i));
  }
  return true;
}

bool FastInts(std::string_view list, int64_t* dst, int64_t count) {
  std::string_view body;
  if (!SinglePackedField(list, &body)) return false;
  WireReader in(body);
  uint64_t value;
  for (int64_t i = 0; i < count; ++i) {
    if (!in.Varint(&value)) return false;
    dst[i] = static_cast<int64_t>(value);
  }
  return in.AtEnd();
}

bool FastStrings(std::string_view list, std::string* dst, int64_t count) {
  WireReader in(list);
  std::string_view value;
  for (int64_t i = 0; i < count; ++i) {
    if (in.Key() != kPackedValues || !in.Bytes(&value)) return false;
    dst[i].assign(value);
  }
  return in.AtEnd();
}

}  // namespace

struct ExampleParser::Rep {
  // One spec entry, in key order.
  struct Key {
    std::string name;
    bool fixed = false;
    DataType dtype = DataType::kInvalid;
    Kind kind = Kind::kNone;
    TensorShape shape;           // FixedLen: the per-example shape
    int64_t count = 0;           // FixedLen: its number of elements
    std::optional<Tensor> fill;  // FixedLen: the default
  };

  ExampleSpec spec;
  std::vector<Key> keys;
  // Open addressing over the keys: a slot holds a key's hash and index, or
  // index -1. Comparing hashes first leaves one string compare per hit.
  struct Slot {
    uint64_t hash = 0;
    int32_t index = -1;
  };
  std::vector<Slot> table;
  uint64_t table_mask = 0;

  int32_t Find(std::string_view name) const {
    const uint64_t hash = HashKey(name);
    for (uint64_t i = hash & table_mask;; i = (i + 1) & table_mask) {
      const Slot& slot = table[i];
      if (slot.index < 0) return -1;
      if (slot.hash == hash) {
        const std::string& key = keys[static_cast<size_t>(slot.index)].name;
        if (SameKey(key, name)) return slot.index;
      }
    }
  }
};

ExampleParser::ExampleParser(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
ExampleParser::ExampleParser(ExampleParser&&) noexcept = default;
ExampleParser& ExampleParser::operator=(ExampleParser&&) noexcept = default;
ExampleParser::~ExampleParser() = default;

const ExampleSpec& ExampleParser::spec() const { return rep_->spec; }

StatusOr<ExampleParser> ExampleParser::Create(ExampleSpec spec) {
  auto rep = std::make_unique<Rep>();
  for (const auto& [name, feature] : spec) {
    Rep::Key key;
    key.name = name;
    if (name.empty()) return InvalidArgumentError("A feature key of an Example spec is empty");
    if (const auto* fixed = std::get_if<FixedLenFeature>(&feature)) {
      key.fixed = true;
      key.dtype = fixed->dtype;
      key.shape = fixed->shape;
      StatusOr<int64_t> count = NumElements(fixed->shape);
      if (!count.ok()) {
        return InvalidArgumentError("Feature: " + name + ": invalid shape " + ShapeDebugString(fixed->shape) + ": " +
                                    std::string(count.status().message()));
      }
      key.count = *count;
      if (fixed->default_value.has_value()) {
        const Tensor& fill = *fixed->default_value;
        if (fill.dtype() != fixed->dtype || fill.num_elements() != key.count) {
          return InvalidArgumentError(
              "Feature: " + name + ": default_value of dtype " + std::string(DataTypeName(fill.dtype())) +
              " and shape " + ShapeDebugString(fill.shape()) + " does not fit dtype " +
              std::string(DataTypeName(fixed->dtype)) + " and shape " + ShapeDebugString(fixed->shape));
        }
        key.fill = fill;
      }
    } else {
      key.dtype = std::get<VarLenFeature>(feature).dtype;
    }
    key.kind = KindOf(key.dtype);
    if (key.kind == Kind::kNone) {
      return InvalidArgumentError("Feature: " + name + ": dtype " + std::string(DataTypeName(key.dtype)) +
                                  " is not one of float32, int64 and string");
    }
    rep->keys.push_back(std::move(key));
  }
  const uint64_t slots = std::bit_ceil(std::max<uint64_t>(4 * rep->keys.size(), 8));
  rep->table.assign(slots, Rep::Slot{});
  rep->table_mask = slots - 1;
  for (size_t i = 0; i < rep->keys.size(); ++i) {
    const uint64_t hash = HashKey(rep->keys[i].name);
    uint64_t slot = hash & rep->table_mask;
    while (rep->table[slot].index >= 0) slot = (slot + 1) & rep->table_mask;
    rep->table[slot] = {hash, static_cast<int32_t>(i)};
  }
  rep->spec = std::move(spec);
  return ExampleParser(std::move(rep));
}

namespace {

// Where one batch's values go while its records are read.
struct KeyOutput {
  Tensor dense;                      // FixedLen numeric: [B, shape...], filled in place
  std::vector<std::string> strings;  // FixedLen string: B * count
  Values var_values;                 // VarLen: every record's values, in order
  std::vector<int64_t> var_counts;   // VarLen: per record
};

template <typename T>
void CopyInto(std::span<T> dst, size_t offset, const std::vector<T>& src) {
  std::copy(src.begin(), src.end(), dst.begin() + static_cast<std::ptrdiff_t>(offset));
}

Tensor NumericTensor(DataType dtype, TensorShape shape, const Values& values) {
  Tensor t = *Tensor::Zeros(dtype, std::move(shape));
  if (dtype == DataType::kFloat) {
    CopyInto(t.mutable_flat<float>(), 0, values.floats);
  } else {
    CopyInto(t.mutable_flat<int64_t>(), 0, values.ints);
  }
  return t;
}

}  // namespace

Status ExampleParser::Parse(std::span<const std::string_view> records, ParsedFeatures* out,
                            std::span<const std::string> names) const {
  if (!names.empty() && names.size() != records.size()) {
    return InvalidArgumentError("Expected len(names) == len(records): " + std::to_string(names.size()) + " names for " +
                                std::to_string(records.size()) + " records");
  }
  const auto name_of = [&](size_t i) { return names.empty() ? "record " + std::to_string(i) : names[i]; };
  const Rep& rep = *rep_;
  const size_t num_keys = rep.keys.size();
  const auto batch = static_cast<int64_t>(records.size());

  std::vector<KeyOutput> outputs(num_keys);
  for (size_t k = 0; k < num_keys; ++k) {
    const Rep::Key& key = rep.keys[k];
    if (!key.fixed) {
      outputs[k].var_counts.resize(records.size());
    } else if (key.kind == Kind::kBytes) {
      outputs[k].strings.resize(records.size() * static_cast<size_t>(key.count));
    } else {
      TensorShape shape{batch};
      shape.insert(shape.end(), key.shape.begin(), key.shape.end());
      StatusOr<Tensor> dense = Tensor::Zeros(key.dtype, std::move(shape));
      if (!dense.ok()) return dense.status();
      outputs[k].dense = std::move(*dense);
    }
  }

  std::vector<std::string_view> found(num_keys);
  std::vector<uint8_t> present(num_keys);
  Values scratch;
  for (size_t i = 0; i < records.size(); ++i) {
    const auto malformed = [&](const char* what) {
      return DataLossError("Name: " + name_of(i) + ", Could not parse example input: " + what + " (" +
                           std::to_string(records[i].size()) + " bytes)");
    };
    // Pass 1: the Features map's entries that the spec names; a later entry
    // for the same key replaces an earlier one.
    std::fill(present.begin(), present.end(), 0);
    WireReader example(records[i]);
    while (!example.AtEnd()) {
      const uint32_t example_key = example.Key();
      if (example_key != kExampleFeatures) {
        if (!SkipField(&example, example_key)) return malformed("an Example holds a malformed field");
        continue;
      }
      std::string_view features_bytes;
      if (!example.Bytes(&features_bytes)) return malformed("an Example's features run past its end");
      WireReader features(features_bytes);
      while (!features.AtEnd()) {
        const uint32_t features_key = features.Key();
        if (features_key != kFeaturesEntry) {
          if (!SkipField(&features, features_key)) return malformed("a Features message holds a malformed field");
          continue;
        }
        std::string_view entry_bytes;
        if (!features.Bytes(&entry_bytes)) return malformed("a feature map entry runs past its end");
        WireReader entry(entry_bytes);
        std::string_view name, value;
        while (!entry.AtEnd()) {
          const uint32_t entry_key = entry.Key();
          if (entry_key == kEntryKey) {
            if (!entry.Bytes(&name)) return malformed("a feature key runs past its map entry");
          } else if (entry_key == kEntryValue) {
            if (!entry.Bytes(&value)) return malformed("a Feature runs past its map entry");
          } else if (!SkipField(&entry, entry_key)) {
            return malformed("a feature map entry holds a malformed field");
          }
        }
        const int32_t k = rep.Find(name);
        if (k >= 0) {
          found[k] = value;
          present[k] = 1;
        }
      }
    }

    // Pass 2: each key's values into its output.
    for (size_t k = 0; k < num_keys; ++k) {
      const Rep::Key& key = rep.keys[k];
      KeyOutput& output = outputs[k];
      Kind kind = Kind::kNone;
      std::string_view list;
      if (present[k]) {
        if (const char* what = ParseFeature(found[k], &kind, &list)) return malformed(what);
      }
      if (!key.fixed) {
        if (kind == Kind::kNone) continue;
        if (kind != key.kind) {
          return InvalidArgumentError(
              "Name: " + name_of(i) + ", Key: " + key.name + ", Index: " + std::to_string(i) +
              ".  Data types don't match. Expected type: " + std::string(KindTypeName(key.kind)) +
              ", Actual type: " + std::string(KindTypeName(kind)));
        }
        const size_t before = output.var_values.size(key.kind);
        if (const char* what = AppendValues(kind, list, &output.var_values)) return malformed(what);
        output.var_counts[i] = static_cast<int64_t>(output.var_values.size(key.kind) - before);
        continue;
      }
      const size_t offset = i * static_cast<size_t>(key.count);
      if (kind == Kind::kNone) {
        if (!key.fill.has_value()) {
          return InvalidArgumentError("Name: " + name_of(i) + ", Feature: " + key.name +
                                      " (data type: " + std::string(DataTypeEnumName(key.dtype)) +
                                      ") is required but could not be found.");
        }
        if (key.kind == Kind::kBytes) {
          std::copy(key.fill->strings().begin(), key.fill->strings().end(), output.strings.begin() + offset);
        } else {
          const std::string_view bytes = key.fill->bytes();
          std::memcpy(output.dense.mutable_bytes()->data() + offset * DataTypeSize(key.dtype), bytes.data(),
                      bytes.size());
        }
        continue;
      }
      if (kind != key.kind) {
        return InvalidArgumentError("Name: " + name_of(i) + ", Key: " + key.name + ", Index: " + std::to_string(i) +
                                    ".  Data types don't match. Data type: " + std::string(KindTypeName(kind)) +
                                    " but expected type: " + std::string(KindTypeName(key.kind)));
      }
      const bool fast =
          kind == Kind::kFloat   ? FastFloats(list, output.dense.mutable_flat<float>().data() + offset, key.count)
          : kind == Kind::kInt64 ? FastInts(list, output.dense.mutable_flat<int64_t>().data() + offset, key.count)
                                 : FastStrings(list, output.strings.data() + offset, key.count);
      if (fast) continue;
      scratch.clear();
      if (const char* what = AppendValues(kind, list, &scratch)) return malformed(what);
      if (scratch.size(kind) != static_cast<size_t>(key.count)) {
        return InvalidArgumentError("Name: " + name_of(i) + ", Key: " + key.name + ", Index: " + std::to_string(i) +
                                    ".  Number of " + std::string(KindValueNoun(kind)) +
                                    " values != expected.  Values size: " + std::to_string(scratch.size(kind)) +
                                    " but output shape: " + ShapeDebugString(key.shape));
      }
      switch (kind) {
        case Kind::kFloat:
          CopyInto(output.dense.mutable_flat<float>(), offset, scratch.floats);
          break;
        case Kind::kInt64:
          CopyInto(output.dense.mutable_flat<int64_t>(), offset, scratch.ints);
          break;
        default:
          std::move(scratch.strings.begin(), scratch.strings.end(), output.strings.begin() + offset);
          break;
      }
    }
  }

  ParsedFeatures parsed;
  parsed.batch_size = batch;
  for (size_t k = 0; k < num_keys; ++k) {
    const Rep::Key& key = rep.keys[k];
    KeyOutput& output = outputs[k];
    if (key.fixed) {
      if (key.kind == Kind::kBytes) {
        TensorShape shape{batch};
        shape.insert(shape.end(), key.shape.begin(), key.shape.end());
        output.dense = *Tensor::FromStrings(std::move(shape), std::move(output.strings));
      }
      parsed.dense.emplace(key.name, std::move(output.dense));
      continue;
    }
    const auto total = static_cast<int64_t>(output.var_values.size(key.kind));
    SparseFeature sparse;
    sparse.indices = *Tensor::Zeros(DataType::kInt64, {total, 2});
    std::span<int64_t> indices = sparse.indices.mutable_flat<int64_t>();
    int64_t max_len = 0, n = 0;
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t len = output.var_counts[static_cast<size_t>(b)];
      max_len = std::max(max_len, len);
      for (int64_t j = 0; j < len; ++j, ++n) {
        indices[static_cast<size_t>(2 * n)] = b;
        indices[static_cast<size_t>(2 * n + 1)] = j;
      }
    }
    sparse.values = key.kind == Kind::kBytes ? *Tensor::FromStrings({total}, std::move(output.var_values.strings))
                                             : NumericTensor(key.dtype, {total}, output.var_values);
    sparse.dense_shape = Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {batch, max_len});
    parsed.sparse.emplace(key.name, std::move(sparse));
  }
  *out = std::move(parsed);
  return OkStatus();
}

StatusOr<ParsedFeatures> ParseExamples(std::span<const std::string_view> records, const ExampleSpec& spec) {
  StatusOr<ExampleParser> parser = ExampleParser::Create(spec);
  if (!parser.ok()) return parser.status();
  ParsedFeatures parsed;
  if (Status s = parser->Parse(records, &parsed); !s.ok()) return s;
  return parsed;
}

}  // namespace tfcompat::data
