// SPDX-License-Identifier: Apache-2.0
#include "saved_model/variables.h"

#include <charconv>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "saved_model/ops/tensor_util.h"
#include "saved_model/tensor_proto.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/tensorflow/trackable_object_graph.pb.h"

namespace tfcompat::saved_model {
namespace {

// The tensor `ref` is a copy of, looking through Identity nodes.
TensorRef ThroughIdentity(const Graph& graph, TensorRef ref) {
  // Bounded by the node count: an Identity cycle cannot loop forever.
  for (int hops = 0; hops < graph.num_nodes(); ++hops) {
    const GraphNode& node = graph.node(ref.node);
    if (node.def->op() != "Identity" || node.inputs.empty()) break;
    ref = node.inputs[0];
  }
  return ref;
}

StatusOr<int64_t> ParseInt(std::string_view text, std::string_view spec) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgumentError("malformed shape_and_slice '" + std::string(spec) + "'");
  }
  return value;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// The part of `full` that `spec` ("d0 d1 start,length:-") selects; all of it
// for an empty spec.
StatusOr<Tensor> Slice(Tensor full, std::string_view spec) {
  if (spec.empty()) return full;
  const std::vector<std::string_view> parts = Split(spec, ' ');
  TensorShape full_shape;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    TFCOMPAT_ASSIGN_OR_RETURN(const int64_t dim, ParseInt(parts[i], spec));
    full_shape.push_back(dim);
  }
  if (full_shape != full.shape()) {
    return InvalidArgumentError("shape_and_slice '" + std::string(spec) + "' is of a tensor of shape " +
                                ShapeDebugString(full_shape) + ", the checkpoint's is " +
                                ShapeDebugString(full.shape()));
  }
  const std::vector<std::string_view> extents = Split(parts.back(), ':');
  if (extents.size() != full_shape.size()) {
    return InvalidArgumentError("shape_and_slice '" + std::string(spec) + "' slices " + std::to_string(extents.size()) +
                                " dimensions of " + std::to_string(full_shape.size()));
  }
  std::vector<int64_t> start(full_shape.size(), 0), step(full_shape.size(), 1);
  TensorShape count = full_shape;
  for (size_t d = 0; d < extents.size(); ++d) {
    if (extents[d] == "-") continue;
    const std::vector<std::string_view> start_length = Split(extents[d], ',');
    if (start_length.size() != 2) return InvalidArgumentError("malformed shape_and_slice '" + std::string(spec) + "'");
    TFCOMPAT_ASSIGN_OR_RETURN(start[d], ParseInt(start_length[0], spec));
    TFCOMPAT_ASSIGN_OR_RETURN(count[d], ParseInt(start_length[1], spec));
    if (start[d] > full_shape[d] || count[d] > full_shape[d] - start[d]) {
      return InvalidArgumentError("shape_and_slice '" + std::string(spec) + "' reaches past dimension " +
                                  std::to_string(d));
    }
  }
  if (count == full_shape) return full;
  Tensor sliced;
  TFCOMPAT_RETURN_IF_ERROR(GatherInto(full, count, StridedIndex(full_shape, start, step, count), &sliced));
  return sliced;
}

// The string values of a Const node (tensor_names, shape_and_slices).
StatusOr<std::vector<std::string>> ConstStrings(const Graph& graph, TensorRef ref, uint64_t max_tensor_bytes) {
  const int index = ThroughIdentity(graph, ref).node;
  const tensorflow::NodeDef& def = *graph.node(index).def;
  const auto value = def.attr().find("value");
  if (def.op() != "Const" || value == def.attr().end()) {
    return InvalidArgumentError("node '" + def.name() + "' (" + def.op() + "): expected a Const of strings");
  }
  StatusOr<Tensor> tensor = TensorFromProto(value->second.tensor(), max_tensor_bytes);
  if (!tensor.ok()) return tensor.status().WithContext("node '" + def.name() + "' (Const)");
  if (tensor->dtype() != DataType::kString) {
    return InvalidArgumentError("node '" + def.name() + "' (Const): expected strings");
  }
  return tensor->strings();
}

