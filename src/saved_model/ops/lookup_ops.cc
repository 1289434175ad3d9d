// SPDX-License-Identifier: Apache-2.0
#include "saved_model/ops/lookup_ops.h"

#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

std::string ShapeText(const TensorShape& shape) { return StaticShapeString(StaticShape(shape)); }

Status CheckKeyType(DataType expected, const Tensor& keys) {
  if (keys.dtype() == expected) return OkStatus();
  return InvalidArgumentError("Key must be type " + std::string(DataTypeName(expected)) + " but got " +
                              std::string(DataTypeName(keys.dtype())));
}

Status CheckValueType(DataType expected, const Tensor& values) {
  if (values.dtype() == expected) return OkStatus();
  return InvalidArgumentError("Value must be type " + std::string(DataTypeName(expected)) + " but got " +
                              std::string(DataTypeName(values.dtype())));
}

template <typename T>
std::string Text(const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    return value;
  } else {
    return std::to_string(value);
  }
}

template <typename Key, typename Value>
Status Insert(std::span<const Key> keys, std::span<const Value> values, std::unordered_map<Key, Value>* table) {
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto [at, inserted] = table->emplace(keys[i], values[i]);
    if (!inserted && at->second != values[i]) {
      return FailedPreconditionError("HashTable has different value for same key. Key " + Text(keys[i]) + " has " +
                                     Text(at->second) + " and trying to add value " + Text(values[i]));
    }
  }
  return OkStatus();
}

template <typename Key, typename Value>
void Lookup(std::span<const Key> keys, std::span<const Value> defaults, const std::unordered_map<Key, Value>& table,
            std::span<Value> out) {
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto at = table.find(keys[i]);
    out[i] = at != table.end() ? at->second : defaults[defaults.size() == 1 ? 0 : i];
  }
}

class LookupTableFindKernel final : public OpKernel {
 public:
  explicit LookupTableFindKernel(const LookupTable& table) : table_(table) {}

  StatusOr<std::vector<StaticShape>> StaticShapes(std::span<const StaticShape> inputs) const override {
    return std::vector<StaticShape>{inputs[1]};
  }

  Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const override {
    TFCOMPAT_ASSIGN_OR_RETURN(outputs[0], table_.Find(*inputs[1], *inputs[2]));
    return OkStatus();
  }

 private:
  const LookupTable& table_;
};

class LookupTableSizeKernel final : public OpKernel {
 public:
  explicit LookupTableSizeKernel(const LookupTable& table) : table_(table) {}

  StatusOr<std::vector<StaticShape>> StaticShapes(std::span<const StaticShape> /*inputs*/) const override {
    return std::vector<StaticShape>{TensorShape{}};
  }

  Status Compute(std::span<const Tensor* const> /*inputs*/, std::span<Tensor> outputs) const override {
    outputs[0] = Tensor::FromVector<int64_t>(DataType::kInt64, {}, {table_.size()});
    return OkStatus();
  }

 private:
  const LookupTable& table_;
};

}  // namespace

StatusOr<LookupTable> LookupTable::Import(DataType key_dtype, DataType value_dtype, const Tensor& keys,
                                          const Tensor& values) {
  const bool to_ids =
      (key_dtype == DataType::kString || key_dtype == DataType::kInt64) && value_dtype == DataType::kInt64;
  const bool to_names = key_dtype == DataType::kInt64 && value_dtype == DataType::kString;
  if (!to_ids && !to_names) {
    return UnimplementedError("hash tables of " + std::string(DataTypeName(key_dtype)) + " keys and " +
                              std::string(DataTypeName(value_dtype)) +
                              " values (only string or int64 -> int64, int64 -> string)");
  }
  TFCOMPAT_RETURN_IF_ERROR(CheckKeyType(key_dtype, keys));
  TFCOMPAT_RETURN_IF_ERROR(CheckValueType(value_dtype, values));
  if (values.shape() != keys.shape()) {
    return InvalidArgumentError("Expected shape " + ShapeText(keys.shape()) + " for value, got " +
                                ShapeText(values.shape()));
  }
  LookupTable table(key_dtype, value_dtype);
  if (to_names) {
    TFCOMPAT_RETURN_IF_ERROR((Insert<int64_t, std::string>(keys.flat<int64_t>(), values.strings(), &table.names_)));
  } else if (key_dtype == DataType::kString) {
    TFCOMPAT_RETURN_IF_ERROR(
        (Insert<std::string, int64_t>(keys.strings(), values.flat<int64_t>(), &table.string_keys_)));
  } else {
    TFCOMPAT_RETURN_IF_ERROR(
        (Insert<int64_t, int64_t>(keys.flat<int64_t>(), values.flat<int64_t>(), &table.int_keys_)));
  }
  return table;
}

