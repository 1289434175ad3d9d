// SPDX-License-Identifier: Apache-2.0
#include "saved_model/graph.h"

#include <charconv>
#include <utility>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::saved_model {
namespace {

struct ParsedInput {
  std::string_view node;
  int output = 0;
  bool control = false;
};

// "^a" -> control input a; "a:3" -> output 3 of a; "a" -> output 0 of a.
StatusOr<ParsedInput> ParseInput(std::string_view input, std::string_view consumer) {
  ParsedInput parsed;
  if (input.starts_with('^')) {
    parsed.control = true;
    parsed.node = input.substr(1);
  } else if (const size_t colon = input.rfind(':'); colon != std::string_view::npos) {
    parsed.node = input.substr(0, colon);
    const std::string_view digits = input.substr(colon + 1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed.output);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || parsed.output < 0) {
      return InvalidArgumentError("Node '" + std::string(consumer) + "': malformed input '" + std::string(input) +
                                  "' (expected node, node:output or ^node)");
    }
  } else {
    parsed.node = input;
  }
  if (parsed.node.empty()) {
    return InvalidArgumentError("Node '" + std::string(consumer) + "': malformed input '" + std::string(input) +
                                "' (empty node name)");
  }
  return parsed;
}

}  // namespace

StatusOr<Graph> Graph::Build(const tensorflow::GraphDef& def) {
  Graph graph;
  graph.nodes_.reserve(def.node_size());
  for (const tensorflow::NodeDef& node : def.node()) {
    if (!graph.by_name_.emplace(node.name(), graph.num_nodes()).second) {
      return InvalidArgumentError("Node '" + node.name() + "' is not unique");
    }
    graph.nodes_.emplace_back().def = &node;
  }
  for (GraphNode& node : graph.nodes_) {
    for (const std::string& input : node.def->input()) {
      TFCOMPAT_ASSIGN_OR_RETURN(const ParsedInput parsed, ParseInput(input, node.def->name()));
      const auto source = graph.by_name_.find(parsed.node);
      if (source == graph.by_name_.end()) {
        return InvalidArgumentError("Node '" + node.def->name() + "': Unknown input node '" + std::string(input) + "'");
      }
      if (parsed.control) {
        node.control_inputs.push_back(source->second);
      } else {
        node.inputs.push_back({source->second, parsed.output});
      }
    }
  }
  return graph;
}

StatusOr<TensorRef> Graph::FindTensor(std::string_view tensor_name) const {
  TFCOMPAT_ASSIGN_OR_RETURN(const ParsedInput parsed, ParseInput(tensor_name, tensor_name));
  const auto found = by_name_.find(parsed.node);
  if (parsed.control || found == by_name_.end()) {
    return NotFoundError("The tensor '" + std::string(tensor_name) + "' is not in the graph");
  }
  return TensorRef{found->second, parsed.output};
}

StatusOr<std::vector<int>> Graph::Prune(std::span<const int> fetches, std::span<const int> feeds) const {
  enum class Mark : char { kNew, kOnStack, kDone };
  std::vector<Mark> marks(nodes_.size(), Mark::kNew);
  std::vector<bool> fed(nodes_.size(), false);
  for (const int feed : feeds) fed[feed] = true;
  std::vector<int> order;
  // Depth-first, postorder, on an explicit stack: (node, next input to visit).
  std::vector<std::pair<int, size_t>> stack;
  for (const int fetch : fetches) {
    if (marks[fetch] != Mark::kNew) continue;
    stack.emplace_back(fetch, 0);
    marks[fetch] = Mark::kOnStack;
    while (!stack.empty()) {
      auto& [index, next] = stack.back();
      const GraphNode& node = nodes_[index];
      const size_t num_inputs = fed[index] ? 0 : node.inputs.size() + node.control_inputs.size();
      if (next == num_inputs) {
        marks[index] = Mark::kDone;
        order.push_back(index);
        stack.pop_back();
        continue;
      }
      const int input =
          next < node.inputs.size() ? node.inputs[next].node : node.control_inputs[next - node.inputs.size()];
      ++next;
      if (marks[input] == Mark::kOnStack) {
        return InvalidArgumentError("Graph has a cycle at node '" + name(input) + "': it depends on itself through '" +
                                    name(index) + "'");
      }
      if (marks[input] == Mark::kNew) {
        marks[input] = Mark::kOnStack;
        stack.emplace_back(input, 0);
      }
    }
  }
  return order;
}

}  // namespace tfcompat::saved_model
