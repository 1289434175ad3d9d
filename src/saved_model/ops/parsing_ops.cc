// SPDX-License-Identifier: Apache-2.0
// ParseExampleV2 (the parsing serving receiver's op, TF's
// example_parsing_ops.cc) and its first version ParseExample (TF 1 exports,
// TF Serving's test models) on the library's tf.train.Example parser
// (data/example.h): dense features and sparse (VarLen) ones; ragged ones
// are refused at load.
//
// V2's inputs: serialized [B] strings, names ([B] or empty), sparse_keys,
// dense_keys, ragged_keys, then one default per dense key (empty: the
// feature is required). ParseExample's: the same without ragged_keys, each
// key a string scalar input of its own. Outputs: num_sparse indices (int64 [N,2]), then
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

class ParseExampleKernel final : public OpKernel {
 public:
  ParseExampleKernel(data::ExampleParser parser, std::vector<std::string> sparse_keys,
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

// One scalar string per input from `first` on (ParseExample's sparse_keys
// and dense_keys: a list of inputs, where V2 has one vector).
StatusOr<std::vector<std::string>> ConstantScalarStrings(const NodeAttrs& attrs, size_t first, int64_t count,
                                                         std::string_view what) {
  std::vector<std::string> strings;
  for (int64_t i = 0; i < count; ++i) {
    const std::string name = std::string(what) + "[" + std::to_string(i) + "]";
    TFCOMPAT_ASSIGN_OR_RETURN(const Tensor* tensor, attrs.ConstantInput(first + i, name));
    if (tensor->dtype() != DataType::kString || !tensor->shape().empty()) {
      return attrs.Error(name + " must be a string scalar, got shape " + ShapeDebugString(tensor->shape()));
    }
    strings.push_back(tensor->strings()[0]);
  }
  return strings;
}

// The keys, types and shapes both op versions are configured by, and the
// index of the first dense_defaults input.
struct ParseConfig {
  std::vector<std::string> sparse_keys;
  std::vector<DataType> sparse_types;
  std::vector<std::string> dense_keys;
  std::vector<DataType> dense_types;
  std::vector<TensorShape> dense_shapes;
  size_t first_default = 0;
};

// The kernel of either op version: checks the lists agree and builds the
// parser once.
StatusOr<std::unique_ptr<OpKernel>> MakeParseKernel(const NodeAttrs& attrs, ParseConfig config) {
  if (config.sparse_types.size() != config.sparse_keys.size()) {
    return attrs.Error("sparse_types (" + std::to_string(config.sparse_types.size()) + ") and sparse_keys (" +
                       std::to_string(config.sparse_keys.size()) + ") must agree");
  }
  if (config.dense_keys.size() != config.dense_types.size() ||
      config.dense_shapes.size() != config.dense_types.size()) {
    return attrs.Error("Tdense (" + std::to_string(config.dense_types.size()) + "), dense_shapes (" +
                       std::to_string(config.dense_shapes.size()) + ") and dense_keys (" +
                       std::to_string(config.dense_keys.size()) + ") must agree");
  }
  data::ExampleSpec spec;
  for (size_t i = 0; i < config.sparse_keys.size(); ++i) {
    spec[config.sparse_keys[i]] = data::VarLenFeature{.dtype = config.sparse_types[i]};
  }
  for (size_t i = 0; i < config.dense_keys.size(); ++i) {
    for (const int64_t dim : config.dense_shapes[i]) {
      if (dim < 0) return attrs.Unsupported("dense_shapes", "fully defined shapes only");
    }
    // Every run's output holds one example's worth per record at least.
    TensorShape one = {1};
    one.insert(one.end(), config.dense_shapes[i].begin(), config.dense_shapes[i].end());
    if (const Status fits = CheckOutputBytes(config.dense_types[i], one, attrs.max_tensor_bytes()); !fits.ok()) {
      return attrs.Error("dense key '" + config.dense_keys[i] + "': " + fits.message());
    }
    data::FixedLenFeature feature{.shape = config.dense_shapes[i], .dtype = config.dense_types[i]};
    TFCOMPAT_ASSIGN_OR_RETURN(const Tensor* default_value,
                              attrs.ConstantInput(config.first_default + i, "dense_defaults"));
    // An empty default marks a required feature.
    if (default_value->num_elements() != 0) feature.default_value = *default_value;
    if (!spec.emplace(config.dense_keys[i], std::move(feature)).second) {
      return attrs.Error("the key '" + config.dense_keys[i] + "' is parsed twice");
    }
  }
  StatusOr<data::ExampleParser> parser = data::ExampleParser::Create(std::move(spec));
  if (!parser.ok()) {
    return parser.status().WithContext("node '" + attrs.def().name() + "' (" + attrs.def().op() + ")");
  }
  return std::unique_ptr<OpKernel>(new ParseExampleKernel(*std::move(parser), std::move(config.sparse_keys),
                                                          std::move(config.dense_keys), config.dense_types,
                                                          config.dense_shapes, attrs.max_tensor_bytes()));
}

StatusOr<std::unique_ptr<OpKernel>> MakeParseExampleV2(const NodeAttrs& attrs) {
  ParseConfig config;
  config.first_default = 5;
  TFCOMPAT_ASSIGN_OR_RETURN(config.dense_types, attrs.TypeList("Tdense"));
  TFCOMPAT_ASSIGN_OR_RETURN(config.dense_shapes, attrs.ShapeList("dense_shapes"));
  TFCOMPAT_ASSIGN_OR_RETURN(config.sparse_types, attrs.TypeList("sparse_types"));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t num_sparse, attrs.Int("num_sparse", 0));
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<DataType> ragged_values, attrs.TypeList("ragged_value_types"));
  if (!ragged_values.empty()) return attrs.Unsupported("ragged_value_types", "no ragged features");
  TFCOMPAT_ASSIGN_OR_RETURN(config.sparse_keys, ConstantStrings(attrs, 2, "sparse_keys"));
  TFCOMPAT_ASSIGN_OR_RETURN(config.dense_keys, ConstantStrings(attrs, 3, "dense_keys"));
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> ragged_keys, ConstantStrings(attrs, 4, "ragged_keys"));
  if (!ragged_keys.empty()) return attrs.Error("ragged_keys given, but no ragged_value_types");
  if (config.sparse_keys.size() != static_cast<size_t>(num_sparse)) {
    return attrs.Error("num_sparse (" + std::to_string(num_sparse) + ") and sparse_keys (" +
                       std::to_string(config.sparse_keys.size()) + ") must agree");
  }
  return MakeParseKernel(attrs, std::move(config));
}

