// SPDX-License-Identifier: Apache-2.0
// ParseExampleV2 (the parsing serving receiver's op, TF's
// example_parsing_ops.cc) on the library's tf.train.Example parser
// (data/example.h): dense features and sparse (VarLen) ones; ragged ones
// are refused at load.
//
// Inputs: serialized [B] strings, names ([B] or empty), sparse_keys,
// dense_keys, ragged_keys, then one default per dense key (empty: the
// feature is required). Outputs: num_sparse indices (int64 [N,2]), then
// num_sparse values, num_sparse dense shapes (int64 [2]), then one [B,
// dense_shape...] tensor per dense key. The keys and defaults are
// constants in every export, so the parser is built once, at load.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "saved_model/ops/kernel.h"
#include "saved_model/ops/tensor_util.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/data/example.h"

namespace tfcompat::saved_model {
namespace {

class ParseExampleV2Kernel final : public OpKernel {
 public:
  ParseExampleV2Kernel(data::ExampleParser parser, std::vector<std::string> sparse_keys,
                       std::vector<std::string> dense_keys, std::vector<DataType> dense_types,
                       std::vector<TensorShape> dense_shapes, uint64_t max_bytes)
      : parser_(std::move(parser)),
        sparse_keys_(std::move(sparse_keys)),
        dense_keys_(std::move(dense_keys)),
        dense_types_(std::move(dense_types)),
        dense_shapes_(std::move(dense_shapes)),
        max_bytes_(max_bytes) {}

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    const Tensor& serialized = *inputs[0];
    const Tensor& names = *inputs[1];
    if (serialized.dtype() != DataType::kString || serialized.shape().size() != 1) {
      return InvalidArgumentError("Expected serialized to be a vector, got shape: " +
                                  ShapeDebugString(serialized.shape()));
    }
    if (names.num_elements() != 0 && (names.dtype() != DataType::kString || names.shape() != serialized.shape())) {
      return InvalidArgumentError(
          "Expected len(names) == len(serialized), but got: " + std::to_string(names.num_elements()) + " vs. " +
          std::to_string(serialized.num_elements()));
    }
    // A dense output holds [batch, dense_shape...] whatever the records
    // hold (defaults fill what they lack): bounded before parsing.
    for (size_t i = 0; i < dense_keys_.size(); ++i) {
      TensorShape shape = {serialized.num_elements()};
      shape.insert(shape.end(), dense_shapes_[i].begin(), dense_shapes_[i].end());
      const Status fits = CheckOutputBytes(dense_types_[i], shape, max_bytes_);
      if (!fits.ok()) return fits.WithContext("dense key '" + dense_keys_[i] + "'");
    }
    std::vector<std::string_view> records(serialized.strings().begin(), serialized.strings().end());
    data::ParsedFeatures parsed;
    TFCOMPAT_RETURN_IF_ERROR(parser_.Parse(records, &parsed, names.strings()));
    const size_t num_sparse = sparse_keys_.size();
    for (size_t i = 0; i < num_sparse; ++i) {
      data::SparseFeature& sparse = parsed.sparse.at(sparse_keys_[i]);
      outputs[i] = std::move(sparse.indices);
      outputs[num_sparse + i] = std::move(sparse.values);
      outputs[2 * num_sparse + i] = std::move(sparse.dense_shape);
    }
    for (size_t i = 0; i < dense_keys_.size(); ++i)
      outputs[3 * num_sparse + i] = std::move(parsed.dense.at(dense_keys_[i]));
    return OkStatus();
  }

 private:
  data::ExampleParser parser_;
  std::vector<std::string> sparse_keys_;
  std::vector<std::string> dense_keys_;
  std::vector<DataType> dense_types_;
  std::vector<TensorShape> dense_shapes_;
  uint64_t max_bytes_;
};

StatusOr<std::vector<std::string>> ConstantStrings(const NodeAttrs& attrs, size_t index, std::string_view what) {
  TFCOMPAT_ASSIGN_OR_RETURN(const Tensor* tensor, attrs.ConstantInput(index, what));
  if (tensor->dtype() != DataType::kString) return attrs.Error(std::string(what) + " must be strings");
  return tensor->strings();
}

StatusOr<Arity> ParseExampleV2Arity(const NodeAttrs& attrs) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<DataType> dense_types, attrs.TypeList("Tdense"));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t num_sparse, attrs.Int("num_sparse", 0));
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<DataType> ragged_values, attrs.TypeList("ragged_value_types"));
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<DataType> ragged_splits, attrs.TypeList("ragged_split_types"));
  if (num_sparse < 0 || num_sparse > attrs.def().input_size()) return attrs.Error("attr 'num_sparse' out of range");
  return Arity{.num_inputs = 5 + static_cast<int>(dense_types.size()),
               .num_outputs =
                   static_cast<int>(3 * num_sparse + dense_types.size() + ragged_values.size() + ragged_splits.size())};
}

