// tf.compat.v1.train.GradientDescentOptimizer: var -= lr * grad. No slots.
#include "estimator/eigen_types.h"
#include "tfcompat/estimator/optimizer.h"

namespace tfcompat::estimator {
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

}  // namespace tfcompat::estimator
