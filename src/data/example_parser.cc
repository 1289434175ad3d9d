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
      if (packed.empty()) continue;  // memcpy may not see the null data() of an empty vector
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

// A hash of a feature key: its 8-byte words, then its last bytes, mixed
// with MurmurHash3's finalizer. Keys are short, the table holds a few
// dozen, and every record looks up each of its keys.
uint64_t HashKey(std::string_view key) {
  uint64_t h = static_cast<uint64_t>(key.size()) * 0x9e3779b97f4a7c15ull;
  size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, key.data() + i, 8);  // a fixed-size copy: one load
    h = std::rotl((h ^ word) * 0xff51afd7ed558ccdull, 31);
  }
  uint64_t tail = 0;
  for (; i < key.size(); ++i) tail = tail << 8 | static_cast<unsigned char>(key[i]);
  h ^= tail;
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
  if (body.empty()) return true;  // `dst` may be null in an empty batch tensor
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

// One spec entry.
struct KeySpec {
  std::string name;
  bool fixed = false;
  DataType dtype = DataType::kInvalid;
  Kind kind = Kind::kNone;
  TensorShape shape;           // FixedLen: the per-example shape
  int64_t count = 0;           // FixedLen: its number of elements
  std::optional<Tensor> fill;  // FixedLen: the default
};

// Feature key -> index into the spec's keys, by open addressing: a slot
// holds a key's hash and index, or index -1. Comparing hashes first leaves
// one string compare per hit.
class KeyTable {
 public:
  explicit KeyTable(const std::vector<KeySpec>& keys) {
    const uint64_t slots = std::bit_ceil(std::max<uint64_t>(4 * keys.size(), 8));
    slots_.assign(slots, Slot{});
    mask_ = slots - 1;
    for (size_t i = 0; i < keys.size(); ++i) {
      names_.push_back(keys[i].name);
      const uint64_t hash = HashKey(keys[i].name);
      uint64_t at = hash & mask_;
      while (slots_[at].index >= 0) at = (at + 1) & mask_;
      slots_[at] = {hash, static_cast<int32_t>(i)};
    }
  }

  // -1 for a key outside the spec.
  int32_t Find(std::string_view name) const {
    const uint64_t hash = HashKey(name);
    for (uint64_t at = hash & mask_;; at = (at + 1) & mask_) {
      const Slot& slot = slots_[at];
      if (slot.index < 0) return -1;
      if (slot.hash == hash && SameKey(names_[static_cast<size_t>(slot.index)], name)) return slot.index;
    }
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    int32_t index = -1;
  };
  std::vector<std::string> names_;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
};

// The Feature bytes of each spec key in one record (pass 1 of a record).
struct RecordFeatures {
  std::vector<std::string_view> value;
  std::vector<uint8_t> present;
};

// Walks Example -> Features -> map entries and keeps the Feature of every
// key the spec names; a later entry for the same key replaces an earlier
// one. Returns what is malformed, or nullptr. Flattened (every call
// inlined): it runs once per record and its calls are a few instructions
// each, which the compiler leaves out of line in a function this size.
[[gnu::flatten]] const char* FindFeatures(std::string_view record, const KeyTable& table, RecordFeatures* out) {
  std::fill(out->present.begin(), out->present.end(), 0);
  WireReader example(record);
  while (!example.AtEnd()) {
    const uint32_t example_key = example.Key();
    if (example_key != kExampleFeatures) {
      if (!SkipField(&example, example_key)) return "an Example holds a malformed field";
      continue;
    }
    std::string_view features_bytes;
    if (!example.Bytes(&features_bytes)) return "an Example's features run past its end";
    WireReader features(features_bytes);
    while (!features.AtEnd()) {
      const uint32_t features_key = features.Key();
      if (features_key != kFeaturesEntry) {
        if (!SkipField(&features, features_key)) return "a Features message holds a malformed field";
        continue;
      }
      std::string_view entry_bytes;
      if (!features.Bytes(&entry_bytes)) return "a feature map entry runs past its end";
      WireReader entry(entry_bytes);
      std::string_view name, value;
      while (!entry.AtEnd()) {
        const uint32_t entry_key = entry.Key();
        if (entry_key == kEntryKey) {
          if (!entry.Bytes(&name)) return "a feature key runs past its map entry";
        } else if (entry_key == kEntryValue) {
          if (!entry.Bytes(&value)) return "a Feature runs past its map entry";
        } else if (!SkipField(&entry, entry_key)) {
          return "a feature map entry holds a malformed field";
        }
      }
      const int32_t k = table.Find(name);
      if (k >= 0) {
        out->value[static_cast<size_t>(k)] = value;
        out->present[static_cast<size_t>(k)] = 1;
      }
    }
  }
  return nullptr;
}

// TF's messages, built only for a record that fails (out of line, so that
// the reading code stays small).
[[gnu::cold, gnu::noinline]] Status Malformed(const std::string& name, const char* what, size_t size) {
  return DataLossError("Name: " + name + ", Could not parse example input: " + what + " (" + std::to_string(size) +
                       " bytes)");
}

