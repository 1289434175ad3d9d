// SPDX-License-Identifier: Apache-2.0
#include "onnx/graph_builder.h"

#include <utility>

namespace tfcompat::onnx {
namespace {

TensorProto TensorOf(const std::string& name, TensorProto::DataType type, const std::vector<int64_t>& dims) {
  TensorProto tensor;
  tensor.set_name(name);
  tensor.set_data_type(type);
  for (const int64_t dim : dims) tensor.add_dims(dim);
  return tensor;
}

ValueInfoProto ValueInfo(const std::string& name, TensorProto::DataType elem_type, const std::vector<int64_t>& dims) {
  ValueInfoProto info;
  info.set_name(name);
  TypeProto::Tensor* tensor = info.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(elem_type);
  TensorShapeProto* shape = tensor->mutable_shape();
  for (const int64_t dim : dims) {
    if (dim == kBatch) {
      shape->add_dim()->set_dim_param(kBatchDimension);
    } else {
      shape->add_dim()->set_dim_value(dim);
    }
  }
  return info;
}

}  // namespace

TensorProto FloatTensor(const std::string& name, const std::vector<int64_t>& dims, std::span<const float> values) {
  TensorProto tensor = TensorOf(name, TensorProto::FLOAT, dims);
  tensor.mutable_float_data()->Add(values.begin(), values.end());
  return tensor;
}

TensorProto Int32Tensor(const std::string& name, const std::vector<int64_t>& dims, std::span<const int32_t> values) {
  TensorProto tensor = TensorOf(name, TensorProto::INT32, dims);
  tensor.mutable_int32_data()->Add(values.begin(), values.end());
  return tensor;
}

TensorProto StringTensor(const std::string& name, const std::vector<int64_t>& dims,
                         std::span<const std::string> values) {
  TensorProto tensor = TensorOf(name, TensorProto::STRING, dims);
  for (const std::string& value : values) tensor.add_string_data(value);
  return tensor;
}

NodeBuilder& NodeBuilder::Int(const char* name, int64_t value) {
  AttributeProto* attribute = node_->add_attribute();
  attribute->set_name(name);
  attribute->set_type(AttributeProto::INT);
  attribute->set_i(value);
  return *this;
}

NodeBuilder& NodeBuilder::Float(const char* name, float value) {
  AttributeProto* attribute = node_->add_attribute();
  attribute->set_name(name);
  attribute->set_type(AttributeProto::FLOAT);
  attribute->set_f(value);
  return *this;
}

NodeBuilder& NodeBuilder::Tensor(const char* name, TensorProto value) {
  AttributeProto* attribute = node_->add_attribute();
  attribute->set_name(name);
  attribute->set_type(AttributeProto::TENSOR);
  *attribute->mutable_t() = std::move(value);
  return *this;
}

std::string GraphBuilder::Input(const std::string& name, TensorProto::DataType elem_type,
                                const std::vector<int64_t>& dims) {
  Define(name, "graph input '" + name + "'");
  *graph_->add_input() = ValueInfo(name, elem_type, dims);
  return name;
}

void GraphBuilder::Output(const std::string& name, TensorProto::DataType elem_type, const std::vector<int64_t>& dims) {
  *graph_->add_output() = ValueInfo(name, elem_type, dims);
}

std::string GraphBuilder::Initializer(TensorProto tensor) {
  Define(tensor.name(), "initializer '" + tensor.name() + "'");
  *graph_->add_initializer() = std::move(tensor);
  return graph_->initializer(graph_->initializer_size() - 1).name();
}

NodeBuilder GraphBuilder::Node(const std::string& op_type, const std::string& name,
                               const std::vector<std::string>& inputs, const std::string& output) {
  NodeProto* node = graph_->add_node();
  node->set_name(name);
  node->set_op_type(op_type);
  for (const std::string& input : inputs) node->add_input(input);
  node->add_output(output.empty() ? name : output);
  Define(node->output(0), "node " + name);
  return NodeBuilder(node);
}

void GraphBuilder::Define(const std::string& name, const std::string& by) {
  const auto [it, inserted] = defined_.emplace(name, by);
  if (!inserted && status_.ok()) {
    status_ = InvalidArgumentError("the ONNX graph's value '" + name + "' would be defined twice: by " + it->second +
                                   " and by " + by);
  }
}

}  // namespace tfcompat::onnx
