// SPDX-License-Identifier: Apache-2.0
// tf.compat.v1.train.AdagradOptimizer (TF's ApplyAdagrad kernel):
//   accum += grad^2
//   var   -= lr * grad / sqrt(accum)
// Slot "Adagrad" = accum, starting at initial_accumulator_value.
#include "kernels/elementwise.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/model/optimizer.h"

namespace tfcompat::model {
namespace {

class Adagrad final : public Optimizer {
 public:
  Adagrad(float learning_rate, float initial_accumulator_value)
      : lr_(learning_rate), initial_accumulator_(initial_accumulator_value) {}

  Status CreateSlots(VariableStore* store, std::string_view) override {
    TFCOMPAT_ASSIGN_OR_RETURN(accum_slot_, store->AddSlot("Adagrad", initial_accumulator_));
    return OkStatus();
  }

  void Apply(VariableStore* store) override {
    const std::span<float> vars = store->params();
    kernels::AdagradUpdate(vars.size(), store->gradients().data(), store->slot(accum_slot_).data(), vars.data(), lr_);
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
