// SPDX-License-Identifier: Apache-2.0
// Streaming metrics as tf.compat.v1.metrics computes them.
//
// AUC (metrics_impl.py `auc`, num_thresholds = 200, summation_method =
// 'trapezoidal'): with thresholds
//   t_0 = -1e-7,  t_i = i / 199 (i = 1 .. 198),  t_199 = 1 + 1e-7   (float32)
// an example counts as predicted positive at t_i when prediction > t_i, and
//   tp_i, fp_i, tn_i, fn_i        the confusion counts at t_i
//   recall_i    = (tp_i + e) / (tp_i + fn_i + e)          e = 1e-6
//   fp_rate_i   = fp_i / (fp_i + tn_i + e)
//   precision_i = (tp_i + e) / (tp_i + fp_i + e)
//   ROC: x = fp_rate, y = recall;   PR: x = recall, y = precision
//   auc = sum_{i < 199} (x_i - x_{i+1}) (y_i + y_{i+1}) / 2.
// Instead of TF's four [200] counters we keep, for each k = 0 .. 200, the
// positives and negatives whose prediction exceeds exactly the first k
// thresholds; then tp_i is the positives with k > i, fn_i those with k <= i,
// and likewise fp_i and tn_i for the negatives.
#include <algorithm>
#include <array>
#include <cstddef>

#include "tfcompat/model/model.h"

namespace tfcompat::model {
namespace {

constexpr size_t kNumThresholds = 200;

const std::array<float, kNumThresholds>& AucThresholds() {
  static const std::array<float, kNumThresholds> thresholds = [] {
    std::array<float, kNumThresholds> t;
    // TF builds them as Python floats and makes a float32 constant of them.
    t.front() = static_cast<float>(0.0 - 1e-7);
    for (size_t i = 1; i + 1 < kNumThresholds; ++i) {
      t[i] = static_cast<float>(static_cast<double>(i) / static_cast<double>(kNumThresholds - 1));
    }
    t.back() = static_cast<float>(1.0 + 1e-7);
    return t;
  }();
  return thresholds;
}

double AreaUnderCurve(AucCurve curve, const std::vector<double>& positives, const std::vector<double>& negatives) {
  constexpr double kEpsilon = 1e-6;
  double all_positives = 0, all_negatives = 0;
  for (size_t k = 0; k <= kNumThresholds; ++k) {
    all_positives += positives[k];
    all_negatives += negatives[k];
  }
  // Walk the thresholds upwards; fn and tn gather the examples at or below.
  double fn = 0, tn = 0, area = 0, last_x = 0, last_y = 0;
  for (size_t i = 0; i < kNumThresholds; ++i) {
    fn += positives[i];
    tn += negatives[i];
    const double tp = all_positives - fn, fp = all_negatives - tn;
    const double recall = (tp + kEpsilon) / (tp + fn + kEpsilon);
    double x, y;
    if (curve == AucCurve::kRoc) {
      x = fp / (fp + tn + kEpsilon);
      y = recall;
    } else {
      x = recall;
      y = (tp + kEpsilon) / (tp + fp + kEpsilon);
    }
    if (i > 0) area += (last_x - x) * (last_y + y) / 2.0;
    last_x = x;
    last_y = y;
  }
  return area;
}

}  // namespace

void Metrics::Add(const std::string& name, double numerator, double denominator) {
  auto& ratio = std::get<Ratio>(metrics_.try_emplace(name, Ratio()).first->second);
  ratio.numerator += numerator;
  ratio.denominator += denominator;
}

void Metrics::AddAuc(const std::string& name, AucCurve curve, std::span<const float> predictions,
                     std::span<const float> labels) {
  auto& auc = std::get<Auc>(metrics_
                                .try_emplace(name, Auc{curve, std::vector<double>(kNumThresholds + 1),
                                                       std::vector<double>(kNumThresholds + 1)})
                                .first->second);
  const std::array<float, kNumThresholds>& thresholds = AucThresholds();
  for (size_t b = 0; b < predictions.size(); ++b) {
    // The thresholds strictly below the prediction.
    const size_t k = static_cast<size_t>(std::lower_bound(thresholds.begin(), thresholds.end(), predictions[b]) -
                                         thresholds.begin());
    (labels[b] != 0.0f ? auc.positives : auc.negatives)[k] += 1;
  }
}

void Metrics::AddAccuracyBaseline(const std::string& name, std::span<const float> labels) {
  Ratio& mean = std::get<Baseline>(metrics_.try_emplace(name, Baseline()).first->second).mean;
  for (float label : labels) mean.numerator += label;
  mean.denominator += static_cast<double>(labels.size());
}

std::map<std::string, double> Metrics::Result() const {
  const auto ratio = [](const Ratio& r) { return r.denominator == 0 ? 0.0 : r.numerator / r.denominator; };
  std::map<std::string, double> result;
  for (const auto& [name, metric] : metrics_) {
    if (const auto* r = std::get_if<Ratio>(&metric)) {
      result[name] = ratio(*r);
    } else if (const auto* baseline = std::get_if<Baseline>(&metric)) {
      const double m = ratio(baseline->mean);
      result[name] = std::max(m, 1.0 - m);
    } else {
      const Auc& auc = std::get<Auc>(metric);
      result[name] = AreaUnderCurve(auc.curve, auc.positives, auc.negatives);
    }
  }
  return result;
}

}  // namespace tfcompat::model
