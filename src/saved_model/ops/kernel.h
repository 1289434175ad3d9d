// SPDX-License-Identifier: Apache-2.0
// What an op needs to run here: its OpSpec (arity, the attributes it
// honours) and, for ops that compute, a factory that reads the NodeDef's
// attributes once at load and returns the OpKernel a run calls.
//
// Ops with no factory (Const, Placeholder, Identity, variables, NoOp) are
// resolved by the planner itself (saved_model/plan.h).
//
// A kernel family registers its ops in one function (array_ops.cc:
// RegisterArrayOps, ...); KernelRegistry::Builtin() holds them all.
//
//   class ReluKernel final : public OpKernel { ... Compute(inputs, outputs) ... };
//   registry->Register({.op = "Relu", .num_inputs = 1, .attrs = {"T"},
//                       .factory = [](const NodeAttrs& attrs) -> StatusOr<std::unique_ptr<OpKernel>> {
//                         TFCOMPAT_RETURN_IF_ERROR(attrs.ExpectType("T", {DataType::kFloat}));
//                         return std::unique_ptr<OpKernel>(new ReluKernel);
//                       }});
#ifndef TFCOMPAT_SRC_SAVED_MODEL_OPS_KERNEL_H_
#define TFCOMPAT_SRC_SAVED_MODEL_OPS_KERNEL_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/tensorflow/node_def.pb.h"

namespace tfcompat::saved_model {

// A planned node's computation. Compute sees the input values in the
// NodeDef's order and fills every output; it keeps no state, so runs on
// several threads may share a kernel. An error is TF's message for the
// failure; the executor prefixes the node.
// A shape as far as it is known before any run: nullopt when even the rank
// is not, -1 for a dimension that is not.
using StaticShape = std::optional<TensorShape>;

class OpKernel {
 public:
  virtual ~OpKernel() = default;
  virtual Status Compute(std::span<const Tensor* const> inputs, std::span<Tensor> outputs) const = 0;
  // The load-time check: from the inputs' static shapes, the outputs' (one
  // per output; fewer, and the rest are unknown), or Compute's error for
  // shapes that cannot go together whatever the run feeds. By default
  // nothing is known and nothing checked.
  virtual StatusOr<std::vector<StaticShape>> StaticShapes(std::span<const StaticShape> /*inputs*/) const {
    return std::vector<StaticShape>();
  }
};

// "[?,4]": TF's way of printing a partly known shape; "<unknown>" for an
// unknown rank.
std::string StaticShapeString(const StaticShape& shape);

// The attributes of one NodeDef, read the way TF's OpKernelConstruction does.
// An attribute left out takes the op's default (exports strip attributes
// equal to their default). Errors are InvalidArgument naming the node.
class NodeAttrs {
 public:
  // `constant_inputs`: per data input, its value when the planner knows it
  // before any run (a Const, a variable), else null; empty when unknown.
  // `max_tensor_bytes`: SavedModel::Options::max_tensor_bytes, the bound on
  // what a kernel whose output size follows from its inputs' values or
  // shapes may allocate (see CheckOutputBytes).
  explicit NodeAttrs(const tensorflow::NodeDef& def, std::vector<const Tensor*> constant_inputs = {},
                     uint64_t max_tensor_bytes = std::numeric_limits<uint64_t>::max())
      : def_(def), constant_inputs_(std::move(constant_inputs)), max_tensor_bytes_(max_tensor_bytes) {}
  const tensorflow::NodeDef& def() const { return def_; }
  uint64_t max_tensor_bytes() const { return max_tensor_bytes_; }
  // Input `index`'s value if it is a constant; Unimplemented naming the node
  // and `what` otherwise (for kernels configured by an input, as
  // ParseExampleV2 by its keys).
  StatusOr<const Tensor*> ConstantInput(size_t index, std::string_view what) const;

