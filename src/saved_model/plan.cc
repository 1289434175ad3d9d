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
                .op = op,
                .reads_shape_only = op == "Shape",
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
    plan->fetches_[key] = slot;
  }
  plan->FuseDenseLayers();
  return plan;
}

void Plan::FuseDenseLayers() {
  // Who reads each slot: steps (the last one seen) and fetches.
  std::vector<int> readers(initial_slots_.size(), 0), reader(initial_slots_.size(), -1);
  for (size_t s = 0; s < steps_.size(); ++s) {
    for (const int slot : steps_[s].inputs) {
      ++readers[slot];
      reader[slot] = static_cast<int>(s);
    }
  }
  for (const auto& [key, slot] : fetches_) ++readers[slot];
  // The step of `op` that alone reads `slot`, as its first input; else -1.
  auto only_reader = [&](int slot, std::string_view op) {
    const int s = readers[slot] == 1 ? reader[slot] : -1;
    return s >= 0 && steps_[s].op == op && steps_[s].inputs[0] == slot ? s : -1;
  };
  std::vector<bool> fused_away(steps_.size(), false);
  for (size_t s = 0; s < steps_.size(); ++s) {
    if (steps_[s].op != "MatMul") continue;
    const int bias_add = only_reader(steps_[s].first_output, "BiasAdd");
    if (bias_add < 0) continue;
    const int relu = only_reader(steps_[bias_add].first_output, "Relu");
    std::unique_ptr<OpKernel> fused = FuseMatMulBiasAdd(*steps_[s].kernel, relu >= 0);
    if (fused == nullptr) continue;
    // The last of the three becomes the fused step: every input it reads
    // is computed before the MatMul's place or the BiasAdd's.
    Step& last = steps_[relu >= 0 ? relu : bias_add];
    last.label = steps_[s].label + " fused with " + steps_[bias_add].label + (relu >= 0 ? " and " + last.label : "");
    last.inputs = {steps_[s].inputs[0], steps_[s].inputs[1], steps_[bias_add].inputs[1]};
    last.kernel = std::move(fused);
    last.op = "MatMul";
    fused_away[s] = true;
    if (relu >= 0) fused_away[bias_add] = true;
  }
  std::vector<Step> kept;
  num_values_ = 0;
  for (size_t s = 0; s < steps_.size(); ++s) {
    if (fused_away[s]) continue;
    steps_[s].first_value = num_values_;
    num_values_ += steps_[s].num_outputs;
    kept.push_back(std::move(steps_[s]));
  }
  steps_ = std::move(kept);
}

std::unique_ptr<Plan::Workspace> Plan::AcquireWorkspace() const {
  {
    const std::lock_guard<std::mutex> lock(workspaces_mutex_);
    if (!idle_workspaces_.empty()) {
      std::unique_ptr<Workspace> workspace = std::move(idle_workspaces_.back());
      idle_workspaces_.pop_back();
      return workspace;
    }
  }
  auto workspace = std::make_unique<Workspace>();
  workspace->values.resize(static_cast<size_t>(num_values_));
  // Every slot but the feeds reads the same tensor in every run.
  workspace->slots = initial_slots_;
  for (const Step& step : steps_) {
    for (int i = 0; i < step.num_outputs; ++i) {
      workspace->slots[step.first_output + i] = &workspace->values[step.first_value + i];
    }
  }
  // Constants never change; runs set the other slots' flags.
  workspace->same_value.resize(initial_slots_.size(), 1);
  workspace->same_shape.resize(initial_slots_.size(), 1);
  workspace->feed_shapes.resize(feeds_.size());
  workspace->value_shapes.resize(static_cast<size_t>(num_values_));
  return workspace;
}

void Plan::ReleaseWorkspace(std::unique_ptr<Workspace> workspace) const {
  const std::lock_guard<std::mutex> lock(workspaces_mutex_);
  idle_workspaces_.push_back(std::move(workspace));
}

Status Plan::Run(const std::map<std::string, Tensor>& inputs, std::map<std::string, Tensor>* outputs) const {
  std::unique_ptr<Workspace> workspace = AcquireWorkspace();
  Status status = RunIn(workspace.get(), inputs, outputs);
  // A run that stopped part way left some steps' outputs from an older run.
  workspace->reusable = status.ok();
  ReleaseWorkspace(std::move(workspace));
  return status;
}

Status Plan::RunIn(Workspace* workspace, const std::map<std::string, Tensor>& inputs,
                   std::map<std::string, Tensor>* outputs) const {
  std::vector<const Tensor*>& slots = workspace->slots;
  std::vector<uint8_t>& same_value = workspace->same_value;
  std::vector<uint8_t>& same_shape = workspace->same_shape;
  // Feeds are new values, maybe of the same shapes.
  for (size_t f = 0; f < feeds_.size(); ++f) {
    const Feed& feed = feeds_[f];
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
    same_value[feed.slot] = 0;
    TensorShape& last_shape = workspace->feed_shapes[f];
    same_shape[feed.slot] = workspace->reusable && last_shape == input->second.shape();
    if (!same_shape[feed.slot]) last_shape = input->second.shape();
  }
  if (inputs.size() != feeds_.size()) {
    for (const auto& [key, unused] : inputs) {
      bool known = false;
      for (const Feed& feed : feeds_) known = known || feed.key == key;
      if (!known) return InvalidArgumentError("the signature has no input '" + key + "'");
    }
  }
  std::vector<const Tensor*>& step_inputs = workspace->step_inputs;
  for (const Step& step : steps_) {
    const std::span<Tensor> step_outputs(workspace->values.data() + step.first_value, step.num_outputs);
    bool unchanged = workspace->reusable;
    for (const int slot : step.inputs) unchanged = unchanged && (step.reads_shape_only ? same_shape : same_value)[slot];
    if (unchanged) {
      std::fill_n(same_value.begin() + step.first_output, step.num_outputs, 1);
      std::fill_n(same_shape.begin() + step.first_output, step.num_outputs, 1);
      continue;
    }
    step_inputs.clear();
    for (const int slot : step.inputs) step_inputs.push_back(slots[slot]);
    if (Status status = step.kernel->Compute(step_inputs, step_outputs); !status.ok()) {
      return status.WithContext(step.label);
    }
    for (int i = 0; i < step.num_outputs; ++i) {
      const int slot = step.first_output + i;
      TensorShape& last_shape = workspace->value_shapes[step.first_value + i];
      same_value[slot] = 0;
      same_shape[slot] = last_shape == step_outputs[i].shape();
      if (!same_shape[slot]) last_shape = step_outputs[i].shape();
    }
  }
  // Assigning into the caller's tensors reuses their buffers. Both maps are
  // in key order: one walk, and no lookup when they have the same keys.
  auto output = outputs->begin();
  for (const auto& [key, slot] : fetches_) {
    while (output != outputs->end() && output->first < key) output = outputs->erase(output);
    if (output == outputs->end() || output->first != key) output = outputs->emplace_hint(output, key, Tensor());
    output->second = *slots[slot];
    ++output;
  }
  outputs->erase(output, outputs->end());
  return OkStatus();
}

}  // namespace tfcompat::saved_model
