// SPDX-License-Identifier: Apache-2.0
#include "saved_model/plan.h"

#include <algorithm>
#include <set>
#include <utility>

#include "saved_model/tensor_proto.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

std::string Label(const tensorflow::NodeDef& def) { return "node '" + def.name() + "' (" + def.op() + ")"; }

std::string Describe(DataType dtype, const StaticShape& shape) {
  std::string text(DataTypeEnumName(dtype));
  text += shape.has_value() ? " " : " of any shape";
  if (shape.has_value()) text += StaticShapeString(shape);
  return text;
}

bool ShapeAccepts(const std::optional<TensorShape>& expected, const TensorShape& actual) {
  if (!expected.has_value()) return true;
  if (expected->size() != actual.size()) return false;
  for (size_t d = 0; d < actual.size(); ++d) {
    if ((*expected)[d] >= 0 && (*expected)[d] != actual[d]) return false;
  }
  return true;
}

bool IsAlias(std::string_view op) { return op == "Identity" || op == "Snapshot" || op == "StopGradient"; }

}  // namespace

StatusOr<std::unique_ptr<Plan>> Plan::Build(const Graph& graph, const KernelRegistry& registry,
                                            const VariableValues& variables, const TableValues& tables,
                                            const SignatureInfo& signature, uint64_t max_tensor_bytes) {
  std::unique_ptr<Plan> plan(new Plan);
  // Per node, the slot of each output (-1: none); per slot, whether it is a
  // variable's handle (only ReadVariableOp may read it).
  std::vector<std::vector<int>> output_slots(graph.num_nodes());
  std::vector<bool> is_handle;
  // Per slot, the table of a HashTableV2's slot, else null.
  std::vector<const LookupTable*> table_of;
  // Per slot, its shape as far as known before any run: checked against
  // each kernel's StaticShapes, so weights that cannot fit fail the load.
  std::vector<StaticShape> static_shapes;
  auto new_slot = [&](const Tensor* initial, bool handle, StaticShape shape) {
    plan->initial_slots_.push_back(initial);
    is_handle.push_back(handle);
    table_of.push_back(nullptr);
    static_shapes.push_back(initial != nullptr ? StaticShape(initial->shape()) : std::move(shape));
    return static_cast<int>(plan->initial_slots_.size()) - 1;
  };

  std::vector<int> fed_nodes;
  for (const auto& [key, input] : signature.inputs) {
    if (input.name.empty()) return UnimplementedError("input '" + key + "' is a sparse or composite tensor");
    TFCOMPAT_ASSIGN_OR_RETURN(const TensorRef ref, graph.FindTensor(input.name));
    std::vector<int>& slots = output_slots[ref.node];
    if (slots.size() <= static_cast<size_t>(ref.output)) slots.resize(ref.output + 1, -1);
    if (slots[ref.output] != -1) return InvalidArgumentError("input '" + key + "' feeds " + input.name + " again");
    slots[ref.output] = new_slot(nullptr, false, input.shape);
    plan->feeds_.push_back({key, slots[ref.output], input});
    fed_nodes.push_back(ref.node);
  }
  std::vector<std::pair<std::string, TensorRef>> fetches;
  std::vector<int> fetch_nodes;
  for (const auto& [key, output] : signature.outputs) {
    if (output.name.empty()) return UnimplementedError("output '" + key + "' is a sparse or composite tensor");
    TFCOMPAT_ASSIGN_OR_RETURN(const TensorRef ref, graph.FindTensor(output.name));
    fetches.emplace_back(key, ref);
    fetch_nodes.push_back(ref.node);
  }
  const std::set<int> fed(fed_nodes.begin(), fed_nodes.end());
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<int> order, graph.Prune(fetch_nodes, fed_nodes));

  // The slot of a node's input, which topological order has planned.
  auto input_slot = [&](const tensorflow::NodeDef& def, TensorRef ref) -> StatusOr<int> {
    const std::vector<int>& slots = output_slots[ref.node];
    if (static_cast<size_t>(ref.output) >= slots.size() || slots[ref.output] == -1) {
      return InvalidArgumentError(Label(def) + ": input " + graph.name(ref.node) + ":" + std::to_string(ref.output) +
                                  " names an output " + Label(*graph.node(ref.node).def) + " does not have");
    }
    return slots[ref.output];
  };

  for (const int index : order) {
    if (fed.contains(index)) continue;
    const GraphNode& node = graph.node(index);
    const tensorflow::NodeDef& def = *node.def;
    TFCOMPAT_ASSIGN_OR_RETURN(const KernelRegistry::Checked checked, registry.Check(def));
    std::vector<int> inputs;
    for (const TensorRef& ref : node.inputs) {
      TFCOMPAT_ASSIGN_OR_RETURN(const int slot, input_slot(def, ref));
      inputs.push_back(slot);
    }
    const std::string& op = def.op();
    std::vector<int>& slots = output_slots[index];
    if (op == "Const") {
      const auto attr = def.attr().find("value");
      if (attr == def.attr().end() || !attr->second.has_tensor()) {
        return InvalidArgumentError(Label(def) + ": NodeDef missing attr 'value'");
      }
      StatusOr<Tensor> value = TensorFromProto(attr->second.tensor(), max_tensor_bytes);
      if (!value.ok()) return value.status().WithContext(Label(def));
      plan->constants_.push_back(*std::move(value));
      slots = {new_slot(&plan->constants_.back(), false, std::nullopt)};
    } else if (op == "Placeholder") {
      return InvalidArgumentError(Label(def) +
                                  ": the signature's outputs need this placeholder, which none of its "
                                  "inputs feeds");
    } else if (op == "PlaceholderWithDefault" || IsAlias(op)) {
      slots = {inputs[0]};
    } else if (op == "IdentityN") {
      // Each output is its input, a variable's handle included (an inlined
      // call passes them through).
      slots = inputs;
    } else if (op == "NoOp") {
      slots.clear();
    } else if (op == "VarHandleOp" || op == "VariableV2") {
      const auto value = variables.find(index);
      if (value == variables.end()) {
        return FailedPreconditionError(Label(def) + ": Attempting to use uninitialized value " + def.name() +
                                       " (the SavedModel's restore op does not restore it)");
      }
      slots = {new_slot(&value->second, op == "VarHandleOp", std::nullopt)};
    } else if (op == "ReadVariableOp") {
      if (!is_handle[inputs[0]]) return InvalidArgumentError(Label(def) + ": its input is not a VarHandleOp");
      // The value, in a slot of its own: the handle's slot is not a value.
      slots = {new_slot(plan->initial_slots_[inputs[0]], false, std::nullopt)};
    } else if (op == "HashTableV2") {
      const auto table = tables.find(index);
      if (table == tables.end()) {
        return FailedPreconditionError(Label(def) + ": Table not initialized. (the SavedModel's init op does not " +
                                       "fill it)");
      }
      slots = {new_slot(nullptr, false, TensorShape{})};
      table_of[slots[0]] = &table->second;
    } else {
      const bool reads_table = op == "LookupTableFindV2" || op == "LookupTableSizeV2";
      for (size_t i = 0; i < inputs.size(); ++i) {
        // ResourceGather reads the variable's value, which its handle's
        // slot holds.
        if (is_handle[inputs[i]] && !(op == "ResourceGather" && i == 0)) {
          return UnimplementedError(Label(def) + ": input " + std::to_string(i) +
                                    " is a resource variable; only ReadVariableOp and ResourceGather read one here");
        }
        if ((table_of[inputs[i]] != nullptr) != (reads_table && i == 0)) {
          return UnimplementedError(
              Label(def) + ": input " + std::to_string(i) +
              (i == 0 && reads_table ? " is not a HashTableV2" : " is a hash table; only lookups read one here"));
        }
      }
      std::vector<const Tensor*> constant_inputs;
      for (const int slot : inputs) constant_inputs.push_back(plan->initial_slots_[slot]);
      const NodeAttrs attrs(def, std::move(constant_inputs), max_tensor_bytes);
      if (!reads_table && checked.spec->factory == nullptr) {
        return UnimplementedError(Label(def) + ": runs only in the init op");
      }
      StatusOr<std::unique_ptr<OpKernel>> kernel =
          reads_table ? MakeLookupTableKernel(attrs, *table_of[inputs[0]]) : checked.spec->factory(attrs);
      if (!kernel.ok()) return kernel.status();
      Step step{.kernel = *std::move(kernel),
                .label = Label(def),
                .inputs = std::move(inputs),
                .first_output = static_cast<int>(plan->initial_slots_.size()),
                .num_outputs = checked.num_outputs};
      slots.clear();
      std::vector<StaticShape> input_shapes;
      for (const int slot : step.inputs) input_shapes.push_back(static_shapes[slot]);
      StatusOr<std::vector<StaticShape>> output_shapes = step.kernel->StaticShapes(input_shapes);
      if (!output_shapes.ok()) return output_shapes.status().WithContext(step.label);
      output_shapes->resize(checked.num_outputs);
      for (int i = 0; i < checked.num_outputs; ++i) slots.push_back(new_slot(nullptr, false, (*output_shapes)[i]));
      // A node of constants only (a parser's default value reshaped) is
      // computed once here, as TF's constant folding does: what it makes is
      // a constant to the kernels configured by an input (ParseExampleV2's
      // dense_defaults) and costs no run anything.
      std::vector<const Tensor*> constant_values;
      for (const int slot : step.inputs) constant_values.push_back(plan->initial_slots_[slot]);
      if (step.inputs.empty() ||
          std::find(constant_values.begin(), constant_values.end(), nullptr) != constant_values.end()) {
        step.first_value = plan->num_values_;
        plan->num_values_ += step.num_outputs;
        plan->steps_.push_back(std::move(step));
        continue;
      }
      std::vector<Tensor> folded(checked.num_outputs);
      if (Status status = step.kernel->Compute(constant_values, folded); !status.ok()) {
        return status.WithContext(step.label);
      }
      for (int i = 0; i < checked.num_outputs; ++i) {
        plan->constants_.push_back(std::move(folded[i]));
        plan->initial_slots_[slots[i]] = &plan->constants_.back();
        static_shapes[slots[i]] = plan->constants_.back().shape();
      }
    }
  }
  for (const auto& [key, ref] : fetches) {
    const tensorflow::NodeDef& def = *graph.node(ref.node).def;
    TFCOMPAT_ASSIGN_OR_RETURN(const int slot, input_slot(def, ref));
    if (is_handle[slot]) return UnimplementedError("output '" + key + "' is a resource variable's handle");
    if (table_of[slot] != nullptr) return UnimplementedError("output '" + key + "' is a hash table's handle");
    plan->fetches_[key] = {.slot = slot};
  }
  // A step's output fetched once moves to the result instead of being copied.
  std::map<int, int> value_of_slot, fetched;
  for (const Step& step : plan->steps_) {
    for (int i = 0; i < step.num_outputs; ++i) value_of_slot[step.first_output + i] = step.first_value + i;
  }
  for (const auto& [key, fetch] : plan->fetches_) ++fetched[fetch.slot];
  for (auto& [key, fetch] : plan->fetches_) {
    const auto value = value_of_slot.find(fetch.slot);
    if (value != value_of_slot.end() && fetched[fetch.slot] == 1) fetch.value = value->second;
  }
  return plan;
}

