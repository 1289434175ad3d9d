// SPDX-License-Identifier: Apache-2.0
// Streaming metrics against tf.compat.v1.metrics: known answers computed by
// TensorFlow 2.15 (graph mode, the update ops run once per batch).
#include <boost/test/unit_test.hpp>
#include <span>
#include <utility>
#include <vector>

#include "tfcompat/model/model.h"

namespace tfcompat::model {
namespace {

// Exactly 0 and 1, two values that sit exactly on thresholds (1/199 and
// 100/199 in float32: not above them), and a spread in between.
const std::vector<float> kPredictions = {
    0.0f, 1.0f, 0.5f, 0.25f, 0.75f, static_cast<float>(1.0 / 199), static_cast<float>(100.0 / 199),
    0.9f, 0.1f, 0.6f, 0.4f,  0.33f};
const std::vector<float> kLabels = {0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0};

std::span<const float> Slice(const std::vector<float>& v, size_t begin, size_t end) {
  return std::span<const float>(v).subspan(begin, end - begin);
}

BOOST_AUTO_TEST_SUITE(MetricsTest)

BOOST_AUTO_TEST_CASE(AucOfTwoBatchesIsTensorFlows) {
  // tf.compat.v1.metrics.auc(labels, predictions[, curve='PR']) updated with
  // the first 5 examples, then the other 7: 0.9166665 (ROC), 0.9047618 (PR).
  Metrics metrics;
  for (const auto& [begin, end] : {std::pair<size_t, size_t>{0, 5}, std::pair<size_t, size_t>{5, 12}}) {
    metrics.AddAuc("auc", AucCurve::kRoc, Slice(kPredictions, begin, end), Slice(kLabels, begin, end));
    metrics.AddAuc("auc_precision_recall", AucCurve::kPrecisionRecall, Slice(kPredictions, begin, end),
                   Slice(kLabels, begin, end));
  }
  const auto result = metrics.Result();
  // TF sums in float32: its last digit is not ours.
  BOOST_TEST(result.at("auc") == 0.9166665, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(result.at("auc_precision_recall") == 0.9047618, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(AucWithoutNegativesIsTensorFlows) {
  // No negatives: every false positive rate is 0, so the ROC area is 0; the
  // PR area is 0.99999976 (TF, the first 4 predictions, all labels 1).
  const std::vector<float> ones(4, 1.0f);
  Metrics metrics;
  metrics.AddAuc("roc", AucCurve::kRoc, Slice(kPredictions, 0, 4), ones);
  metrics.AddAuc("pr", AucCurve::kPrecisionRecall, Slice(kPredictions, 0, 4), ones);
  const auto result = metrics.Result();
  BOOST_TEST(result.at("roc") == 0.0);
  BOOST_TEST(result.at("pr") == 0.99999976, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(AucIsIndependentOfBatching) {
  Metrics whole, one_by_one;
  whole.AddAuc("auc", AucCurve::kRoc, kPredictions, kLabels);
  for (size_t i = 0; i < kPredictions.size(); ++i) {
    one_by_one.AddAuc("auc", AucCurve::kRoc, Slice(kPredictions, i, i + 1), Slice(kLabels, i, i + 1));
  }
  BOOST_TEST(whole.Result().at("auc") == one_by_one.Result().at("auc"));
}

BOOST_AUTO_TEST_CASE(AccuracyBaselineIsTheCommonerClassShare) {
  Metrics metrics;
  metrics.AddAccuracyBaseline("accuracy_baseline", Slice(kLabels, 0, 5));  // 3 of 5 positive
  BOOST_TEST(metrics.Result().at("accuracy_baseline") == 0.6, boost::test_tools::tolerance(1e-12));
  metrics.AddAccuracyBaseline("accuracy_baseline", std::vector<float>(5, 0.0f));  // 3 of 10
  BOOST_TEST(metrics.Result().at("accuracy_baseline") == 0.7, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(RatioWithNothingCountedIsZero) {
  // tf.compat.v1.metrics.precision with no positive prediction.
  Metrics metrics;
  metrics.Add("precision", 0, 0);
  metrics.Add("mean", 3, 4);
  BOOST_TEST(metrics.Result().at("precision") == 0.0);
  BOOST_TEST(metrics.Result().at("mean") == 0.75);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::model
