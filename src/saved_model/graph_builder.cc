// SPDX-License-Identifier: Apache-2.0
#include "saved_model/graph_builder.h"

#include <utility>

namespace tfcompat::saved_model {

tensorflow::TensorShapeProto ShapeProto(const std::vector<int64_t>& dims) {
  tensorflow::TensorShapeProto shape;
  for (const int64_t dim : dims) shape.add_dim()->set_size(dim);
  return shape;
}

namespace {

tensorflow::TensorProto TensorOf(tensorflow::DataType dtype, const std::vector<int64_t>& shape) {
  tensorflow::TensorProto tensor;
  tensor.set_dtype(dtype);
  *tensor.mutable_tensor_shape() = ShapeProto(shape);
  return tensor;
}

}  // namespace

tensorflow::TensorProto FloatTensor(const std::vector<int64_t>& shape, const std::vector<float>& values) {
  tensorflow::TensorProto tensor = TensorOf(tensorflow::DT_FLOAT, shape);
  for (const float v : values) tensor.add_float_val(v);
  return tensor;
}

tensorflow::TensorProto Int32Tensor(const std::vector<int64_t>& shape, const std::vector<int32_t>& values) {
  tensorflow::TensorProto tensor = TensorOf(tensorflow::DT_INT32, shape);
  for (const int32_t v : values) tensor.add_int_val(v);
  return tensor;
}

tensorflow::TensorProto Int64Tensor(const std::vector<int64_t>& shape, const std::vector<int64_t>& values) {
  tensorflow::TensorProto tensor = TensorOf(tensorflow::DT_INT64, shape);
  for (const int64_t v : values) tensor.add_int64_val(v);
  return tensor;
}

tensorflow::TensorProto StringTensor(const std::vector<int64_t>& shape, const std::vector<std::string>& values) {
  tensorflow::TensorProto tensor = TensorOf(tensorflow::DT_STRING, shape);
  for (const std::string& v : values) tensor.add_string_val(v);
  return tensor;
}

NodeBuilder& NodeBuilder::Type(const char* attr, tensorflow::DataType type) {
  (*node_->mutable_attr())[attr].set_type(type);
  return *this;
}

NodeBuilder& NodeBuilder::Types(const char* attr, const std::vector<tensorflow::DataType>& types) {
  tensorflow::AttrValue::ListValue* list = (*node_->mutable_attr())[attr].mutable_list();
  for (const tensorflow::DataType type : types) list->add_type(type);
  return *this;
}

NodeBuilder& NodeBuilder::Int(const char* attr, int64_t value) {
  (*node_->mutable_attr())[attr].set_i(value);
  return *this;
}

NodeBuilder& NodeBuilder::Floats(const char* attr, const std::vector<float>& values) {
  tensorflow::AttrValue::ListValue* list = (*node_->mutable_attr())[attr].mutable_list();
  for (const float value : values) list->add_f(value);
  return *this;
}

NodeBuilder& NodeBuilder::Bool(const char* attr, bool value) {
  (*node_->mutable_attr())[attr].set_b(value);
  return *this;
}

NodeBuilder& NodeBuilder::String(const char* attr, const std::string& value) {
  (*node_->mutable_attr())[attr].set_s(value);
  return *this;
}

NodeBuilder& NodeBuilder::Shape(const char* attr, const std::vector<int64_t>& dims) {
  *(*node_->mutable_attr())[attr].mutable_shape() = ShapeProto(dims);
  return *this;
}

NodeBuilder& NodeBuilder::Shapes(const char* attr, const std::vector<std::vector<int64_t>>& shapes) {
  tensorflow::AttrValue::ListValue* list = (*node_->mutable_attr())[attr].mutable_list();
  for (const std::vector<int64_t>& dims : shapes) *list->add_shape() = ShapeProto(dims);
  return *this;
}

NodeBuilder& NodeBuilder::Tensor(const char* attr, tensorflow::TensorProto value) {
  *(*node_->mutable_attr())[attr].mutable_tensor() = std::move(value);
  return *this;
}

NodeBuilder& NodeBuilder::After(const std::string& op) {
  node_->add_input("^" + op);
  return *this;
}

NodeBuilder GraphBuilder::Op(const std::string& op, const std::string& name,
                             std::initializer_list<std::string> inputs) {
  return Op(op, name, std::vector<std::string>(inputs));
}

NodeBuilder GraphBuilder::Op(const std::string& op, const std::string& name, const std::vector<std::string>& inputs) {
  tensorflow::NodeDef* node = graph_->add_node();
  node->set_name(name);
  node->set_op(op);
  for (const std::string& input : inputs) node->add_input(input);
  return NodeBuilder(node);
}

std::string GraphBuilder::Const(const std::string& name, tensorflow::TensorProto value) {
  const tensorflow::DataType dtype = value.dtype();
  return Op("Const", name).Tensor("value", std::move(value)).Type("dtype", dtype).name();
}

std::string GraphBuilder::Placeholder(const std::string& name, tensorflow::DataType dtype,
                                      const std::vector<int64_t>& shape) {
  return Op("Placeholder", name).Type("dtype", dtype).Shape("shape", shape).name();
}

std::string GraphBuilder::FloatOp(const std::string& op, const std::string& name,
                                  std::initializer_list<std::string> inputs) {
  return Op(op, name, inputs).Type("T", tensorflow::DT_FLOAT).name();
}

}  // namespace tfcompat::saved_model
