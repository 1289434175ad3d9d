// SPDX-License-Identifier: Apache-2.0
// tf.compat.v1.train.FtrlOptimizer (TF's ApplyFtrl kernel, l2_shrinkage 0):
//   p         = -learning_rate_power            (0.5 by default: sqrt, as TF)
//   new_accum = accum + grad^2
//   linear   += grad - (new_accum^p - accum^p) / lr * var
//   quadratic = new_accum^p / lr + 2 * l2
//   var       = |linear| > l1 ? (clip(linear, -l1, l1) - linear) / quadratic : 0
//   accum     = new_accum
// Slots "Ftrl" = accum (initial_accumulator_value) and "Ftrl_1" = linear (zeros).
#include <cmath>

#include "kernels/eigen_types.h"
#include "kernels/pieces.h"
#include "model/optimizers/part_optimizer.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {
namespace {

using kernels::Piece;
using kernels::PieceArray;
using optimizers_internal::ForEachRunPiece;
using optimizers_internal::PartUpdate;

class Ftrl final : public optimizers_internal::PartOptimizer {
 public:
  Ftrl(float learning_rate, float learning_rate_power, float initial_accumulator_value, float l1, float l2)
      : PartOptimizer(/*row_updates=*/true),
        lr_(learning_rate),
        power_(-learning_rate_power),
        initial_accumulator_(initial_accumulator_value),
        l1_(l1),
        l2_(l2) {}

  Status AddSlots(VariableStore* store, const OptimizerPart& part) override {
    TFCOMPAT_ASSIGN_OR_RETURN(accum_slot_,
                              store->AddSlot("Ftrl", initial_accumulator_, part.first_variable, part.end_variable));
    TFCOMPAT_ASSIGN_OR_RETURN(linear_slot_, store->AddSlot("Ftrl_1", 0.0f, part.first_variable, part.end_variable));
    return OkStatus();
  }

  void Update(VariableStore* store, const PartUpdate& update) override {
    const std::span<float> accums = store->slot(accum_slot_), linears = store->slot(linear_slot_);
    ForEachRunPiece(update.runs, [&](const Piece& piece) {
      const ConstMapArray grad = piece(update.grads);
      MapArray accum = piece(accums);
      MapArray linear = piece(linears);
      MapArray var = piece(update.vars);
      const PieceArray new_accum = accum + grad.square();
      const PieceArray new_accum_pow = Power(new_accum);
      linear += grad - (new_accum_pow - Power(accum)) / lr_ * var;
      const PieceArray quadratic = new_accum_pow / lr_ + 2.0f * l2_;
      var = (linear.abs() > l1_).select((linear.max(-l1_).min(l1_) - linear) / quadratic, 0.0f);
      accum = new_accum;
    });
  }

 private:
  // x^p. For TF1's default p = 0.5, sqrt, as TF's kernel, and std::sqrt's,
  // rounded exactly (Eigen's vectorised sqrt is an estimate refined by a
  // Newton step, while its scalar one is exact): an element then gets the
  // same bits whether Eigen takes it in a vector or alone, and a sparse
  // update of its row the same as a dense one.
  template <typename Array>
  PieceArray Power(const Array& x) const {
    if (power_ == 0.5f) return x.unaryExpr([](float v) { return std::sqrt(v); });
    return x.pow(power_);
  }

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
