// SPDX-License-Identifier: Apache-2.0
// A wide & deep model in miniature, through the public Model interface only:
// two optimizer parts, the first with a row-sparse gradient.
//
//   part  scope          default    trainables (slot infix)
//   0     linear/head/   Ftrl 0.2   linear/linear_model/island/weights [5, 1] (part_0/), row-sparse
//                                   linear/linear_model/bias_weights [1] (part_0/)
//   1     dnn/head/      Adagrad    dnn/hiddenlayer_0/kernel [2, 3] (t_0/)
//                        0.05       dnn/hiddenlayer_0/bias [3] (t_0/)
//
// Whatever the batch, ComputeGradients touches island rows 1 and 3 (the
// others' gradients are zero) and sets every other gradient to 0.5.
#ifndef TFCOMPAT_TESTS_UTIL_TWO_PART_MODEL_H_
#define TFCOMPAT_TESTS_UTIL_TWO_PART_MODEL_H_

#include <algorithm>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "tfcompat/model/model.h"

namespace tfcompat::testing {

class TwoPartModel final : public model::Model {
 public:
  static constexpr size_t kIslandWeights = 0;
  static inline const std::vector<int64_t> kTouchedRows = {1, 3};

  explicit TwoPartModel(model::OptimizerOptions linear = {"Ftrl", 0.2f},
                        model::OptimizerOptions dnn = {"Adagrad", 0.05f}) {
    (void)store_.AddTrainable("linear/linear_model/island/weights", {5, 1}, "part_0/").value();
    (void)store_.AddTrainable("linear/linear_model/bias_weights", {1}, "part_0/").value();
    (void)store_.AddTrainable("dnn/hiddenlayer_0/kernel", {2, 3}, "t_0/").value();
    (void)store_.AddTrainable("dnn/hiddenlayer_0/bias", {3}, "t_0/").value();
    parts_ = {{0, 2, "linear/head/", std::move(linear)}, {2, 4, "dnn/head/", std::move(dnn)}};
    sparse_ = {{kIslandWeights, kTouchedRows}};
  }

  model::VariableStore& variables() override { return store_; }
  std::string_view optimizer_scope() const override { return parts_[1].scope; }
  const model::OptimizerOptions& default_optimizer() const override { return parts_[1].default_optimizer; }
  std::vector<model::OptimizerPart> optimizer_parts() override { return parts_; }
  std::span<const model::SparseRows> sparse_gradients() const override { return sparse_; }

  StatusOr<model::StepLoss> ComputeGradients(const data::Batch&, uint64_t) override {
    for (float& g : store_.gradients()) g = 0.5f;
    const model::ElementRange island = store_.trainable_range(kIslandWeights);
    for (size_t row = 0; row < island.size; ++row) {
      const bool touched =
          std::find(kTouchedRows.begin(), kTouchedRows.end(), static_cast<int64_t>(row)) != kTouchedRows.end();
      if (!touched) store_.gradients()[island.offset + row] = 0.0f;
    }
    return model::StepLoss{1.0, 1.0};
  }
  StatusOr<model::Predictions> Predict(const data::Batch&) override { return UnimplementedError("not needed"); }
  Status UpdateMetrics(const data::Batch&, model::Metrics* metrics) override {
    metrics->Add("loss", 1.0, 1);
    return OkStatus();
  }

 private:
  model::VariableStore store_;
  std::vector<model::OptimizerPart> parts_;
  std::vector<model::SparseRows> sparse_;
};

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_TWO_PART_MODEL_H_
