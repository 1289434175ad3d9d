// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/model/optimizer.h"

#include <cmath>
#include <string>

namespace tfcompat::model {

StatusOr<std::unique_ptr<Optimizer>> NewOptimizer(const OptimizerOptions& options) {
  const float lr = options.learning_rate;
  if (!(lr > 0.0f) || !std::isfinite(lr)) {
    return InvalidArgumentError("learning_rate must be positive, got " + std::to_string(lr));
  }
  const std::string& name = options.name;
  if (name == "SGD") return NewGradientDescentOptimizer(lr);
  if (name == "Adagrad") return NewAdagradOptimizer(lr);
  if (name == "Momentum") return NewMomentumOptimizer(lr, options.momentum, options.use_nesterov);
  if (name == "Adam") return NewAdamOptimizer(lr);
  if (name == "RMSProp") return NewRMSPropOptimizer(lr, 0.9f, 0.0f, 1e-10f, options.centered);
  if (name == "Ftrl") return NewFtrlOptimizer(lr);
  return InvalidArgumentError("Unsupported optimizer name: " + name +
                              ". Supported names are: Adagrad, Adam, Ftrl, Momentum, RMSProp, SGD");
}

}  // namespace tfcompat::model
