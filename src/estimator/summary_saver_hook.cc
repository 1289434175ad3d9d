// SPDX-License-Identifier: Apache-2.0
#include "estimator/summary_saver_hook.h"

#include <span>
#include <variant>
#include <vector>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::estimator {

Status SummarySaverHook::AfterStep(const model::StepResult& result, bool*) {
  const int64_t step = result.global_step;
  // A session's first step says it started; TensorBoard takes every START
  // after a run's first as a restart and drops the run's values from that
  // step on (RunReader), i.e. what a crashed session wrote after its last
  // checkpoint.
  if (!last_step_) TFCOMPAT_RETURN_IF_ERROR(writer_->AddSessionStart(step));
  if (last_step_ && step < *last_step_ + save_steps_) return OkStatus();
  TFCOMPAT_RETURN_IF_ERROR(WriteSummaries(step, result.loss));
  last_step_ = step;
  return OkStatus();
}

Status SummarySaverHook::WriteSummaries(int64_t step, double loss) {
  TFCOMPAT_RETURN_IF_ERROR(writer_->AddScalar("loss", static_cast<float>(loss), step));
  for (const model::ModelSummary& summary : model_->TrainingSummaries()) {
    if (const float* scalar = std::get_if<float>(&summary.value)) {
      TFCOMPAT_RETURN_IF_ERROR(writer_->AddScalar(summary.tag, *scalar, step));
    } else {
      const auto& values = std::get<std::vector<double>>(summary.value);
      TFCOMPAT_RETURN_IF_ERROR(writer_->AddHistogram(summary.tag, HistogramData::FromValues(values), step));
    }
  }
  if (!weight_histograms_) return OkStatus();
  for (const model::VariableRef& v : model_->variables().ListTrainable()) {
    const auto values = std::get<std::span<float>>(v.values);
    const std::vector<double> widened(values.begin(), values.end());
    TFCOMPAT_RETURN_IF_ERROR(writer_->AddHistogram(v.name, HistogramData::FromValues(widened), step));
  }
  return OkStatus();
}

}  // namespace tfcompat::estimator