StatusOr<std::unique_ptr<OpKernel>> MakeParseExampleV2(const NodeAttrs& attrs) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<DataType> dense_types, attrs.TypeList("Tdense"));
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<TensorShape> dense_shapes, attrs.ShapeList("dense_shapes"));
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<DataType> sparse_types, attrs.TypeList("sparse_types"));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t num_sparse, attrs.Int("num_sparse", 0));
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<DataType> ragged_values, attrs.TypeList("ragged_value_types"));
  if (!ragged_values.empty()) return attrs.Unsupported("ragged_value_types", "no ragged features");
  TFCOMPAT_ASSIGN_OR_RETURN(std::vector<std::string> sparse_keys, ConstantStrings(attrs, 2, "sparse_keys"));
  TFCOMPAT_ASSIGN_OR_RETURN(std::vector<std::string> dense_keys, ConstantStrings(attrs, 3, "dense_keys"));
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> ragged_keys, ConstantStrings(attrs, 4, "ragged_keys"));
  if (!ragged_keys.empty()) return attrs.Error("ragged_keys given, but no ragged_value_types");
  if (sparse_keys.size() != static_cast<size_t>(num_sparse) || sparse_types.size() != sparse_keys.size()) {
    return attrs.Error("num_sparse (" + std::to_string(num_sparse) + "), sparse_types (" +
                       std::to_string(sparse_types.size()) + ") and sparse_keys (" +
                       std::to_string(sparse_keys.size()) + ") must agree");
  }
  if (dense_keys.size() != dense_types.size() || dense_shapes.size() != dense_types.size()) {
    return attrs.Error("Tdense (" + std::to_string(dense_types.size()) + "), dense_shapes (" +
                       std::to_string(dense_shapes.size()) + ") and dense_keys (" + std::to_string(dense_keys.size()) +
                       ") must agree");
  }
  data::ExampleSpec spec;
  for (size_t i = 0; i < sparse_keys.size(); ++i) spec[sparse_keys[i]] = data::VarLenFeature{.dtype = sparse_types[i]};
  for (size_t i = 0; i < dense_keys.size(); ++i) {
    for (const int64_t dim : dense_shapes[i]) {
      if (dim < 0) return attrs.Unsupported("dense_shapes", "fully defined shapes only");
    }
    // Every run's output holds one example's worth per record at least.
    TensorShape one = {1};
    one.insert(one.end(), dense_shapes[i].begin(), dense_shapes[i].end());
    if (const Status fits = CheckOutputBytes(dense_types[i], one, attrs.max_tensor_bytes()); !fits.ok()) {
      return attrs.Error("dense key '" + dense_keys[i] + "': " + fits.message());
    }
    data::FixedLenFeature feature{.shape = dense_shapes[i], .dtype = dense_types[i]};
    TFCOMPAT_ASSIGN_OR_RETURN(const Tensor* default_value, attrs.ConstantInput(5 + i, "dense_defaults"));
    // An empty default marks a required feature.
    if (default_value->num_elements() != 0) feature.default_value = *default_value;
    if (!spec.emplace(dense_keys[i], std::move(feature)).second) {
      return attrs.Error("the key '" + dense_keys[i] + "' is parsed twice");
    }
  }
  StatusOr<data::ExampleParser> parser = data::ExampleParser::Create(std::move(spec));
  if (!parser.ok()) return parser.status().WithContext("node '" + attrs.def().name() + "' (ParseExampleV2)");
  return std::unique_ptr<OpKernel>(new ParseExampleV2Kernel(*std::move(parser), std::move(sparse_keys),
                                                            std::move(dense_keys), dense_types, dense_shapes,
                                                            attrs.max_tensor_bytes()));
}

}  // namespace

void RegisterParsingOps(KernelRegistry* registry) {
  registry->Register(
      {.op = "ParseExampleV2",
       .num_inputs = 0,
       .num_outputs = 0,
       .attrs = {"Tdense", "num_sparse", "sparse_types", "ragged_value_types", "ragged_split_types", "dense_shapes"},
       .factory = MakeParseExampleV2,
       .arity = ParseExampleV2Arity});
}

}  // namespace tfcompat::saved_model
