// SPDX-License-Identifier: Apache-2.0
// The base of the optimizers: an optimizer of one OptimizerPart, which turns
// dense and sparse gradients into runs of consecutive elements to update.
//
// A dense part is one run over its whole block, so a one-part model updates
// exactly as an elementwise pass over the parameter block; a sparse variable
// adds one run per touched row (row width elements), merged with its
// neighbours when they touch.
#ifndef TFCOMPAT_SRC_MODEL_OPTIMIZERS_PART_OPTIMIZER_H_
#define TFCOMPAT_SRC_MODEL_OPTIMIZERS_PART_OPTIMIZER_H_

#include <cstddef>
#include <span>
#include <vector>

#include "kernels/pieces.h"
#include "tfcompat/model/optimizer.h"

namespace tfcompat::model::optimizers_internal {

// Elements [begin, begin + size) of a part: of PartUpdate's vars and grads,
// and of each of the optimizer's slot blocks.
struct Run {
  size_t begin;
  size_t size;
};

// What one Apply() updates.
struct PartUpdate {
  std::span<float> vars;         // the part's params()
  std::span<const float> grads;  // the part's gradients()
  std::span<const Run> runs;     // ordered, disjoint, within the part
};

// Calls update(piece) for cache-sized pieces (pieces.h) covering the runs,
// each piece within one run; piece.begin is relative to the part.
template <typename Update>
void ForEachRunPiece(std::span<const Run> runs, Update&& update) {
  for (const Run& run : runs) {
    kernels::ForEachPiece(run.size, [&](const kernels::Piece& piece) {
      update(kernels::Piece{run.begin + piece.begin, piece.size});
    });
  }
}

class PartOptimizer : public Optimizer {
 public:
  using Optimizer::CreateSlots;
  [[nodiscard]] Status CreateSlots(VariableStore* store, const OptimizerPart& part) final;
  [[nodiscard]] Status Apply(VariableStore* store, std::span<const SparseRows> sparse) final;

 protected:
  // `row_updates`: a sparse gradient updates its rows only (false: Adam).
  explicit PartOptimizer(bool row_updates) : row_updates_(row_updates) {}

  // Adds the slot blocks over [part.first_variable, part.end_variable) and
  // the scalars under part.scope.
  [[nodiscard]] virtual Status AddSlots(VariableStore* store, const OptimizerPart& part) = 0;
  // Updates the runs; slot blocks are indexed like update.vars.
  virtual void Update(VariableStore* store, const PartUpdate& update) = 0;

 private:
  const bool row_updates_;
  bool created_ = false;
  size_t first_variable_ = 0;
  size_t end_variable_ = 0;
  // Reused from step to step, so a step allocates nothing.
  std::vector<Run> runs_;
  std::vector<const std::vector<int64_t>*> rows_of_;  // per variable of the part; null: dense
};

}  // namespace tfcompat::model::optimizers_internal

#endif  // TFCOMPAT_SRC_MODEL_OPTIMIZERS_PART_OPTIMIZER_H_
