// SPDX-License-Identifier: Apache-2.0
// GradientAllreduce: sums a training step's gradients over the ranks of a
// data-parallel job, so every rank applies the gradient of the whole batch.
//
// Dense gradients are summed in place in the store's gradient block (one
// all-reduce of the whole block when the model has no sparse gradient).
// Row-sparse ones (Model::sparse_gradients(): embeddings, linear weights of
// categorical columns) are summed over the union of the rows any rank
// touched, and that union is what the optimizers then update, as one process
// with the whole batch would:
//
//   all-gather   every rank's touched rows, per sparse variable
//   pack         dense gradients, then each sparse variable's union rows
//                (zeros for rows this rank did not touch), times `weight`
//   all-reduce   the packed buffer (sums in rank order: reruns are bit-identical)
//   unpack       into the gradient block
#ifndef TFCOMPAT_DISTRIBUTE_GRADIENT_ALLREDUCE_H_
#define TFCOMPAT_DISTRIBUTE_GRADIENT_ALLREDUCE_H_

#include <span>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/distribute/communicator.h"
#include "tfcompat/model/variables.h"

namespace tfcompat::distribute {

class GradientAllreduce {
 public:
  explicit GradientAllreduce(Communicator* communicator) : communicator_(communicator) {}

  // Replaces store->gradients() by the sum over the ranks of each rank's
  // gradients times its `weight` (the share of the batch's loss its
  // examples carry). `local_rows` are this rank's sparse rows; a rank whose
  // share of the batch is empty passes has_examples = false and contributes
  // zeros whatever its gradient block holds. `any_sparse` must be the same on
  // every rank: whether any rank has sparse rows (the rows are gathered only
  // then). InvalidArgument when ranks with examples disagree on which
  // variables have sparse gradients.
  [[nodiscard]] Status Reduce(model::VariableStore* store, std::span<const model::SparseRows> local_rows,
                              bool has_examples, float weight, bool any_sparse);

  // After Reduce: the rows of each sparse variable that any rank touched.
  std::span<const model::SparseRows> sparse_rows() const { return global_rows_; }

  // After the update: zeros the rows of sparse gradients that only other
  // ranks touched. A model keeps the rows it did not touch at zero and
  // clears only its own before the next step (Model::sparse_gradients()),
  // so the sums Reduce wrote into the others' rows must not stay.
  void ClearOthersRows(model::VariableStore* store);

 private:
  // Every rank's rows into global_rows_ (the union per variable).
  [[nodiscard]] Status GatherRows(std::span<const model::SparseRows> local_rows, bool has_examples);

  Communicator* communicator_;
  std::vector<model::SparseRows> global_rows_;
  std::vector<float> packed_;
  // Where the rows only other ranks touched start in the gradient block,
  // and their widths.
  std::vector<size_t> others_rows_;
  std::vector<size_t> others_row_width_;
};

}  // namespace tfcompat::distribute

#endif  // TFCOMPAT_DISTRIBUTE_GRADIENT_ALLREDUCE_H_
