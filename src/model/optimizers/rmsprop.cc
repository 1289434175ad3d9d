// SPDX-License-Identifier: Apache-2.0
// tf.compat.v1.train.RMSPropOptimizer (TF's ApplyRMSProp / ApplyCenteredRMSProp):
//   ms  += (grad^2 - ms) * (1 - decay)
//   mg  += (grad - mg) * (1 - decay)                          (centered only)
//   mom  = mom * momentum + lr * grad / sqrt(ms + epsilon)     (not centered)
//   mom  = mom * momentum + lr * grad / sqrt(ms - mg^2 + epsilon)  (centered)
//   var -= mom
// Slots in TF's creation order: "RMSProp" = ms (ones), then "RMSProp_1" = mg
// when centered, then momentum ("RMSProp_1", or "RMSProp_2" when centered).
#include "kernels/eigen_types.h"
#include "kernels/pieces.h"
#include "model/optimizers/part_optimizer.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {
namespace {

using kernels::Piece;
using optimizers_internal::ForEachRunPiece;
using optimizers_internal::PartUpdate;

class RMSProp final : public optimizers_internal::PartOptimizer {
 public:
  RMSProp(float learning_rate, float decay, float momentum, float epsilon, bool centered)
      : PartOptimizer(/*row_updates=*/true),
        lr_(learning_rate),
        decay_(decay),
        momentum_(momentum),
        epsilon_(epsilon),
        centered_(centered) {}

  Status AddSlots(VariableStore* store, const OptimizerPart& part) override {
    const size_t first = part.first_variable, end = part.end_variable;
    TFCOMPAT_ASSIGN_OR_RETURN(ms_slot_, store->AddSlot("RMSProp", 1.0f, first, end));
    if (centered_) {
      TFCOMPAT_ASSIGN_OR_RETURN(mg_slot_, store->AddSlot("RMSProp_1", 0.0f, first, end));
    }
    TFCOMPAT_ASSIGN_OR_RETURN(mom_slot_, store->AddSlot(centered_ ? "RMSProp_2" : "RMSProp_1", 0.0f, first, end));
    return OkStatus();
  }

  void Update(VariableStore* store, const PartUpdate& update) override {
    const std::span<float> mss = store->slot(ms_slot_), moms = store->slot(mom_slot_);
    const std::span<float> mgs = centered_ ? store->slot(mg_slot_) : std::span<float>();
    ForEachRunPiece(update.runs, [&](const Piece& piece) {
      const ConstMapArray grad = piece(update.grads);
      MapArray ms = piece(mss);
      MapArray mom = piece(moms);
      ms += (grad.square() - ms) * (1.0f - decay_);
      if (centered_) {
        MapArray mg = piece(mgs);
        mg += (grad - mg) * (1.0f - decay_);
        mom = mom * momentum_ + lr_ * grad * (ms - mg.square() + epsilon_).rsqrt();
      } else {
        mom = mom * momentum_ + lr_ * grad * (ms + epsilon_).rsqrt();
      }
      piece(update.vars) -= mom;
    });
  }

 private:
  float lr_, decay_, momentum_, epsilon_;
  bool centered_;
  int ms_slot_ = -1, mg_slot_ = -1, mom_slot_ = -1;
};

}  // namespace

std::unique_ptr<Optimizer> NewRMSPropOptimizer(float learning_rate, float decay, float momentum, float epsilon,
                                               bool centered) {
  return std::make_unique<RMSProp>(learning_rate, decay, momentum, epsilon, centered);
}

}  // namespace tfcompat::model
