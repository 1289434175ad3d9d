// SPDX-License-Identifier: Apache-2.0
// Plan: one signature of a checked graph, made ready to run.
//
// Build prunes the graph to what the signature's outputs need (stopping at
// its inputs), checks every node reached against the KernelRegistry, and
// turns the nodes into slots and steps:
//   Const, a variable (VariableV2, or VarHandleOp read by ReadVariableOp)
//       a slot holding a tensor the plan owns (or the restored value);
//   HashTableV2
//       a slot no run fills: LookupTableFindV2 and LookupTableSizeV2 of it
//       are steps whose kernels read the table the init op filled;
//   Identity, Snapshot, StopGradient, PlaceholderWithDefault (unfed)
//       the slot of their input, no step;
//   a fed Placeholder
//       a slot the run fills from its inputs;
//   anything else
//       a step: the kernel its factory built from the NodeDef, its input
//       slots, and as many fresh slots as the op has outputs.
//       A node whose inputs are all constants or variables is computed
//       once at load (TF's constant folding): its outputs are constants.
//       A MatMul read only by a BiasAdd (itself read only by a Relu, or
//       not) becomes one step, the three in one Gemm call (as TF's grappler
//       remapper makes _FusedMatMul).
// Each slot carries its shape as far as it is known at load (a feed's from
// the signature, a constant's or variable's in full, a step's from its
// kernel's StaticShapes), so that shapes no feed could reconcile (weights of
// the wrong size) fail the load naming the node.
// Run points the feeds at the inputs and calls the steps in order: no graph
// work. A run's slot table and the steps' outputs live in a Workspace the
// plan keeps for the next run (one per concurrent caller), and the kernels
// write into the outputs they made the run before (Tensor::Reset), so a
// warm run of the same shapes allocates nothing but what it returns.
// Kernels are pure functions of their inputs, so a step whose inputs are
// what they were in the workspace's last run keeps its outputs without
// running, and a Shape step does so when its input's shape is unchanged:
// the batch-size arithmetic of a serving graph (Shape, StridedSlice, Pack,
// Tile of the class ids) runs once per batch size, not once per call.
#ifndef TFCOMPAT_SRC_SAVED_MODEL_PLAN_H_
#define TFCOMPAT_SRC_SAVED_MODEL_PLAN_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "saved_model/graph.h"
#include "saved_model/ops/kernel.h"
#include "saved_model/ops/lookup_ops.h"
#include "saved_model/variables.h"
#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/saved_model/saved_model_reader.h"

namespace tfcompat::saved_model {

// HashTableV2 node index -> its contents (see tables.h).
using TableValues = std::unordered_map<int, LookupTable>;

class Plan {
 public:
  // Plans `signature` (its inputs' and outputs' tensor names resolved in
  // `graph`). `variables` and `tables` must outlive the plan. Errors name the node:
  // the registry's (unknown op, attribute, arity), the kernel factories'
  // (dtype, attribute value), an output index past the op's outputs, a
  // Placeholder the outputs need but the signature does not feed, a variable
  // the restore op left uninitialized, a table the init op left empty (TF's
  // "Table not initialized."), static shapes that cannot go together.
  static StatusOr<std::unique_ptr<Plan>> Build(const Graph& graph, const KernelRegistry& registry,
                                               const VariableValues& variables, const TableValues& tables,
                                               const SignatureInfo& signature, uint64_t max_tensor_bytes);

  // One tensor per output key, assigned into `outputs` (whose tensors'
  // buffers are reused; keys the signature has not are erased); see
  // SavedModel::Run.
  Status Run(const std::map<std::string, Tensor>& inputs, std::map<std::string, Tensor>* outputs) const;

  // How many kernel calls a run makes.
  size_t num_steps() const { return steps_.size(); }

 private:
  struct Step {
    std::unique_ptr<OpKernel> kernel;
    std::string op;
    // Reads only its input's shape (Shape).
    bool reads_shape_only = false;
    // "node 'dnn/logits/MatMul' (MatMul)", for errors.
    std::string label;
    std::vector<int> inputs;
    int first_output = 0;
    int num_outputs = 0;
    // Where its outputs go in a run's values, which hold the steps' outputs
    // only (not one tensor per slot: most slots are constants).
    int first_value = 0;
  };
  // What one run works in: per slot, the tensor it reads; the steps'
  // outputs (holding the last run's values and buffers); a step's inputs.
  // Per slot, whether its value (or shape) is the one it had in the last
  // run, which `reusable` says finished.
  struct Workspace {
    std::vector<const Tensor*> slots;
    std::vector<Tensor> values;
    std::vector<const Tensor*> step_inputs;
    std::vector<uint8_t> same_value, same_shape;
    // The shapes of the feeds and of the steps' outputs in the last run.
    std::vector<TensorShape> feed_shapes, value_shapes;
    bool reusable = false;
  };
  // A workspace no run is using, or a new one; and its return.
  std::unique_ptr<Workspace> AcquireWorkspace() const;
  void ReleaseWorkspace(std::unique_ptr<Workspace> workspace) const;
  Status RunIn(Workspace* workspace, const std::map<std::string, Tensor>& inputs,
               std::map<std::string, Tensor>* outputs) const;

  struct Feed {
    std::string key;
    int slot = -1;
    SignatureTensor expected;
  };

  Plan() = default;
  // The MatMul + BiasAdd (+ Relu) fusion of the class comment.
  void FuseDenseLayers();

  std::vector<Step> steps_;
  // The steps' outputs, in all.
  int num_values_ = 0;
  std::vector<Feed> feeds_;
  // Output key -> the slot it copies (the steps' outputs stay in the
  // workspace, buffers and all, for the next run).
  std::map<std::string, int> fetches_;
  // Per slot: the tensor it holds before any step runs (constants,
  // variables), null for those a run fills.
  std::vector<const Tensor*> initial_slots_;
  // The constants; a deque, so the pointers above stay valid as it grows.
  std::deque<Tensor> constants_;
  mutable std::mutex workspaces_mutex_;
  mutable std::vector<std::unique_ptr<Workspace>> idle_workspaces_;
};

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_PLAN_H_
