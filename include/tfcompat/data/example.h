// SPDX-License-Identifier: Apache-2.0
// tf.train.Example records parsed as tf.io.parse_example parses them: a spec
// per feature key (FixedLenFeature or VarLenFeature) and, for a batch of B
// serialized Examples, a dense tensor [B, shape...] or a sparse tensor per
// key. The byte layout of an Example is in docs/formats/example.md.
//
// Usage:
//   ExampleSpec spec;
//   spec["age"] = FixedLenFeature{.shape = {}, .dtype = DataType::kInt64};
//   spec["scores"] = FixedLenFeature{.shape = {3}, .dtype = DataType::kFloat,
//                                    .default_value = Tensor::FromVector<float>(DataType::kFloat, {3}, {0, 0, 0})};
//   spec["tags"] = VarLenFeature{.dtype = DataType::kString};
//   TFCOMPAT_ASSIGN_OR_RETURN(ExampleParser parser, ExampleParser::Create(spec));
//   std::vector<std::string_view> records;  // serialized tf.train.Example, e.g. from a RecordReader
//   ParsedFeatures parsed;
//   TFCOMPAT_RETURN_IF_ERROR(parser.Parse(records, &parsed));
//   std::span<const int64_t> age = parsed.dense.at("age").flat<int64_t>();  // [B]
//   const SparseFeature& tags = parsed.sparse.at("tags");  // indices [N, 2], values [N], dense_shape {B, max_len}
#ifndef TFCOMPAT_DATA_EXAMPLE_H_
#define TFCOMPAT_DATA_EXAMPLE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/data/features.h"

namespace tfcompat::data {

// tf.io.FixedLenFeature: every Example holds exactly NumElements(shape)
// values of `dtype` (kFloat, kInt64 or kString) for this key. An Example
// without the key, or whose Feature has no list set, takes
// `default_value` (same dtype, NumElements(shape) elements); without one
// that is the error TF gives. A present but empty list is a count error,
// as in TF, default or not.
struct FixedLenFeature {
  TensorShape shape;
  DataType dtype = DataType::kFloat;
  std::optional<Tensor> default_value = std::nullopt;
};

// tf.io.VarLenFeature: any number of values of `dtype` per Example,
// returned as a SparseFeature.
struct VarLenFeature {
  DataType dtype = DataType::kFloat;
};

using FeatureSpec = std::variant<FixedLenFeature, VarLenFeature>;
// Feature key -> spec (the `features` dict of tf.io.parse_example).
using ExampleSpec = std::map<std::string, FeatureSpec>;

// A validated ExampleSpec, reusable for any number of batches. Cheap to
// move; Parse is const and may run on several threads at once.
class ExampleParser {
 public:
  // InvalidArgument for an empty key, a dtype other than float32, int64
  // and string, a negative dim, or a default_value of another dtype or
  // element count.
  [[nodiscard]] static StatusOr<ExampleParser> Create(ExampleSpec spec);

  ExampleParser(ExampleParser&&) noexcept;
  ExampleParser& operator=(ExampleParser&&) noexcept;
  ~ExampleParser();

  // Parses `records` (serialized tf.train.Example) into `*out`, replacing
  // its contents. `names` (empty, or one per record) name the records in
  // errors, as parse_example's `names` do; without them a record is
  // "record <i>". Errors carry TF's wording, e.g.
  //   InvalidArgument "Name: record 3, Feature: age (data type: int64) is required but could not be found."
  //   InvalidArgument "Name: record 0, Key: scores, Index: 0.  Number of float values != expected.
  //                    Values size: 2 but output shape: [3]"
  //   InvalidArgument "Name: record 1, Key: age, Index: 1.  Data types don't match. Data type: float but
  //                    expected type: int64"
  // and bytes that are no Example are DataLoss:
  //   "Name: record 2, Could not parse example input: a Feature runs past its map entry (20 bytes)".
  // Keys that are not in the spec are skipped unread; when a key appears
  // twice in one Example, the last one counts (protobuf's map merge).
  [[nodiscard]] Status Parse(std::span<const std::string_view> records, ParsedFeatures* out,
                             std::span<const std::string> names = {}) const;

  const ExampleSpec& spec() const;

 private:
  struct Rep;
  explicit ExampleParser(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// The values of one feature of an Example to write: its FloatList,
// Int64List or BytesList.
using FeatureValues = std::variant<std::vector<float>, std::vector<int64_t>, std::vector<std::string>>;

// A serialized tf.train.Example holding `features`: map entries in key
// order, numeric lists packed, byte for byte what C++ protobuf writes with
// deterministic serialization (Python's upb, which puts "ab" before "a",
// orders keys that prefix one another differently; parsers take any
// order). A TFRecord record that tf.data and tf.io.parse_example read.
//   const std::string record = SerializeExample({{"age", std::vector<int64_t>{42}},
//                                                {"tags", std::vector<std::string>{"a", "b"}}});
[[nodiscard]] std::string SerializeExample(const std::map<std::string, FeatureValues>& features);

// One-shot form of ExampleParser::Create + Parse.
[[nodiscard]] StatusOr<ParsedFeatures> ParseExamples(std::span<const std::string_view> records,
                                                     const ExampleSpec& spec);

}  // namespace tfcompat::data

#endif  // TFCOMPAT_DATA_EXAMPLE_H_