[[gnu::cold, gnu::noinline]] Status Required(const std::string& name, const KeySpec& key) {
  return InvalidArgumentError("Name: " + name + ", Feature: " + key.name + " (data type: " +
                              std::string(DataTypeEnumName(key.dtype)) + ") is required but could not be found.");
}

[[gnu::cold, gnu::noinline]] Status TypeMismatch(const std::string& name, size_t index, const KeySpec& key, Kind kind) {
  const std::string where =
      "Name: " + name + ", Key: " + key.name + ", Index: " + std::to_string(index) + ".  Data types don't match. ";
  const std::string expected(KindTypeName(key.kind)), actual(KindTypeName(kind));
  // TF words the two cases differently.
  return InvalidArgumentError(key.fixed ? where + "Data type: " + actual + " but expected type: " + expected
                                        : where + "Expected type: " + expected + ", Actual type: " + actual);
}

[[gnu::cold, gnu::noinline]] Status CountMismatch(const std::string& name, size_t index, const KeySpec& key,
                                                  size_t count) {
  return InvalidArgumentError("Name: " + name + ", Key: " + key.name + ", Index: " + std::to_string(index) +
                              ".  Number of " + std::string(KindValueNoun(key.kind)) +
                              " values != expected.  Values size: " + std::to_string(count) +
                              " but output shape: " + ShapeDebugString(key.shape));
}

// Where one key's values go while a batch's records are read.
struct KeyOutput {
  Tensor dense;                      // FixedLen numeric: [B, shape...], filled in place
  std::vector<std::string> strings;  // FixedLen string: B * count
  Values var_values;                 // VarLen: every record's values, in order
  std::vector<int64_t> var_counts;   // VarLen: per record
};

// Record `i`'s value of a FixedLenFeature into its rows of `out`. Errors
// as above, with `name_of(i)` naming the record.
template <typename NameOf>
Status ReadFixed(const KeySpec& key, size_t i, Kind kind, std::string_view list, const NameOf& name_of,
                 std::string_view record, Values* scratch, KeyOutput* out) {
  const size_t offset = i * static_cast<size_t>(key.count);
  if (kind == Kind::kNone) {
    if (!key.fill.has_value()) return Required(name_of(i), key);
    if (key.kind == Kind::kBytes) {
      std::copy(key.fill->strings().begin(), key.fill->strings().end(), out->strings.begin() + offset);
    } else {
      const std::string_view bytes = key.fill->bytes();
      if (!bytes.empty())
        std::memcpy(out->dense.mutable_bytes()->data() + offset * DataTypeSize(key.dtype), bytes.data(), bytes.size());
    }
    return OkStatus();
  }
  if (kind != key.kind) return TypeMismatch(name_of(i), i, key, kind);
  const bool fast = kind == Kind::kFloat ? FastFloats(list, out->dense.mutable_flat<float>().data() + offset, key.count)
                    : kind == Kind::kInt64
                        ? FastInts(list, out->dense.mutable_flat<int64_t>().data() + offset, key.count)
                        : FastStrings(list, out->strings.data() + offset, key.count);
  if (fast) return OkStatus();
  scratch->clear();
  if (const char* what = AppendValues(kind, list, scratch)) return Malformed(name_of(i), what, record.size());
  if (scratch->size(kind) != static_cast<size_t>(key.count)) {
    return CountMismatch(name_of(i), i, key, scratch->size(kind));
  }
  switch (kind) {
    case Kind::kFloat:
      std::copy(scratch->floats.begin(), scratch->floats.end(), out->dense.mutable_flat<float>().begin() + offset);
      break;
    case Kind::kInt64:
      std::copy(scratch->ints.begin(), scratch->ints.end(), out->dense.mutable_flat<int64_t>().begin() + offset);
      break;
    default:
      std::move(scratch->strings.begin(), scratch->strings.end(), out->strings.begin() + offset);
      break;
  }
  return OkStatus();
}

template <typename NameOf>
Status ReadVar(const KeySpec& key, size_t i, Kind kind, std::string_view list, const NameOf& name_of,
               std::string_view record, KeyOutput* out) {
  if (kind == Kind::kNone) return OkStatus();
  if (kind != key.kind) return TypeMismatch(name_of(i), i, key, kind);
  const size_t before = out->var_values.size(key.kind);
  if (const char* what = AppendValues(kind, list, &out->var_values)) return Malformed(name_of(i), what, record.size());
  out->var_counts[i] = static_cast<int64_t>(out->var_values.size(key.kind) - before);
  return OkStatus();
}

