// SPDX-License-Identifier: Apache-2.0
// tf.compat.v1.train.AdamOptimizer (TF's ApplyAdam kernel, then _finish):
//   lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power)
//   m   += (grad - m) * (1 - beta1)
//   v   += (grad^2 - v) * (1 - beta2)
//   var -= lr_t * m / (sqrt(v) + epsilon)
//   beta1_power *= beta1; beta2_power *= beta2
// Slots "Adam" = m and "Adam_1" = v (zeros); non-slot float scalars
// `<scope>beta1_power` = beta1 and `<scope>beta2_power` = beta2 at the start.
#include <cmath>
#include <string>

#include "kernels/eigen_types.h"
#include "kernels/pieces.h"
#include "model/optimizers/part_optimizer.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {
namespace {

using kernels::Piece;
using optimizers_internal::ForEachRunPiece;
using optimizers_internal::PartUpdate;

// Dense also for sparse gradients: TF1's _apply_sparse_shared decays m and
// v of every row and updates every row.
class Adam final : public optimizers_internal::PartOptimizer {
 public:
  Adam(float learning_rate, float beta1, float beta2, float epsilon)
      : PartOptimizer(/*row_updates=*/false), lr_(learning_rate), beta1_(beta1), beta2_(beta2), epsilon_(epsilon) {}

  Status AddSlots(VariableStore* store, const OptimizerPart& part) override {
    TFCOMPAT_ASSIGN_OR_RETURN(m_slot_, store->AddSlot("Adam", 0.0f, part.first_variable, part.end_variable));
    TFCOMPAT_ASSIGN_OR_RETURN(v_slot_, store->AddSlot("Adam_1", 0.0f, part.first_variable, part.end_variable));
    TFCOMPAT_ASSIGN_OR_RETURN(beta1_power_, store->AddScalar(part.scope + "beta1_power", beta1_));
    TFCOMPAT_ASSIGN_OR_RETURN(beta2_power_, store->AddScalar(part.scope + "beta2_power", beta2_));
    return OkStatus();
  }

  void Update(VariableStore* store, const PartUpdate& update) override {
    float& beta1_power = store->scalar(beta1_power_);
    float& beta2_power = store->scalar(beta2_power_);
    const float lr_t = lr_ * std::sqrt(1.0f - beta2_power) / (1.0f - beta1_power);
    const std::span<float> ms = store->slot(m_slot_), vs = store->slot(v_slot_);
    ForEachRunPiece(update.runs, [&](const Piece& piece) {
      const ConstMapArray grad = piece(update.grads);
      MapArray m = piece(ms);
      MapArray v = piece(vs);
      m += (grad - m) * (1.0f - beta1_);
      v += (grad.square() - v) * (1.0f - beta2_);
      piece(update.vars) -= lr_t * m / (v.sqrt() + epsilon_);
    });
    beta1_power *= beta1_;
    beta2_power *= beta2_;
  }

 private:
  float lr_, beta1_, beta2_, epsilon_;
  int m_slot_ = -1, v_slot_ = -1, beta1_power_ = -1, beta2_power_ = -1;
};

}  // namespace

std::unique_ptr<Optimizer> NewAdamOptimizer(float learning_rate, float beta1, float beta2, float epsilon) {
  return std::make_unique<Adam>(learning_rate, beta1, beta2, epsilon);
}

}  // namespace tfcompat::model
