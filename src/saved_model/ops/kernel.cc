// SPDX-License-Identifier: Apache-2.0
#include "saved_model/ops/kernel.h"

#include <algorithm>
#include <utility>

#include "tfcompat/base/status_macros.h"
#include "tfcompat/saved_model/saved_model_reader.h"

namespace tfcompat::saved_model {
namespace {

std::string NodeLabel(const tensorflow::NodeDef& def) { return "node '" + def.name() + "' (" + def.op() + ")"; }

}  // namespace

std::string StaticShapeString(const StaticShape& shape) {
  if (!shape.has_value()) return "<unknown>";
  std::string text = "[";
  for (size_t d = 0; d < shape->size(); ++d) {
    if (d > 0) text += ",";
    text += (*shape)[d] < 0 ? "?" : std::to_string((*shape)[d]);
  }
  return text + "]";
}

const tensorflow::AttrValue* NodeAttrs::Find(std::string_view name) const {
  const auto found = def_.attr().find(std::string(name));
  return found == def_.attr().end() ? nullptr : &found->second;
}

Status NodeAttrs::Error(std::string_view message) const {
  return InvalidArgumentError(NodeLabel(def_) + ": " + std::string(message));
}

Status NodeAttrs::Unsupported(std::string_view name, std::string_view what) const {
  return Error("attr '" + std::string(name) + "' has a value not implemented here (" + std::string(what) + ")");
}

StatusOr<const Tensor*> NodeAttrs::ConstantInput(size_t index, std::string_view what) const {
  if (index < constant_inputs_.size() && constant_inputs_[index] != nullptr) return constant_inputs_[index];
  return UnimplementedError(NodeLabel(def_) + ": input " + std::to_string(index) + " (" + std::string(what) +
                            ") is computed by the graph; only a constant is supported here");
}

StatusOr<std::vector<DataType>> NodeAttrs::TypeList(std::string_view name) const {
  const tensorflow::AttrValue* value = Find(name);
  std::vector<DataType> types;
  if (value == nullptr) return types;
  if (value->value_case() != tensorflow::AttrValue::kList)
    return Error("attr '" + std::string(name) + "' is not a list");
  for (const int type : value->list().type()) types.push_back(static_cast<DataType>(type));
  return types;
}

StatusOr<std::vector<TensorShape>> NodeAttrs::ShapeList(std::string_view name) const {
  const tensorflow::AttrValue* value = Find(name);
  std::vector<TensorShape> shapes;
  if (value == nullptr) return shapes;
  if (value->value_case() != tensorflow::AttrValue::kList)
    return Error("attr '" + std::string(name) + "' is not a list");
  for (const tensorflow::TensorShapeProto& proto : value->list().shape()) {
    if (proto.unknown_rank()) return Error("attr '" + std::string(name) + "' holds a shape of unknown rank");
    TensorShape& shape = shapes.emplace_back();
    for (const auto& dim : proto.dim()) shape.push_back(dim.size());
  }
  return shapes;
}

StatusOr<std::vector<float>> NodeAttrs::FloatList(std::string_view name) const {
  const tensorflow::AttrValue* value = Find(name);
  std::vector<float> values;
  if (value == nullptr) return values;
  if (value->value_case() != tensorflow::AttrValue::kList)
    return Error("attr '" + std::string(name) + "' is not a list");
  values.assign(value->list().f().begin(), value->list().f().end());
  return values;
}

StatusOr<DataType> NodeAttrs::Type(std::string_view name, std::optional<DataType> default_value) const {
  const tensorflow::AttrValue* value = Find(name);
  if (value == nullptr && default_value.has_value()) return *default_value;
  if (value == nullptr) return Error("NodeDef missing attr '" + std::string(name) + "'");
  if (value->value_case() != tensorflow::AttrValue::kType) {
    return Error("attr '" + std::string(name) + "' is not a type");
  }
  return static_cast<DataType>(value->type());
}

StatusOr<DataType> NodeAttrs::TypeIn(std::string_view name, std::initializer_list<DataType> allowed,
                                     std::optional<DataType> default_value) const {
  TFCOMPAT_ASSIGN_OR_RETURN(const DataType type, Type(name, default_value));
  if (std::find(allowed.begin(), allowed.end(), type) != allowed.end()) return type;
  return NotFoundError("No OpKernel was registered to support Op '" + def_.op() + "' used by node '" + def_.name() +
                       "' with these attrs: [" + std::string(name) + "=" + DataTypeProtoName(type) + "]");
}

StatusOr<int64_t> NodeAttrs::Int(std::string_view name, int64_t default_value) const {
  const tensorflow::AttrValue* value = Find(name);
  if (value == nullptr) return default_value;
  if (value->value_case() != tensorflow::AttrValue::kI) return Error("attr '" + std::string(name) + "' is not an int");
  return value->i();
}

StatusOr<bool> NodeAttrs::Bool(std::string_view name, bool default_value) const {
  const tensorflow::AttrValue* value = Find(name);
  if (value == nullptr) return default_value;
  if (value->value_case() != tensorflow::AttrValue::kB) return Error("attr '" + std::string(name) + "' is not a bool");
  return value->b();
}

StatusOr<std::string> NodeAttrs::String(std::string_view name, std::string_view default_value) const {
  const tensorflow::AttrValue* value = Find(name);
  if (value == nullptr) return std::string(default_value);
  if (value->value_case() != tensorflow::AttrValue::kS)
    return Error("attr '" + std::string(name) + "' is not a string");
  return value->s();
}

const KernelRegistry& KernelRegistry::Builtin() {
  static const KernelRegistry* const registry = [] {
    auto* built = new KernelRegistry;
    RegisterStructuralOps(built);
    RegisterArrayOps(built);
    RegisterMathOps(built);
    RegisterCwiseOps(built);
    RegisterNnOps(built);
    RegisterStringOps(built);
    RegisterParsingOps(built);
    RegisterLookupOps(built);
    RegisterSparseOps(built);
    return built;
  }();
  return *registry;
}

void KernelRegistry::Register(OpSpec spec) { specs_.emplace(std::string(spec.op), std::move(spec)); }

const OpSpec* KernelRegistry::Find(std::string_view op) const {
  const auto found = specs_.find(op);
  return found == specs_.end() ? nullptr : &found->second;
}

StatusOr<KernelRegistry::Checked> KernelRegistry::Check(const tensorflow::NodeDef& def) const {
  const OpSpec* spec = Find(def.op());
  if (spec == nullptr) {
    return NotFoundError("Op type not registered '" + def.op() + "' in binary running on tfcompat (used by node '" +
                         def.name() + "'); it has no kernel in this library");
  }
  for (const auto& [name, unused] : def.attr()) {
    if (name.starts_with('_')) continue;
    if (std::find(spec->attrs.begin(), spec->attrs.end(), name) == spec->attrs.end()) {
      return InvalidArgumentError("NodeDef mentions attr '" + name + "' not in Op<name=" + def.op() +
                                  ">; NodeDef: {{node " + def.name() + "}}");
    }
  }
  Arity arity{.num_inputs = spec->num_inputs, .num_outputs = spec->num_outputs};
  if (spec->arity) {
    TFCOMPAT_ASSIGN_OR_RETURN(arity, spec->arity(NodeAttrs(def)));
  } else if (arity.num_inputs == OpSpec::kFromAttrN) {
    TFCOMPAT_ASSIGN_OR_RETURN(const int64_t n, NodeAttrs(def).Int("N", -1));
    if (n < 1 || n > def.input_size()) return NodeAttrs(def).Error("attr 'N' must be 1 to its number of inputs");
    arity.num_inputs = static_cast<int>(n);
  }
  const int64_t expected = arity.num_inputs;
  int64_t data_inputs = 0;
  for (const std::string& input : def.input()) data_inputs += input.starts_with('^') ? 0 : 1;
  if (data_inputs != expected) {
    return NodeAttrs(def).Error("expected " + std::to_string(expected) + " inputs, the NodeDef has " +
                                std::to_string(data_inputs));
  }
  return Checked{spec, arity.num_outputs};
}

}  // namespace tfcompat::saved_model
