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
// Each slot carries its shape as far as it is known at load (a feed's from
// the signature, a constant's or variable's in full, a step's from its
// kernel's StaticShapes), so that shapes no feed could reconcile (weights of
// the wrong size) fail the load naming the node.
// Run copies the slot table, points the feeds at the inputs and calls the
// steps in order: no graph work; what it allocates is the slot table and
// the kernels' outputs.
#ifndef TFCOMPAT_SRC_SAVED_MODEL_PLAN_H_
#define TFCOMPAT_SRC_SAVED_MODEL_PLAN_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
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

  // One tensor per output key; see SavedModel::Run.
  StatusOr<std::map<std::string, Tensor>> Run(const std::map<std::string, Tensor>& inputs) const;

  // How many kernel calls a run makes.
  size_t num_steps() const { return steps_.size(); }

 private:
  struct Step {
    std::unique_ptr<OpKernel> kernel;
    // "node 'dnn/logits/MatMul' (MatMul)", for errors.
    std::string label;
    std::vector<int> inputs;
    int first_output = 0;
    int num_outputs = 0;
    // Where its outputs go in a run's values, which hold the steps' outputs
    // only (not one tensor per slot: most slots are constants).
    int first_value = 0;
  };
  struct Feed {
    std::string key;
    int slot = -1;
    SignatureTensor expected;
  };

  Plan() = default;

  std::vector<Step> steps_;
  // The steps' outputs, in all.
  int num_values_ = 0;
  std::vector<Feed> feeds_;
  struct Fetch {
    int slot = -1;
    // The run value to move out (a step's output no other key fetches),
    // else -1: copied.
    int value = -1;
  };
  // Output key -> where its tensor is.
  std::map<std::string, Fetch> fetches_;
  // Per slot: the tensor it holds before any step runs (constants,
  // variables), null for those a run fills.
  std::vector<const Tensor*> initial_slots_;
  // The constants; a deque, so the pointers above stay valid as it grows.
  std::deque<Tensor> constants_;
};

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_PLAN_H_