int64_t LookupTable::size() const {
  return static_cast<int64_t>(string_keys_.size() + int_keys_.size() + names_.size());
}

StatusOr<Tensor> LookupTable::Find(const Tensor& keys, const Tensor& default_value) const {
  TFCOMPAT_RETURN_IF_ERROR(CheckKeyType(key_dtype_, keys));
  TFCOMPAT_RETURN_IF_ERROR(CheckValueType(value_dtype_, default_value));
  if (!default_value.shape().empty() && default_value.shape() != keys.shape()) {
    return InvalidArgumentError("Expected shape [] or " + ShapeText(keys.shape()) + " for default value, got " +
                                ShapeText(default_value.shape()));
  }
  if (value_dtype_ == DataType::kString) {
    std::vector<std::string> names(keys.num_elements());
    Lookup<int64_t, std::string>(keys.flat<int64_t>(), default_value.strings(), names_, names);
    return Tensor::FromStrings(keys.shape(), std::move(names));
  }
  TFCOMPAT_ASSIGN_OR_RETURN(Tensor found, Tensor::Zeros(DataType::kInt64, keys.shape()));
  if (key_dtype_ == DataType::kString) {
    Lookup<std::string, int64_t>(keys.strings(), default_value.flat<int64_t>(), string_keys_,
                                 found.mutable_flat<int64_t>());
  } else {
    Lookup<int64_t, int64_t>(keys.flat<int64_t>(), default_value.flat<int64_t>(), int_keys_,
                             found.mutable_flat<int64_t>());
  }
  return found;
}

StatusOr<std::unique_ptr<OpKernel>> MakeLookupTableKernel(const NodeAttrs& attrs, const LookupTable& table) {
  if (attrs.def().op() == "LookupTableSizeV2") return std::unique_ptr<OpKernel>(new LookupTableSizeKernel(table));
  TFCOMPAT_ASSIGN_OR_RETURN(const DataType key_dtype, attrs.Type("Tin"));
  TFCOMPAT_ASSIGN_OR_RETURN(const DataType value_dtype, attrs.Type("Tout"));
  if (key_dtype != table.key_dtype() || value_dtype != table.value_dtype()) {
    return attrs.Error("looks up " + std::string(DataTypeName(key_dtype)) + " -> " +
                       std::string(DataTypeName(value_dtype)) + " in a table of " +
                       std::string(DataTypeName(table.key_dtype())) + " -> " +
                       std::string(DataTypeName(table.value_dtype())));
  }
  return std::unique_ptr<OpKernel>(new LookupTableFindKernel(table));
}

void RegisterLookupOps(KernelRegistry* registry) {
  // The planner resolves these: the table is the one the init op filled.
  registry->Register({.op = "HashTableV2",
                      .num_inputs = 0,
                      .attrs = {"container", "shared_name", "use_node_name_sharing", "key_dtype", "value_dtype"},
                      .factory = nullptr});
  registry->Register(
      {.op = "LookupTableImportV2", .num_inputs = 3, .num_outputs = 0, .attrs = {"Tin", "Tout"}, .factory = nullptr});
  registry->Register({.op = "LookupTableFindV2", .num_inputs = 3, .attrs = {"Tin", "Tout"}, .factory = nullptr});
  registry->Register({.op = "LookupTableSizeV2", .num_inputs = 1, .attrs = {}, .factory = nullptr});
}

}  // namespace tfcompat::saved_model
