// SPDX-License-Identifier: Apache-2.0
// tf.compat.v1.train.AdagradOptimizer (TF's ApplyAdagrad kernel):
//   accum += grad^2
//   var   -= lr * grad / sqrt(accum)
// Slot "Adagrad" = accum, starting at initial_accumulator_value.
#include "kernels/elementwise.h"
#include "model/optimizers/part_optimizer.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {
namespace {

using optimizers_internal::PartUpdate;
using optimizers_internal::Run;

class Adagrad final : public optimizers_internal::PartOptimizer {
 public:
  Adagrad(float learning_rate, float initial_accumulator_value)
      : PartOptimizer(/*row_updates=*/true), lr_(learning_rate), initial_accumulator_(initial_accumulator_value) {}

  Status AddSlots(VariableStore* store, const OptimizerPart& part) override {
    TFCOMPAT_ASSIGN_OR_RETURN(accum_slot_,
                              store->AddSlot("Adagrad", initial_accumulator_, part.first_variable, part.end_variable));
    return OkStatus();
  }

  void Update(VariableStore* store, const PartUpdate& update) override {
    float* const accum = store->slot(accum_slot_).data();
    for (const Run& run : update.runs) {
      kernels::AdagradUpdate(run.size, update.grads.data() + run.begin, accum + run.begin,
                             update.vars.data() + run.begin, lr_);
    }
  }

 private:
  float lr_;
  float initial_accumulator_;
  int accum_slot_ = -1;
};

}  // namespace

std::unique_ptr<Optimizer> NewAdagradOptimizer(float learning_rate, float initial_accumulator_value) {
  return std::make_unique<Adagrad>(learning_rate, initial_accumulator_value);
}

}  // namespace tfcompat::model