TensorShape BatchShape(int64_t batch, const TensorShape& shape) {
  TensorShape out{batch};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

SparseFeature MakeSparse(const KeySpec& key, int64_t batch, KeyOutput* out) {
  const auto total = static_cast<int64_t>(out->var_values.size(key.kind));
  SparseFeature sparse;
  sparse.indices = *Tensor::Zeros(DataType::kInt64, {total, 2});
  std::span<int64_t> indices = sparse.indices.mutable_flat<int64_t>();
  int64_t max_len = 0;
  size_t n = 0;
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t len = out->var_counts[static_cast<size_t>(b)];
    max_len = std::max(max_len, len);
    for (int64_t j = 0; j < len; ++j, n += 2) {
      indices[n] = b;
      indices[n + 1] = j;
    }
  }
  if (key.kind == Kind::kBytes) {
    sparse.values = *Tensor::FromStrings({total}, std::move(out->var_values.strings));
  } else {
    sparse.values = *Tensor::Zeros(key.dtype, {total});
    if (key.kind == Kind::kFloat) {
      std::copy(out->var_values.floats.begin(), out->var_values.floats.end(),
                sparse.values.mutable_flat<float>().begin());
    } else {
      std::copy(out->var_values.ints.begin(), out->var_values.ints.end(),
                sparse.values.mutable_flat<int64_t>().begin());
    }
  }
  sparse.dense_shape = Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {batch, max_len});
  return sparse;
}

}  // namespace

struct ExampleParser::Rep {
  ExampleSpec spec;
  std::vector<KeySpec> keys;  // in key order
  KeyTable table;

  Rep(ExampleSpec s, std::vector<KeySpec> k) : spec(std::move(s)), keys(std::move(k)), table(keys) {}
};

ExampleParser::ExampleParser(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
ExampleParser::ExampleParser(ExampleParser&&) noexcept = default;
ExampleParser& ExampleParser::operator=(ExampleParser&&) noexcept = default;
ExampleParser::~ExampleParser() = default;

const ExampleSpec& ExampleParser::spec() const { return rep_->spec; }

StatusOr<ExampleParser> ExampleParser::Create(ExampleSpec spec) {
  std::vector<KeySpec> keys;
  for (const auto& [name, feature] : spec) {
    KeySpec key;
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
    keys.push_back(std::move(key));
  }
  return ExampleParser(std::make_unique<Rep>(std::move(spec), std::move(keys)));
}

Status ExampleParser::Parse(std::span<const std::string_view> records, ParsedFeatures* out,
                            std::span<const std::string> names) const {
  if (!names.empty() && names.size() != records.size()) {
    return InvalidArgumentError("Expected len(names) == len(records): " + std::to_string(names.size()) + " names for " +
                                std::to_string(records.size()) + " records");
  }
  const auto name_of = [&](size_t i) { return names.empty() ? "record " + std::to_string(i) : names[i]; };
  const std::vector<KeySpec>& keys = rep_->keys;
  const auto batch = static_cast<int64_t>(records.size());

  std::vector<KeyOutput> outputs(keys.size());
  for (size_t k = 0; k < keys.size(); ++k) {
    const KeySpec& key = keys[k];
    if (!key.fixed) {
      outputs[k].var_counts.resize(records.size());
    } else if (key.kind == Kind::kBytes) {
      outputs[k].strings.resize(records.size() * static_cast<size_t>(key.count));
    } else {
      StatusOr<Tensor> dense = Tensor::Zeros(key.dtype, BatchShape(batch, key.shape));
      if (!dense.ok()) return dense.status();
      outputs[k].dense = std::move(*dense);
    }
  }

  RecordFeatures found{.value = std::vector<std::string_view>(keys.size()),
                       .present = std::vector<uint8_t>(keys.size())};
  Values scratch;
  for (size_t i = 0; i < records.size(); ++i) {
    if (const char* what = FindFeatures(records[i], rep_->table, &found)) {
      return Malformed(name_of(i), what, records[i].size());
    }
    for (size_t k = 0; k < keys.size(); ++k) {
      Kind kind = Kind::kNone;
      std::string_view list;
      if (found.present[k]) {
        if (const char* what = ParseFeature(found.value[k], &kind, &list)) {
          return Malformed(name_of(i), what, records[i].size());
        }
      }
      const Status s = keys[k].fixed ? ReadFixed(keys[k], i, kind, list, name_of, records[i], &scratch, &outputs[k])
                                     : ReadVar(keys[k], i, kind, list, name_of, records[i], &outputs[k]);
      if (!s.ok()) return s;
    }
  }

  ParsedFeatures parsed;
  parsed.batch_size = batch;
  for (size_t k = 0; k < keys.size(); ++k) {
    const KeySpec& key = keys[k];
    KeyOutput& output = outputs[k];
    if (!key.fixed) {
      parsed.sparse.emplace(key.name, MakeSparse(key, batch, &output));
    } else if (key.kind == Kind::kBytes) {
      parsed.dense.emplace(key.name, *Tensor::FromStrings(BatchShape(batch, key.shape), std::move(output.strings)));
    } else {
      parsed.dense.emplace(key.name, std::move(output.dense));
    }
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
