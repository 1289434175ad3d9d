// SPDX-License-Identifier: Apache-2.0
// tf.compat.v1.train.FtrlOptimizer (TF's ApplyFtrl kernel, l2_shrinkage 0):
//   p         = -learning_rate_power            (0.5 by default)
//   new_accum = accum + grad^2
//   linear   += grad - (new_accum^p - accum^p) / lr * var
//   quadratic = new_accum^p / lr + 2 * l2
//   var       = |linear| > l1 ? (clip(linear, -l1, l1) - linear) / quadratic : 0
//   accum     = new_accum
// Slots "Ftrl" = accum (initial_accumulator_value) and "Ftrl_1" = linear (zeros).
#include "kernels/eigen_types.h"
#include "kernels/pieces.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/model/optimizer.h"

namespace tfcompat::model {
namespace {

using kernels::ForEachPiece;
using kernels::Piece;
using kernels::PieceArray;

class Ftrl final : public Optimizer {
 public:
  Ftrl(float learning_rate, float learning_rate_power, float initial_accumulator_value, float l1, float l2)
      : lr_(learning_rate),
        power_(-learning_rate_power),
        initial_accumulator_(initial_accumulator_value),
        l1_(l1),
        l2_(l2) {}

  Status CreateSlots(VariableStore* store, std::string_view) override {
    TFCOMPAT_ASSIGN_OR_RETURN(accum_slot_, store->AddSlot("Ftrl", initial_accumulator_));
    TFCOMPAT_ASSIGN_OR_RETURN(linear_slot_, store->AddSlot("Ftrl_1", 0.0f));
    return OkStatus();
  }

  void Apply(VariableStore* store) override {
    const std::span<const float> grads = store->gradients();
    const std::span<float> accums = store->slot(accum_slot_), linears = store->slot(linear_slot_),
                           vars = store->params();
    ForEachPiece(vars.size(), [&](const Piece& piece) {
      const ConstMapArray grad = piece(grads);
      MapArray accum = piece(accums);
      MapArray linear = piece(linears);
      MapArray var = piece(vars);
      const PieceArray new_accum = accum + grad.square();
      const PieceArray new_accum_pow = new_accum.pow(power_);
      linear += grad - (new_accum_pow - accum.pow(power_)) / lr_ * var;
      const PieceArray quadratic = new_accum_pow / lr_ + 2.0f * l2_;
      var = (linear.abs() > l1_).select((linear.max(-l1_).min(l1_) - linear) / quadratic, 0.0f);
      accum = new_accum;
    });
  }

 private:
  float lr_, power_, initial_accumulator_, l1_, l2_;
  int accum_slot_ = -1, linear_slot_ = -1;
};

}  // namespace

std::unique_ptr<Optimizer> NewFtrlOptimizer(float learning_rate, float learning_rate_power,
                                            float initial_accumulator_value, float l1_regularization_strength,
                                            float l2_regularization_strength) {
  return std::make_unique<Ftrl>(learning_rate, learning_rate_power, initial_accumulator_value,
                                l1_regularization_strength, l2_regularization_strength);
}

}  // namespace tfcompat::model
