// SPDX-License-Identifier: Apache-2.0
// GraphBuilder: appends ONNX nodes, initializers, inputs and outputs to a
// GraphProto (internal; messages from proto/tfcompat/onnx/onnx.proto). Every
// node has one output, named after the node unless told otherwise; a value
// name defined twice (an input, an initializer or a node's output: ONNX's
// graphs are in SSA form) makes status() an error, so a feature key that
// equals one of the graph's own names is reported rather than written.
//
// Usage:
//   GraphProto graph;
//   GraphBuilder b(&graph);
//   const std::string x = b.Input("x", TensorProto::FLOAT, {kBatch, 4});
//   const std::string w = b.Initializer(FloatTensor("w", {4, 3}, weights));
//   b.Node("MatMul", "layer/MatMul", {x, w}, "y");
//   b.Output("y", TensorProto::FLOAT, {kBatch, 3});
//   TFCOMPAT_RETURN_IF_ERROR(b.status());
#ifndef TFCOMPAT_SRC_ONNX_GRAPH_BUILDER_H_
#define TFCOMPAT_SRC_ONNX_GRAPH_BUILDER_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/onnx/onnx.pb.h"

namespace tfcompat::onnx {

// A dimension of a graph input or output: the batch size, unknown until run
// time; written as the symbolic dimension kBatchDimension.
inline constexpr int64_t kBatch = -1;
inline constexpr char kBatchDimension[] = "batch";

// Initializer and attribute tensors, named `name` ("" for an attribute).
TensorProto FloatTensor(const std::string& name, const std::vector<int64_t>& dims, std::span<const float> values);
TensorProto Int32Tensor(const std::string& name, const std::vector<int64_t>& dims, std::span<const int32_t> values);
TensorProto StringTensor(const std::string& name, const std::vector<int64_t>& dims,
                         std::span<const std::string> values);

// One node being filled in; the setters add an attribute and return *this.
class NodeBuilder {
 public:
  explicit NodeBuilder(NodeProto* node) : node_(node) {}
  NodeBuilder& Int(const char* name, int64_t value);
  NodeBuilder& Float(const char* name, float value);
  NodeBuilder& Tensor(const char* name, TensorProto value);
  // The name of the node's output value.
  const std::string& output() const { return node_->output(0); }

 private:
  NodeProto* node_;
};

class GraphBuilder {
 public:
  explicit GraphBuilder(GraphProto* graph) : graph_(graph) {}

  // A graph input of `elem_type` and `dims` (kBatch for the batch size);
  // returns its name.
  std::string Input(const std::string& name, TensorProto::DataType elem_type, const std::vector<int64_t>& dims);
  // Declares the value `name` (defined by a node) a graph output.
  void Output(const std::string& name, TensorProto::DataType elem_type, const std::vector<int64_t>& dims);
  // Adds `tensor` as an initializer; returns its name.
  std::string Initializer(TensorProto tensor);
  // A node `name` running `op_type` (of the default domain, ai.onnx) on
  // `inputs`; its output value is named `output`, or `name` when empty.
  NodeBuilder Node(const std::string& op_type, const std::string& name, const std::vector<std::string>& inputs,
                   const std::string& output = "");

  // OK, or InvalidArgument naming the first value that was defined twice.
  [[nodiscard]] Status status() const { return status_; }

 private:
  // Records that `by` defines the value `name`.
  void Define(const std::string& name, const std::string& by);

  GraphProto* graph_;
  // Every value defined so far -> what defines it ("graph input 'x'", ...).
  std::map<std::string, std::string> defined_;
  Status status_;
};

}  // namespace tfcompat::onnx

#endif  // TFCOMPAT_SRC_ONNX_GRAPH_BUILDER_H_
