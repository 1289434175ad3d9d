// SPDX-License-Identifier: Apache-2.0
// tf.compat.v1.train.GradientDescentOptimizer: var -= lr * grad. No slots.
#include "kernels/eigen_types.h"
#include "model/optimizers/part_optimizer.h"

namespace tfcompat::model {
namespace {

using optimizers_internal::PartUpdate;
using optimizers_internal::Run;

class GradientDescent final : public optimizers_internal::PartOptimizer {
 public:
  explicit GradientDescent(float learning_rate) : PartOptimizer(/*row_updates=*/true), lr_(learning_rate) {}

  Status AddSlots(VariableStore*, const OptimizerPart&) override { return OkStatus(); }

  void Update(VariableStore*, const PartUpdate& update) override {
    for (const Run& run : update.runs) {
      ViewArray(update.vars.subspan(run.begin, run.size)) -= lr_ * ViewArray(update.grads.subspan(run.begin, run.size));
    }
  }

 private:
  float lr_;
};

}  // namespace

std::unique_ptr<Optimizer> NewGradientDescentOptimizer(float learning_rate) {
  return std::make_unique<GradientDescent>(learning_rate);
}

}  // namespace tfcompat::model