// TF's REGISTER_OP("ParseExample"): inputs serialized, names, Nsparse
// sparse_keys, Ndense dense_keys, then Tdense's dense_defaults; outputs as
// V2's without the ragged ones.
StatusOr<Arity> ParseExampleArity(const NodeAttrs& attrs) {
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t num_sparse, attrs.Int("Nsparse", 0));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t num_dense, attrs.Int("Ndense", 0));
  if (num_sparse < 0 || num_sparse > attrs.def().input_size()) return attrs.Error("attr 'Nsparse' out of range");
  if (num_dense < 0 || num_dense > attrs.def().input_size()) return attrs.Error("attr 'Ndense' out of range");
  return Arity{.num_inputs = static_cast<int>(2 + num_sparse + 2 * num_dense),
               .num_outputs = static_cast<int>(3 * num_sparse + num_dense)};
}

StatusOr<std::unique_ptr<OpKernel>> MakeParseExample(const NodeAttrs& attrs) {
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t num_sparse, attrs.Int("Nsparse", 0));
  TFCOMPAT_ASSIGN_OR_RETURN(const int64_t num_dense, attrs.Int("Ndense", 0));
  ParseConfig config;
  config.first_default = static_cast<size_t>(2 + num_sparse + num_dense);
  TFCOMPAT_ASSIGN_OR_RETURN(config.dense_types, attrs.TypeList("Tdense"));
  TFCOMPAT_ASSIGN_OR_RETURN(config.dense_shapes, attrs.ShapeList("dense_shapes"));
  TFCOMPAT_ASSIGN_OR_RETURN(config.sparse_types, attrs.TypeList("sparse_types"));
  TFCOMPAT_ASSIGN_OR_RETURN(config.sparse_keys, ConstantScalarStrings(attrs, 2, num_sparse, "sparse_keys"));
  TFCOMPAT_ASSIGN_OR_RETURN(config.dense_keys, ConstantScalarStrings(attrs, 2 + num_sparse, num_dense, "dense_keys"));
  return MakeParseKernel(attrs, std::move(config));
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
  registry->Register({.op = "ParseExample",
                      .num_inputs = 0,
                      .num_outputs = 0,
                      .attrs = {"Nsparse", "Ndense", "sparse_types", "Tdense", "dense_shapes"},
                      .factory = MakeParseExample,
                      .arity = ParseExampleArity});
}

}  // namespace tfcompat::saved_model
