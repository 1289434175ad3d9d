// SPDX-License-Identifier: Apache-2.0
// Fuzzes ExampleParser: the input is one serialized tf.train.Example, and is
// also parsed as a batch of its two halves, under a spec holding every kind
// of feature (keys "a" to "g"). A parse is OK, InvalidArgument or DataLoss;
// an OK batch has B rows in every dense tensor and sparse tensors whose
// indices are in row order, within dense_shape, one per value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/data/example.h"

namespace {

using tfcompat::DataType;
using tfcompat::Tensor;
using namespace tfcompat::data;

ExampleParser MakeParser() {
  ExampleSpec spec;
  spec["a"] = FixedLenFeature{.shape = {2}, .dtype = DataType::kFloat};
  spec["b"] = FixedLenFeature{
      .shape = {}, .dtype = DataType::kInt64, .default_value = Tensor::FromVector<int64_t>(DataType::kInt64, {}, {7})};
  spec["c"] =
      FixedLenFeature{.shape = {1}, .dtype = DataType::kString, .default_value = *Tensor::FromStrings({1}, {"x"})};
  spec["d"] = VarLenFeature{.dtype = DataType::kFloat};
  spec["e"] = VarLenFeature{.dtype = DataType::kInt64};
  spec["f"] = VarLenFeature{.dtype = DataType::kString};
  spec["g"] = FixedLenFeature{.shape = {1, 1},
                              .dtype = DataType::kFloat,
                              .default_value = Tensor::FromVector<float>(DataType::kFloat, {1, 1}, {0})};
  return *ExampleParser::Create(spec);
}

void CheckBatch(const ExampleParser& parser, const std::vector<std::string_view>& records) {
  ParsedFeatures out;
  const tfcompat::Status s = parser.Parse(records, &out);
  if (!s.ok()) {
    if (s.code() != tfcompat::StatusCode::kInvalidArgument && s.code() != tfcompat::StatusCode::kDataLoss) {
      __builtin_trap();
    }
    return;
  }
  const auto batch = static_cast<int64_t>(records.size());
  if (out.batch_size != batch || out.dense.size() != 4 || out.sparse.size() != 3) __builtin_trap();
  for (const auto& [key, t] : out.dense) {
    if (t.shape().empty() || t.shape()[0] != batch) __builtin_trap();
  }
  for (const auto& [key, sparse] : out.sparse) {
    const auto indices = sparse.indices.flat<int64_t>();
    const auto shape = sparse.dense_shape.flat<int64_t>();
    const int64_t n = sparse.values.num_elements();
    if (indices.size() != static_cast<size_t>(2 * n) || shape.size() != 2 || shape[0] != batch) __builtin_trap();
    for (int64_t i = 0; i < n; ++i) {
      const int64_t row = indices[2 * i], column = indices[2 * i + 1];
      if (row < 0 || row >= batch || column < 0 || column >= shape[1]) __builtin_trap();
      if (i > 0 && row < indices[2 * i - 2]) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ExampleParser parser = MakeParser();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckBatch(parser, {input});
  CheckBatch(parser, {input.substr(0, size / 2), input.substr(size / 2)});
  return 0;
}
