// SPDX-License-Identifier: Apache-2.0
// tf.compat.v1.train.GradientDescentOptimizer: var -= lr * grad. No slots.
#include "kernels/eigen_types.h"
#include "tfcompat/model/optimizer.h"

namespace tfcompat::model {
namespace {

class GradientDescent final : public Optimizer {
 public:
  explicit GradientDescent(float learning_rate) : lr_(learning_rate) {}

  Status CreateSlots(VariableStore*, std::string_view) override { return OkStatus(); }

  void Apply(VariableStore* store) override {
    ViewArray(store->params()) -= lr_ * ViewArray(std::span<const float>(store->gradients()));
  }

 private:
  float lr_;
};

}  // namespace

std::unique_ptr<Optimizer> NewGradientDescentOptimizer(float learning_rate) {
  return std::make_unique<GradientDescent>(learning_rate);
}

}  // namespace tfcompat::model
