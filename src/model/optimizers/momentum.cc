// SPDX-License-Identifier: Apache-2.0
// tf.compat.v1.train.MomentumOptimizer (TF's ApplyMomentum kernel):
//   accum = accum * momentum + grad
//   var  -= lr * accum                              (use_nesterov = false)
//   var  -= lr * grad + lr * momentum * accum        (use_nesterov = true)
// Slot "Momentum" = accum, starting at zero.
#include "kernels/eigen_types.h"
#include "kernels/pieces.h"
#include "model/optimizers/part_optimizer.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {
namespace {

using kernels::Piece;
using optimizers_internal::ForEachRunPiece;
using optimizers_internal::PartUpdate;

class Momentum final : public optimizers_internal::PartOptimizer {
 public:
  Momentum(float learning_rate, float momentum, bool use_nesterov)
      : PartOptimizer(/*row_updates=*/true), lr_(learning_rate), momentum_(momentum), use_nesterov_(use_nesterov) {}

  Status AddSlots(VariableStore* store, const OptimizerPart& part) override {
    TFCOMPAT_ASSIGN_OR_RETURN(accum_slot_, store->AddSlot("Momentum", 0.0f, part.first_variable, part.end_variable));
    return OkStatus();
  }

  void Update(VariableStore* store, const PartUpdate& update) override {
    const std::span<float> accums = store->slot(accum_slot_);
    ForEachRunPiece(update.runs, [&](const Piece& piece) {
      const ConstMapArray grad = piece(update.grads);
      MapArray accum = piece(accums);
      MapArray var = piece(update.vars);
      accum = accum * momentum_ + grad;
      if (use_nesterov_) {
        var -= grad * lr_ + accum * (momentum_ * lr_);
      } else {
        var -= lr_ * accum;
      }
    });
  }

 private:
  float lr_;
  float momentum_;
  bool use_nesterov_;
  int accum_slot_ = -1;
};

}  // namespace

std::unique_ptr<Optimizer> NewMomentumOptimizer(float learning_rate, float momentum, bool use_nesterov) {
  return std::make_unique<Momentum>(learning_rate, momentum, use_nesterov);
}

}  // namespace tfcompat::model