struct RestoreOp {
  std::vector<std::string> names;
  std::vector<std::string> slices;
};

// The checkpoint tensor holding an object-based checkpoint's object graph.
constexpr std::string_view kObjectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";

// Whether a tensor of `shape` is a value of a variable declared `declared`.
bool ShapeAccepts(const tensorflow::TensorShapeProto& declared, const TensorShape& shape) {
  if (declared.unknown_rank()) return true;
  if (static_cast<size_t>(declared.dim_size()) != shape.size()) return false;
  for (size_t d = 0; d < shape.size(); ++d) {
    const int64_t size = declared.dim(static_cast<int>(d)).size();
    if (size != -1 && size != shape[d]) return false;
  }
  return true;
}

std::string ShapeProtoString(const tensorflow::TensorShapeProto& shape) {
  if (shape.unknown_rank()) return "<unknown>";
  TensorShape dims;
  for (const auto& dim : shape.dim()) dims.push_back(dim.size());
  return ShapeDebugString(dims);
}

// The checkpoint at a prefix, opened once, and its object graph, read once.
class ObjectCheckpoint {
 public:
  ObjectCheckpoint(const std::string& prefix, uint64_t max_tensor_bytes)
      : prefix_(prefix), max_tensor_bytes_(max_tensor_bytes) {}

  StatusOr<BundleReader*> Reader() {
    if (reader_ == nullptr) {
      BundleReader::Options options;
      options.max_tensor_bytes = max_tensor_bytes_;
      TFCOMPAT_ASSIGN_OR_RETURN(reader_, BundleReader::Open(prefix_, options));
    }
    return reader_.get();
  }

  StatusOr<const tensorflow::TrackableObjectGraph*> Objects() {
    if (objects_.has_value()) return &*objects_;
    TFCOMPAT_ASSIGN_OR_RETURN(BundleReader * reader, Reader());
    TFCOMPAT_ASSIGN_OR_RETURN(const Tensor serialized, reader->Lookup(kObjectGraphKey));
    tensorflow::TrackableObjectGraph objects;
    if (serialized.dtype() != DataType::kString || serialized.num_elements() != 1 ||
        !objects.ParseFromString(serialized.strings()[0])) {
      return DataLossError("checkpoint '" + prefix_ + "': tensor '" + std::string(kObjectGraphKey) +
                           "' is not one serialized TrackableObjectGraph");
    }
    objects_ = std::move(objects);
    return &*objects_;
  }

 private:
  const std::string prefix_;
  const uint64_t max_tensor_bytes_;
  std::unique_ptr<BundleReader> reader_;
  std::optional<tensorflow::TrackableObjectGraph> objects_;
};

