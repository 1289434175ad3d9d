// SPDX-License-Identifier: Apache-2.0
// Streaming evaluation metrics, as TF's tf.compat.v1.metrics accumulate them:
// means and ratios (accuracy, precision, recall), the area under the ROC and
// precision-recall curves, and the accuracy baseline of TF1's binary head.
//
// Usage:
//   const std::vector<float> probabilities = {0.9f, 0.2f, 0.6f, 0.4f};
//   const std::vector<float> labels = {1, 0, 0, 1};
//   Metrics metrics;  // one batch of 4 examples, 2 of them right
//   metrics.Add("accuracy", /*numerator=*/2, /*denominator=*/4);
//   metrics.AddAuc("auc", AucCurve::kRoc, probabilities, labels);
//   std::map<std::string, double> values = metrics.Result();
#ifndef TFCOMPAT_MODEL_METRICS_H_
#define TFCOMPAT_MODEL_METRICS_H_

#include <map>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace tfcompat::model {

// The curves tf.compat.v1.metrics.auc integrates.
enum class AucCurve { kRoc, kPrecisionRecall };

// Streaming evaluation metrics, accumulated batch by batch as TF's metric
// variables are, and read once at the end. A name keeps the kind of metric
// it was first added as.
class Metrics {
 public:
  // name -> sum(numerator) / sum(denominator): tf.compat.v1.metrics.mean,
  // accuracy, precision, recall.
  void Add(const std::string& name, double numerator, double denominator);
  // tf.compat.v1.metrics.auc with the defaults TF1's binary head uses: 200
  // thresholds, trapezoidal summation. `predictions` in [0, 1], `labels`
  // 0 or 1, one per example.
  void AddAuc(const std::string& name, AucCurve curve, std::span<const float> predictions,
              std::span<const float> labels);
  // TF1's accuracy_baseline: max(m, 1 - m) for m the mean of the 0/1
  // `labels`, the accuracy of always predicting the commoner class.
  void AddAccuracyBaseline(const std::string& name, std::span<const float> labels);

  // Every metric's value (0 for a ratio whose denominator is 0, as TF's
  // precision with no positive prediction).
  std::map<std::string, double> Result() const;

 private:
  struct Ratio {
    double numerator = 0;
    double denominator = 0;
  };
  struct Baseline {
    Ratio mean;
  };
  // Examples by how many of the thresholds their prediction exceeds.
  struct Auc {
    AucCurve curve;
    std::vector<double> positives;
    std::vector<double> negatives;
  };
  std::map<std::string, std::variant<Ratio, Baseline, Auc>> metrics_;
};

}  // namespace tfcompat::model

#endif  // TFCOMPAT_MODEL_METRICS_H_
