// SPDX-License-Identifier: Apache-2.0
// Optimizers with TF1's update rules (tf.compat.v1.train.*Optimizer) and
// TF1's slot names, so their state saves and restores by name:
//
//   name               slots (per trainable v of the part)     non-slot scalars
//   "SGD"              -                                       -
//   "Adagrad"          v/Adagrad (initial 0.1)                 -
//   "Momentum"         v/Momentum                              -
//   "Adam"             v/Adam (m), v/Adam_1 (v)                <scope>beta1_power, <scope>beta2_power
//   "RMSProp"          v/RMSProp (ms, initial 1), v/RMSProp_1 (mom)
//                      centered: v/RMSProp_1 (mg), v/RMSProp_2 (mom)
//   "Ftrl"             v/Ftrl (accumulator, 0.1), v/Ftrl_1 (linear)
//
// (v/ includes the variable's slot infix, see variables.h.) An optimizer is
// created for one part of a model's trainables (OptimizerPart: all of them,
// or e.g. the linear or the DNN half of a wide & deep model): it adds slots
// for that part's variables only, its scalars under the part's scope, and
// updates that part only.
//
// Sparse gradients (SparseRows, TF's IndexedSlices): the update runs on the
// touched rows only, values and slots (TF1's _apply_sparse), except Adam,
// whose TF1 _apply_sparse decays m and v of every row and updates every row,
// so Adam stays dense. For Momentum and RMSProp this differs from a dense
// update with zero gradient rows (those would decay their accumulators and
// move); for SGD, Adagrad and Ftrl the numbers are the same (bit for bit with
// the AVX2/AVX-512 Adagrad kernels; Ftrl provided an untouched variable holds
// what its linear slot implies, as a zero-initialised one does), only faster
// for big tables. Runs of consecutive updated elements go through the same
// vectorised elementwise pass as a dense block.
#ifndef TFCOMPAT_MODEL_OPTIMIZER_H_
#define TFCOMPAT_MODEL_OPTIMIZER_H_

#include <cstddef>
#include <memory>
#include <span>
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

// One optimizer's share of a model's trainable variables (Model::optimizer_parts()).
struct OptimizerPart {
  // Trainables [first_variable, end_variable), in the order AddTrainable added them.
  size_t first_variable = 0;
  size_t end_variable = 0;
  std::string scope;  // prefix of this optimizer's non-slot scalars ("dnn/head/")
  OptimizerOptions default_optimizer;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // Adds this optimizer's slots for the part's trainables and its scalars
  // (prefixed by part.scope) to `store`, after every trainable variable, and
  // makes the part the one Apply() updates. Once per optimizer:
  // FailedPrecondition the second time; InvalidArgument for an empty range
  // or one past the store's trainables, or a name already taken.
  [[nodiscard]] virtual Status CreateSlots(VariableStore* store, const OptimizerPart& part) = 0;
  // The same for one part over every trainable, scalars prefixed by `scope`.
  [[nodiscard]] Status CreateSlots(VariableStore* store, std::string_view scope);

  // One update of the part's store->params() from store->gradients(): dense
  // variables entirely, each variable of `sparse` on its rows only (Adam:
  // entirely). `store` is the one given to CreateSlots. InvalidArgument,
  // nothing updated, when store->CheckSparseRows(sparse) fails;
  // FailedPrecondition before CreateSlots.
  [[nodiscard]] virtual Status Apply(VariableStore* store, std::span<const SparseRows> sparse) = 0;
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