// The value of the variable `variable_name` (a VarHandleOp of dtype
// `handle_dtype`), object graph node `id`: its SavedVariable checked against
// the handle and the checkpoint's tensor.
StatusOr<Tensor> RestoreObject(const tensorflow::SavedObjectGraph& objects, int id, const std::string& variable_name,
                               DataType handle_dtype, ObjectCheckpoint& checkpoint) {
  const std::string node = "object graph node " + std::to_string(id);
  if (id < 0 || id >= objects.nodes_size()) {
    return InvalidArgumentError(node + " bound to variable '" + variable_name + "' is out of range: the SavedModel's " +
                                "object graph has " + std::to_string(objects.nodes_size()) + " nodes");
  }
  if (!objects.nodes(id).has_variable()) {
    return InvalidArgumentError(node + " bound to variable '" + variable_name + "' is not a SavedVariable");
  }
  const tensorflow::SavedVariable& saved = objects.nodes(id).variable();
  const auto saved_dtype = static_cast<DataType>(saved.dtype());
  if (saved_dtype != handle_dtype) {
    return InvalidArgumentError(node + " ('" + saved.name() + "') is " + std::string(DataTypeEnumName(saved_dtype)) +
                                ", the variable '" + variable_name + "' it is bound to is " +
                                std::string(DataTypeEnumName(handle_dtype)));
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const tensorflow::TrackableObjectGraph* trackable, checkpoint.Objects());
  if (id >= trackable->nodes_size()) {
    return InvalidArgumentError(node + " ('" + saved.name() + "') is out of range: the checkpoint's object graph has " +
                                std::to_string(trackable->nodes_size()) + " nodes");
  }
  const tensorflow::TrackableObjectGraph::TrackableObject::SerializedTensor* value = nullptr;
  for (const auto& attribute : trackable->nodes(id).attributes()) {
    if (attribute.name() == "VARIABLE_VALUE") value = &attribute;
  }
  if (value == nullptr) {
    return NotFoundError(node + " ('" + saved.name() + "') has no VARIABLE_VALUE in the checkpoint's object graph");
  }
  TFCOMPAT_ASSIGN_OR_RETURN(BundleReader * reader, checkpoint.Reader());
  StatusOr<Tensor> tensor = reader->Lookup(value->checkpoint_key());
  if (!tensor.ok()) return tensor.status().WithContext(node + " ('" + saved.name() + "')");
  if (tensor->dtype() != saved_dtype || !ShapeAccepts(saved.shape(), tensor->shape())) {
    return InvalidArgumentError(node + " ('" + saved.name() + "') is a SavedVariable of " +
                                std::string(DataTypeEnumName(saved_dtype)) + ShapeProtoString(saved.shape()) +
                                ", the checkpoint's '" + value->checkpoint_key() + "' is " +
                                std::string(DataTypeEnumName(tensor->dtype())) + ShapeDebugString(tensor->shape()));
  }
  return tensor;
}

}  // namespace

StatusOr<VariableValues> RestoreVariables(const Graph& graph, const tensorflow::SaverDef& saver,
                                          const std::string& prefix, uint64_t max_tensor_bytes) {
  TFCOMPAT_ASSIGN_OR_RETURN(const TensorRef restore, graph.FindTensor(saver.restore_op_name()));
  const int fetch[] = {restore.node};
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<int> nodes, graph.Prune(fetch, {}));
  std::unordered_map<int, RestoreOp> restore_ops;
  std::unique_ptr<BundleReader> reader;
  VariableValues values;
  for (const int index : nodes) {
    const GraphNode& node = graph.node(index);
    const std::string& op = node.def->op();
    if (op != "AssignVariableOp" && op != "Assign") continue;
    auto error = [&](std::string_view message) {
      return InvalidArgumentError("node '" + node.def->name() + "' (" + op + ") of the restore op '" +
                                  saver.restore_op_name() + "': " + std::string(message));
    };
    if (node.inputs.size() != 2) return error("expected 2 inputs");
    const int variable = ThroughIdentity(graph, node.inputs[0]).node;
    const std::string& variable_op = graph.node(variable).def->op();
    if (variable_op != (op == "Assign" ? "VariableV2" : "VarHandleOp")) {
      return error("assigns to '" + graph.name(variable) + "' (" + variable_op + "), not a variable");
    }
    const TensorRef source = ThroughIdentity(graph, node.inputs[1]);
    const GraphNode& restore_node = graph.node(source.node);
    if (restore_node.def->op() != "RestoreV2" || restore_node.inputs.size() != 3) {
      return error("assigns the output of '" + graph.name(source.node) + "', not of a RestoreV2");
    }
    auto [found, inserted] = restore_ops.try_emplace(source.node);
    if (inserted) {
      TFCOMPAT_ASSIGN_OR_RETURN(found->second.names, ConstStrings(graph, restore_node.inputs[1], max_tensor_bytes));
      TFCOMPAT_ASSIGN_OR_RETURN(found->second.slices, ConstStrings(graph, restore_node.inputs[2], max_tensor_bytes));
      if (found->second.names.size() != found->second.slices.size()) {
        return error("its RestoreV2 has " + std::to_string(found->second.names.size()) + " tensor_names and " +
                     std::to_string(found->second.slices.size()) + " shape_and_slices");
      }
    }
    const RestoreOp& restore_op = found->second;
    if (static_cast<size_t>(source.output) >= restore_op.names.size()) {
      return error("takes output " + std::to_string(source.output) + " of a RestoreV2 of " +
                   std::to_string(restore_op.names.size()));
    }
    if (reader == nullptr) {
      BundleReader::Options options;
      options.max_tensor_bytes = max_tensor_bytes;
      TFCOMPAT_ASSIGN_OR_RETURN(reader, BundleReader::Open(prefix, options));
    }
    const std::string& name = restore_op.names[source.output];
    StatusOr<Tensor> full = reader->Lookup(name);
    if (!full.ok()) return full.status().WithContext("restoring variable '" + graph.name(variable) + "'");
    StatusOr<Tensor> value = Slice(*std::move(full), restore_op.slices[source.output]);
    if (!value.ok()) return error(value.status().message());
    const auto dtype = graph.node(variable).def->attr().find("dtype");
    if (dtype != graph.node(variable).def->attr().end() &&
        static_cast<DataType>(dtype->second.type()) != value->dtype()) {
      return error("the checkpoint's '" + name + "' is " + std::string(DataTypeEnumName(value->dtype())) +
                   ", the variable '" + graph.name(variable) + "' is " +
                   std::string(DataTypeEnumName(static_cast<DataType>(dtype->second.type()))));
    }
    values.insert_or_assign(variable, *std::move(value));
  }
  return values;
}

