// SPDX-License-Identifier: Apache-2.0
#include "saved_model/functions.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

bool IsCall(std::string_view op) { return op == "StatefulPartitionedCall" || op == "PartitionedCall"; }

// The ops with several output arguments that the kernels here run: a body's
// "node:out_arg:i" is output (offset of out_arg) + i. Every other op's
// outputs are one argument (a tensor or a list), so i is the index.
// NotFound for an argument the op does not have.
StatusOr<int> OutputOffset(const tensorflow::NodeDef& node, std::string_view out_arg) {
  // Per argument, the attribute that says how many tensors it is (a list
  // attribute's length, or an int), empty for one tensor.
  std::vector<std::pair<std::string_view, std::string_view>> args;
  if (node.op() == "Unique") {
    args = {{"y", ""}, {"idx", ""}};
  } else if (node.op() == "ParseExampleV2") {
    // TF's REGISTER_OP("ParseExampleV2") outputs, in order.
    args = {{"sparse_indices", "num_sparse"},        {"sparse_values", "sparse_types"},
            {"sparse_shapes", "num_sparse"},         {"dense_values", "Tdense"},
            {"ragged_values", "ragged_value_types"}, {"ragged_row_splits", "ragged_split_types"}};
  } else if (node.op() == "ParseExample") {
    // TF's REGISTER_OP("ParseExample") outputs, in order.
    args = {{"sparse_indices", "Nsparse"},
            {"sparse_values", "sparse_types"},
            {"sparse_shapes", "Nsparse"},
            {"dense_values", "Tdense"}};
  } else {
    return 0;
  }
  int64_t offset = 0;
  for (const auto& [name, count] : args) {
    if (name == out_arg) return static_cast<int>(offset);
    if (count.empty()) {
      ++offset;
      continue;
    }
    const auto attr = node.attr().find(std::string(count));
    if (attr == node.attr().end()) continue;  // Left out: its default, none.
    const int64_t n = attr->second.has_list() ? attr->second.list().type_size() : attr->second.i();
    if (n < 0 || n > (int64_t{1} << 20)) {
      return InvalidArgumentError("node '" + node.name() + "': attr '" + std::string(count) + "' is " +
                                  std::to_string(n));
    }
    offset += n;
  }
  return NotFoundError("node '" + node.name() + "' (" + node.op() + ") has no output '" + std::string(out_arg) + "'");
}

// One expanded call: its function, and the call it was inlined into.
struct Frame {
  std::string_view function;
  int parent = -1;
  int depth = 0;
};

// A node waiting for expansion, its names already those of the flat graph.
struct Pending {
  tensorflow::NodeDef node;
  int frame = -1;
};

class Inliner {
 public:
  Inliner(const tensorflow::GraphDef& graph, int max_nodes) : graph_(graph), max_nodes_(max_nodes) {
    for (const tensorflow::FunctionDef& function : graph.library().function()) {
      functions_.emplace(function.signature().name(), &function);
    }
  }

  StatusOr<tensorflow::GraphDef> Run() {
    tensorflow::GraphDef flat;
    *flat.mutable_versions() = graph_.versions();
    for (const tensorflow::NodeDef& node : graph_.node()) work_.push_back({node, -1});
    while (!work_.empty()) {
      Pending pending = std::move(work_.back());
      work_.pop_back();
      if (IsCall(pending.node.op())) {
        TFCOMPAT_RETURN_IF_ERROR(Expand(std::move(pending)));
      } else {
        *flat.add_node() = std::move(pending.node);
      }
      if (flat.node_size() + work_.size() > static_cast<size_t>(max_nodes_)) {
        return InvalidArgumentError("inlining the graph's functions makes more than " + std::to_string(max_nodes_) +
                                    " nodes");
      }
    }
    return flat;
  }

 private:
  // "f <- g <- f": the chain of functions from `frame` out to the graph.
  std::string Chain(int frame) const {
    std::string chain;
    for (; frame != -1; frame = frames_[frame].parent) {
      chain += (chain.empty() ? "'" : " <- '") + std::string(frames_[frame].function) + "'";
    }
    return chain;
  }

