// SPDX-License-Identifier: Apache-2.0
// GraphBuilder: appends NodeDefs of real TensorFlow ops to a GraphDef
// (internal). Each helper sets the attrs the op has no default for, as TF's
// importer requires; attrs with defaults (MatMul's transpose_a, ArgMax's
// output_type, ...) are left out, as the importer fills them in.
//
// Usage:
//   tensorflow::GraphDef graph;
//   GraphBuilder b(&graph);
//   const std::string x = b.Placeholder("x", tensorflow::DT_FLOAT, {-1, 4});
//   const std::string w = b.Const("w", FloatTensor({4, 3}, weights));
//   const std::string y = b.Op("MatMul", "y", {x, w}).Type("T", tensorflow::DT_FLOAT).name();
#ifndef TFCOMPAT_SRC_SAVED_MODEL_GRAPH_BUILDER_H_
#define TFCOMPAT_SRC_SAVED_MODEL_GRAPH_BUILDER_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "tfcompat/tensorflow/graph.pb.h"
#include "tfcompat/tensorflow/tensor.pb.h"

namespace tfcompat::saved_model {

// A shape with -1 for an unknown dimension.
tensorflow::TensorShapeProto ShapeProto(const std::vector<int64_t>& dims);

// Constant tensors. A single value fills the whole shape, as TF's
// TensorProto allows (zeros of any shape are one float_val).
tensorflow::TensorProto FloatTensor(const std::vector<int64_t>& shape, const std::vector<float>& values);
tensorflow::TensorProto Int32Tensor(const std::vector<int64_t>& shape, const std::vector<int32_t>& values);
tensorflow::TensorProto Int64Tensor(const std::vector<int64_t>& shape, const std::vector<int64_t>& values);
tensorflow::TensorProto StringTensor(const std::vector<int64_t>& shape, const std::vector<std::string>& values);

// One node being filled in; the setters return *this for chaining.
class NodeBuilder {
 public:
  explicit NodeBuilder(tensorflow::NodeDef* node) : node_(node) {}
  NodeBuilder& Type(const char* attr, tensorflow::DataType type);
  NodeBuilder& Types(const char* attr, const std::vector<tensorflow::DataType>& types);
  NodeBuilder& Int(const char* attr, int64_t value);
  NodeBuilder& Floats(const char* attr, const std::vector<float>& values);
  NodeBuilder& Bool(const char* attr, bool value);
  NodeBuilder& String(const char* attr, const std::string& value);
  NodeBuilder& Shape(const char* attr, const std::vector<int64_t>& dims);
  NodeBuilder& Shapes(const char* attr, const std::vector<std::vector<int64_t>>& shapes);
  NodeBuilder& Tensor(const char* attr, tensorflow::TensorProto value);
  // Runs after `op` (an input "^op").
  NodeBuilder& After(const std::string& op);
  const std::string& name() const { return node_->name(); }

 private:
  tensorflow::NodeDef* node_;
};

class GraphBuilder {
 public:
  explicit GraphBuilder(tensorflow::GraphDef* graph) : graph_(graph) {}

  // A node `name` running `op` on `inputs` ("node", "node:1" or "^node").
  NodeBuilder Op(const std::string& op, const std::string& name, std::initializer_list<std::string> inputs = {});
  NodeBuilder Op(const std::string& op, const std::string& name, const std::vector<std::string>& inputs);

  // Common nodes; each returns the node's name.
  std::string Const(const std::string& name, tensorflow::TensorProto value);
  std::string Placeholder(const std::string& name, tensorflow::DataType dtype, const std::vector<int64_t>& shape);
  // A float op with attr T.
  std::string FloatOp(const std::string& op, const std::string& name, std::initializer_list<std::string> inputs);

 private:
  tensorflow::GraphDef* graph_;
};

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_GRAPH_BUILDER_H_