Status RestoreCapturedVariables(const tensorflow::GraphDef& graph_def, const Graph& graph,
                                const tensorflow::SavedObjectGraph& objects, const std::string& prefix,
                                uint64_t max_tensor_bytes, VariableValues* values) {
  ObjectCheckpoint checkpoint(prefix, max_tensor_bytes);
  for (const tensorflow::NodeDef& call : graph_def.node()) {
    if (call.op() != "StatefulPartitionedCall" && call.op() != "PartitionedCall") continue;
    const auto f = call.attr().find("f");
    if (f == call.attr().end()) continue;  // Inlining has refused it already.
    const auto function = objects.concrete_functions().find(f->second.func().name());
    if (function == objects.concrete_functions().end()) continue;
    const auto& bound = function->second.bound_inputs();
    const std::string label =
        "node '" + call.name() + "' (" + call.op() + ") calling function '" + f->second.func().name() + "'";
    std::vector<std::string_view> data_inputs;
    for (const std::string& input : call.input()) {
      if (!input.starts_with('^')) data_inputs.push_back(input);
    }
    if (static_cast<size_t>(bound.size()) > data_inputs.size()) {
      return InvalidArgumentError(label + ": " + std::to_string(data_inputs.size()) +
                                  " inputs, fewer than the function's " + std::to_string(bound.size()) +
                                  " bound_inputs");
    }
    const size_t first_capture = data_inputs.size() - static_cast<size_t>(bound.size());
    for (int i = 0; i < bound.size(); ++i) {
      const StatusOr<TensorRef> input = graph.FindTensor(data_inputs[first_capture + i]);
      if (!input.ok()) return input.status().WithContext(label);
      const int variable = ThroughIdentity(graph, *input).node;
      const tensorflow::NodeDef& handle = *graph.node(variable).def;
      if (handle.op() != "VarHandleOp" || values->contains(variable)) continue;
      const auto dtype = handle.attr().find("dtype");
      const DataType handle_dtype =
          dtype == handle.attr().end() ? DataType::kInvalid : static_cast<DataType>(dtype->second.type());
      StatusOr<Tensor> value = RestoreObject(objects, bound[i], graph.name(variable), handle_dtype, checkpoint);
      if (!value.ok()) return value.status().WithContext(label + ", captured input " + std::to_string(i));
      values->emplace(variable, *std::move(value));
    }
  }
  return OkStatus();
}

}  // namespace tfcompat::saved_model
