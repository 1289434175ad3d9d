// SPDX-License-Identifier: Apache-2.0
// Optimizers with TF1's update rules (tf.compat.v1.train.*Optimizer) and
// TF1's slot names, so their state saves and restores by name:
//
//   name               slots (per trainable variable v)        non-slot scalars
//   "SGD"              -                                       -
//   "Adagrad"          v/Adagrad (initial 0.1)                 -
//   "Momentum"         v/Momentum                              -
//   "Adam"             v/Adam (m), v/Adam_1 (v)                <scope>beta1_power, <scope>beta2_power
//   "RMSProp"          v/RMSProp (ms, initial 1), v/RMSProp_1 (mom)
//                      centered: v/RMSProp_1 (mg), v/RMSProp_2 (mom)
//   "Ftrl"             v/Ftrl (accumulator, 0.1), v/Ftrl_1 (linear)
//
// (v/ includes the variable's slot infix, see variables.h.) Each optimizer
// updates the whole parameter block in one elementwise pass.
#ifndef TFCOMPAT_MODEL_OPTIMIZER_H_
#define TFCOMPAT_MODEL_OPTIMIZER_H_

#include <memory>
#include <string>
#include <string_view>

#include "tfcompat/base/status.h"
#include "tfcompat/model/variables.h"

namespace tfcompat::model {

// An optimizer as canned estimators name it: `optimizer='Adagrad'` with the
// canned learning rate; the remaining hyper-parameters take TF1's defaults.
struct OptimizerOptions {
  std::string name = "Adagrad";
  float learning_rate = 0.05f;
  float momentum = 0.9f;  // Momentum: required in TF; 0.9 here. RMSProp: TF's 0.0 is used.
  bool use_nesterov = false;
  bool centered = false;  // RMSProp
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // Adds this optimizer's slots and scalars to `store` (after every
  // trainable variable). `scope` prefixes the non-slot scalars.
  [[nodiscard]] virtual Status CreateSlots(VariableStore* store, std::string_view scope) = 0;

  // One update of store->params() from store->gradients().
  virtual void Apply(VariableStore* store) = 0;
};

// InvalidArgument for an unknown name or a non-positive learning rate.
[[nodiscard]] StatusOr<std::unique_ptr<Optimizer>> NewOptimizer(const OptimizerOptions& options);

// The individual optimizers, with TF1's defaults for what is not given.
std::unique_ptr<Optimizer> NewGradientDescentOptimizer(float learning_rate);
std::unique_ptr<Optimizer> NewAdagradOptimizer(float learning_rate, float initial_accumulator_value = 0.1f);
std::unique_ptr<Optimizer> NewMomentumOptimizer(float learning_rate, float momentum, bool use_nesterov = false);
std::unique_ptr<Optimizer> NewAdamOptimizer(float learning_rate = 0.001f, float beta1 = 0.9f, float beta2 = 0.999f,
                                            float epsilon = 1e-8f);
std::unique_ptr<Optimizer> NewRMSPropOptimizer(float learning_rate, float decay = 0.9f, float momentum = 0.0f,
                                               float epsilon = 1e-10f, bool centered = false);
std::unique_ptr<Optimizer> NewFtrlOptimizer(float learning_rate, float learning_rate_power = -0.5f,
                                            float initial_accumulator_value = 0.1f,
                                            float l1_regularization_strength = 0.0f,
                                            float l2_regularization_strength = 0.0f);

}  // namespace tfcompat::model

#endif  // TFCOMPAT_MODEL_OPTIMIZER_H_
