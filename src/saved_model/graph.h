// SPDX-License-Identifier: Apache-2.0
// Graph: a GraphDef with every node's inputs resolved to node indices, and
// the pruning that picks, in dependency order, the nodes some outputs need.
//
// Input strings are TF's: "node" (output 0), "node:2", "^node" (a control
// input: run before, no value). The walks are iterative, so a crafted
// graph of any depth cannot exhaust the stack.
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(Graph graph, Graph::Build(meta_graph.graph_def()));
//   TFCOMPAT_ASSIGN_OR_RETURN(TensorRef logits, graph.FindTensor("dnn/logits/BiasAdd:0"));
//   TFCOMPAT_ASSIGN_OR_RETURN(TensorRef x, graph.FindTensor("x:0"));
//   TFCOMPAT_ASSIGN_OR_RETURN(std::vector<int> order, graph.Prune({logits.node}, {x.node}));
#ifndef TFCOMPAT_SRC_SAVED_MODEL_GRAPH_H_
#define TFCOMPAT_SRC_SAVED_MODEL_GRAPH_H_

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/tensorflow/graph.pb.h"

namespace tfcompat::saved_model {

// One output of a node.
struct TensorRef {
  int node = -1;
  int output = 0;
  friend bool operator==(const TensorRef&, const TensorRef&) = default;
};

struct GraphNode {
  // Points into the GraphDef given to Build, which must outlive the Graph.
  const tensorflow::NodeDef* def = nullptr;
  std::vector<TensorRef> inputs;
  std::vector<int> control_inputs;
};

class Graph {
 public:
  // Resolves every input of every node. InvalidArgument "Node 'a' is not
  // unique" for a repeated name, "Node 'b': Unknown input node 'a'" for an
  // input naming no node (TF's graph importer's wording), and for a
  // malformed input string.
  static StatusOr<Graph> Build(const tensorflow::GraphDef& def);

  int num_nodes() const { return static_cast<int>(nodes_.size()); }
  const GraphNode& node(int index) const { return nodes_[index]; }
  // The node's name, for messages.
  const std::string& name(int index) const { return nodes_[index].def->name(); }

  // The tensor "node:output" (or "node", output 0). NotFound naming the
  // tensor when there is no such node.
  StatusOr<TensorRef> FindTensor(std::string_view tensor_name) const;

  // The nodes `fetches` depend on through data and control inputs, each after
  // every node it depends on; the nodes in `feeds` are in the result but
  // their inputs are not followed (their values come from outside).
  // InvalidArgument "Graph has a cycle at node 'a' ..." when the nodes
  // reached depend on themselves.
  StatusOr<std::vector<int>> Prune(std::span<const int> fetches, std::span<const int> feeds) const;

 private:
  std::vector<GraphNode> nodes_;
  std::unordered_map<std::string_view, int> by_name_;
};

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_GRAPH_H_