  Status Expand(Pending pending) {
    const tensorflow::NodeDef& call = pending.node;
    const std::string label = "node '" + call.name() + "' (" + call.op() + ")";
    const auto f = call.attr().find("f");
    if (f == call.attr().end() || !f->second.has_func()) {
      return InvalidArgumentError(label + ": NodeDef missing attr 'f'");
    }
    const auto found = functions_.find(f->second.func().name());
    if (found == functions_.end()) {
      return NotFoundError(label + ": Function '" + f->second.func().name() + "' is not in the graph's library");
    }
    const tensorflow::FunctionDef& function = *found->second;
    // The library's copy of the name: the frames keep a view of it.
    const std::string& name = function.signature().name();
    const std::string in_function = label + " calling function '" + name + "'";
    for (int frame = pending.frame; frame != -1; frame = frames_[frame].parent) {
      if (frames_[frame].function == name) {
        return InvalidArgumentError(in_function + ": the function calls itself (" + Chain(pending.frame) + ")");
      }
    }
    const int depth = pending.frame == -1 ? 1 : frames_[pending.frame].depth + 1;
    if (depth > kMaxCallDepth) {
      return InvalidArgumentError(in_function + ": calls nest deeper than " + std::to_string(kMaxCallDepth) + " (" +
                                  Chain(pending.frame) + " ...)");
    }
    const tensorflow::OpDef& signature = function.signature();
    std::vector<std::string> data_inputs, control_inputs;
    for (const std::string& input : call.input()) {
      (input.starts_with('^') ? control_inputs : data_inputs).push_back(input);
    }
    if (data_inputs.size() != static_cast<size_t>(signature.input_arg_size())) {
      return InvalidArgumentError(in_function + ": " + std::to_string(data_inputs.size()) +
                                  " inputs, the function has " + std::to_string(signature.input_arg_size()) +
                                  " arguments");
    }
    if (const auto tout = call.attr().find("Tout");
        tout != call.attr().end() && tout->second.list().type_size() != signature.output_arg_size()) {
      return InvalidArgumentError(in_function + ": attr 'Tout' has " + std::to_string(tout->second.list().type_size()) +
                                  " types, the function returns " + std::to_string(signature.output_arg_size()));
    }
    for (const auto* args : {&signature.input_arg(), &signature.output_arg()}) {
      for (const tensorflow::OpDef::ArgDef& arg : *args) {
        if (!arg.number_attr().empty() || !arg.type_list_attr().empty() || arg.type() == 0) {
          return UnimplementedError(in_function + ": argument '" + arg.name() +
                                    "' is a list or of a type set by an attr");
        }
      }
    }
    frames_.push_back({name, pending.frame, depth});
    const int frame = static_cast<int>(frames_.size()) - 1;
    const std::string prefix = call.name() + "/";

    std::unordered_map<std::string_view, const tensorflow::NodeDef*> body;
    for (const tensorflow::NodeDef& node : function.node_def()) body.emplace(node.name(), &node);
    std::unordered_set<std::string_view> is_arg;
    for (int i = 0; i < signature.input_arg_size(); ++i) {
      const tensorflow::OpDef::ArgDef& arg = signature.input_arg(i);
      is_arg.insert(arg.name());
      Pending identity{.node = {}, .frame = pending.frame};
      identity.node.set_name(prefix + arg.name());
      identity.node.set_op("Identity");
      identity.node.add_input(data_inputs[i]);
      for (const std::string& control : control_inputs) identity.node.add_input(control);
      (*identity.node.mutable_attr())["T"].set_type(arg.type());
      work_.push_back(std::move(identity));
    }
    // A body input or ret string, renamed into the flat graph.
    auto rename = [&](const std::string& input, std::string_view consumer) -> StatusOr<std::string> {
      auto error = [&](std::string_view why) {
        return InvalidArgumentError(in_function + ": input '" + input + "' of '" + std::string(consumer) + "' " +
                                    std::string(why));
      };
      if (input.starts_with('^')) {
        const std::string_view node = std::string_view(input).substr(1);
        if (!body.contains(node) && !is_arg.contains(node)) return error("names no node of the function");
        return "^" + prefix + std::string(node);
      }
      const size_t first = input.find(':');
      if (first == std::string::npos) {
        if (!is_arg.contains(input)) return error("names no argument of the function");
        return prefix + input;
      }
      const size_t second = input.find(':', first + 1);
      if (second == std::string::npos) return error("is not node:output_arg:index");
      const std::string_view node_name = std::string_view(input).substr(0, first);
      const std::string_view out_arg = std::string_view(input).substr(first + 1, second - first - 1);
      const std::string_view digits = std::string_view(input).substr(second + 1);
      const auto node = body.find(node_name);
      if (node == body.end()) return error("names no node of the function");
      int index = 0;
      for (const char c : digits) {
        if (c < '0' || c > '9' || index > 1'000'000) return error("has a malformed output index");
        index = index * 10 + (c - '0');
      }
      if (digits.empty()) return error("has a malformed output index");
      StatusOr<int> offset = OutputOffset(*node->second, out_arg);
      if (!offset.ok()) return offset.status().WithContext(in_function);
      index += *offset;
      return prefix + std::string(node_name) + ":" + std::to_string(index);
    };
    for (const tensorflow::NodeDef& node : function.node_def()) {
      Pending inlined{.node = node, .frame = frame};
      inlined.node.set_name(prefix + node.name());
      inlined.node.clear_input();
      for (const std::string& input : node.input()) {
        TFCOMPAT_ASSIGN_OR_RETURN(std::string renamed, rename(input, node.name()));
        inlined.node.add_input(std::move(renamed));
      }
      if (node.input().empty() && !control_inputs.empty()) {
        // A body node with no inputs (a Const) still runs after the call's
        // control inputs, as in TF, where the whole call waits for them.
        for (const std::string& control : control_inputs) inlined.node.add_input(control);
      }
      work_.push_back(std::move(inlined));
    }
    // The call node itself: its outputs are the function's results.
    Pending results{.node = {}, .frame = pending.frame};
    results.node.set_name(call.name());
    tensorflow::AttrValue types;
    for (const tensorflow::OpDef::ArgDef& arg : signature.output_arg()) {
      const auto ret = function.ret().find(arg.name());
      if (ret == function.ret().end()) {
        return InvalidArgumentError(in_function + ": the function returns no tensor for '" + arg.name() + "'");
      }
      TFCOMPAT_ASSIGN_OR_RETURN(std::string renamed, rename(ret->second, "ret " + arg.name()));
      results.node.add_input(std::move(renamed));
      types.mutable_list()->add_type(arg.type());
    }
    for (const auto& [unused, node] : function.control_ret()) {
      TFCOMPAT_ASSIGN_OR_RETURN(std::string renamed, rename("^" + node, "control_ret"));
      results.node.add_input(std::move(renamed));
    }
    if (signature.output_arg().empty()) {
      results.node.set_op("NoOp");
    } else {
      results.node.set_op("IdentityN");
      (*results.node.mutable_attr())["T"] = std::move(types);
    }
    work_.push_back(std::move(results));
    return OkStatus();
  }

  const tensorflow::GraphDef& graph_;
  const int max_nodes_;
  std::unordered_map<std::string_view, const tensorflow::FunctionDef*> functions_;
  std::vector<Frame> frames_;
  std::vector<Pending> work_;
};

}  // namespace

StatusOr<std::optional<tensorflow::GraphDef>> InlineFunctions(const tensorflow::GraphDef& graph, int max_nodes) {
  bool calls = false;
  for (const tensorflow::NodeDef& node : graph.node()) calls = calls || IsCall(node.op());
  if (!calls) return std::optional<tensorflow::GraphDef>();
  TFCOMPAT_ASSIGN_OR_RETURN(tensorflow::GraphDef flat, Inliner(graph, max_nodes).Run());
  return std::optional<tensorflow::GraphDef>(std::move(flat));
}

}  // namespace tfcompat::saved_model