StatusOr<std::map<std::string, Tensor>> Plan::Run(const std::map<std::string, Tensor>& inputs) const {
  std::vector<const Tensor*> slots = initial_slots_;
  for (const Feed& feed : feeds_) {
    const auto input = inputs.find(feed.key);
    if (input == inputs.end()) {
      return InvalidArgumentError("no value for input '" + feed.key + "' (" + feed.expected.name + ", " +
                                  Describe(feed.expected.dtype, feed.expected.shape) + ")");
    }
    if (input->second.dtype() != feed.expected.dtype || !ShapeAccepts(feed.expected.shape, input->second.shape())) {
      return InvalidArgumentError("input '" + feed.key + "' is " +
                                  Describe(input->second.dtype(), input->second.shape()) + "; the signature expects " +
                                  Describe(feed.expected.dtype, feed.expected.shape));
    }
    slots[feed.slot] = &input->second;
  }
  if (inputs.size() != feeds_.size()) {
    for (const auto& [key, unused] : inputs) {
      bool known = false;
      for (const Feed& feed : feeds_) known = known || feed.key == key;
      if (!known) return InvalidArgumentError("the signature has no input '" + key + "'");
    }
  }
  std::vector<Tensor> values(static_cast<size_t>(num_values_));
  std::vector<const Tensor*> step_inputs;
  for (const Step& step : steps_) {
    step_inputs.clear();
    for (const int slot : step.inputs) step_inputs.push_back(slots[slot]);
    const std::span<Tensor> outputs(values.data() + step.first_value, step.num_outputs);
    if (Status status = step.kernel->Compute(step_inputs, outputs); !status.ok()) return status.WithContext(step.label);
    for (int i = 0; i < step.num_outputs; ++i) slots[step.first_output + i] = &outputs[i];
  }
  std::map<std::string, Tensor> result;
  for (const auto& [key, fetch] : fetches_) {
    result.emplace(key, fetch.value >= 0 ? std::move(values[fetch.value]) : *slots[fetch.slot]);
  }
  return result;
}

}  // namespace tfcompat::saved_model