  // `default_value` for an attribute left out; without one, missing is an error.
  StatusOr<DataType> Type(std::string_view name, std::optional<DataType> default_value = std::nullopt) const;
  // The type `name`, which must be one of `allowed`: NotFound, TF's "No
  // OpKernel was registered to support Op 'MatMul' used by node 'n' with these
  // attrs: [T=DT_DOUBLE]" otherwise.
  StatusOr<DataType> TypeIn(std::string_view name, std::initializer_list<DataType> allowed,
                            std::optional<DataType> default_value = std::nullopt) const;
  StatusOr<int64_t> Int(std::string_view name, int64_t default_value) const;
  StatusOr<bool> Bool(std::string_view name, bool default_value) const;
  StatusOr<std::string> String(std::string_view name, std::string_view default_value) const;
  // A list(type) or list(shape) attribute; empty when left out. A shape of
  // unknown rank is an error; unknown dimensions are -1.
  StatusOr<std::vector<DataType>> TypeList(std::string_view name) const;
  StatusOr<std::vector<TensorShape>> ShapeList(std::string_view name) const;
  // A list(float) attribute (Bucketize's boundaries); empty when left out.
  StatusOr<std::vector<float>> FloatList(std::string_view name) const;
  // InvalidArgument naming the node and the attribute: its value is one
  // this library does not implement (`what` says which it does).
  Status Unsupported(std::string_view name, std::string_view what) const;
  // An InvalidArgument naming the node.
  Status Error(std::string_view message) const;

 private:
  const tensorflow::AttrValue* Find(std::string_view name) const;
  const tensorflow::NodeDef& def_;
  std::vector<const Tensor*> constant_inputs_;
  uint64_t max_tensor_bytes_;
};

using KernelFactory = std::function<StatusOr<std::unique_ptr<OpKernel>>(const NodeAttrs&)>;

// How many data inputs and outputs a node of the op has.
struct Arity {
  int num_inputs = 0;
  int num_outputs = 1;
};

struct OpSpec {
  std::string_view op;
  // Data inputs; kFromAttrN: as many as the attribute "N" says.
  int num_inputs = 0;
  int num_outputs = 1;
  // Every attribute the op has in TF 2.15's op registry that this library
  // reads or knows to be irrelevant; a NodeDef with another one (a newer
  // op version) is refused. Attributes starting with '_' are TF's
  // annotations and always allowed.
  std::vector<std::string_view> attrs;
  // Null for the ops the planner resolves itself.
  KernelFactory factory;
  // For ops whose counts depend on their attributes (ParseExampleV2):
  // computes them, and num_inputs and num_outputs are not read.
  std::function<StatusOr<Arity>(const NodeAttrs&)> arity = nullptr;
  static constexpr int kFromAttrN = -1;
};

class KernelRegistry {
 public:
  // Every op of this library's kernel families.
  static const KernelRegistry& Builtin();
  void Register(OpSpec spec);
  // Null when the op is not registered.
  const OpSpec* Find(std::string_view op) const;

  // Checks the NodeDef against its op's spec: NotFound TF's "Op type not
  // registered 'X' in binary running on tfcompat ..." for an unknown op,
  // InvalidArgument for an attribute the op does not have or a data input
  // count not its arity. Returns the spec and the node's output count.
  struct Checked {
    const OpSpec* spec;
    int num_outputs;
  };
  StatusOr<Checked> Check(const tensorflow::NodeDef& def) const;

 private:
  std::map<std::string, OpSpec, std::less<>> specs_;
};

// The MatMul kernel `matmul` with the BiasAdd that reads its product, and
// the Relu that reads that when `relu`, folded into its Gemm call (as TF's
// grappler remapper makes _FusedMatMul): inputs a, b, bias; BiasAdd's checks
// and messages. Null when `matmul` is not a MatMul kernel. See Plan::Build.
std::unique_ptr<OpKernel> FuseMatMulBiasAdd(const OpKernel& matmul, bool relu);

// The kernel families (ops/<family>.cc).
void RegisterStructuralOps(KernelRegistry* registry);
void RegisterArrayOps(KernelRegistry* registry);
void RegisterMathOps(KernelRegistry* registry);
void RegisterCwiseOps(KernelRegistry* registry);
void RegisterNnOps(KernelRegistry* registry);
void RegisterStringOps(KernelRegistry* registry);
void RegisterParsingOps(KernelRegistry* registry);
void RegisterLookupOps(KernelRegistry* registry);
void RegisterSparseOps(KernelRegistry* registry);

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_OPS_KERNEL_H_
