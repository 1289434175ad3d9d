// SPDX-License-Identifier: Apache-2.0
// TF's SummarySaverHook as Estimator.train installs it: after the
// session's first step, a SessionLog START at that global step (the
// restored step + 1); at the first step and then every `save_steps` global
// steps, what the merged summary op of the training graph holds: the Estimator's `loss`, the model's own
// summaries (Model::TrainingSummaries) and, with
// RunConfig::weight_histograms, a histogram of every trainable variable.
#ifndef TFCOMPAT_SRC_ESTIMATOR_SUMMARY_SAVER_HOOK_H_
#define TFCOMPAT_SRC_ESTIMATOR_SUMMARY_SAVER_HOOK_H_

#include <cstdint>
#include <optional>

#include "tfcompat/model/model.h"
#include "tfcompat/model/trainer.h"
#include "tfcompat/summary/summary_writer.h"

namespace tfcompat::estimator {

class SummarySaverHook final : public model::TrainHook {
 public:
  // `save_steps` > 0; `model` and `writer` must outlive the hook.
  SummarySaverHook(int64_t save_steps, bool weight_histograms, model::Model* model, SummaryWriter* writer)
      : save_steps_(save_steps), weight_histograms_(weight_histograms), model_(model), writer_(writer) {}

  [[nodiscard]] Status AfterStep(const model::StepResult& result, bool* request_stop) override;

 private:
  [[nodiscard]] Status WriteSummaries(int64_t step, double loss);

  const int64_t save_steps_;
  const bool weight_histograms_;
  model::Model* model_;
  SummaryWriter* writer_;
  std::optional<int64_t> last_step_;
};

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_SUMMARY_SAVER_HOOK_H_
