// SPDX-License-Identifier: Apache-2.0
#include "model/heads.h"

#include <cmath>
#include <utility>

#include "kernels/elementwise.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat::model {
namespace {

// The class id of each label; TF's message for one out of range.
Status ClassIds(std::span<const float> labels, int n_classes, std::vector<int64_t>* ids) {
  ids->resize(labels.size());
  for (size_t b = 0; b < labels.size(); ++b) {
    const float label = labels[b];
    if (!(label >= 0.0f && label < static_cast<float>(n_classes)) || label != std::floor(label)) {
      return InvalidArgumentError("Received a label value of " + std::to_string(label) +
                                  " which is outside the valid range of [0, " + std::to_string(n_classes) +
                                  ").  Label values: " + std::to_string(label) + " (example " + std::to_string(b) +
                                  " of the batch)");
    }
    (*ids)[b] = static_cast<int64_t>(label);
  }
  return OkStatus();
}

std::string ClassName(const std::vector<std::string>& vocabulary, int64_t id) {
  return vocabulary.empty() ? std::to_string(id) : vocabulary[static_cast<size_t>(id)];
}

class MultiClassHead final : public Head {
 public:
  MultiClassHead(int n_classes, std::vector<std::string> vocabulary)
      : n_classes_(n_classes), vocabulary_(std::move(vocabulary)) {}

  Eigen::Index logits_dimension() const override { return n_classes_; }

  Status Loss(const Matrix& logits, std::span<const float> labels, Eigen::VectorXf* losses,
              Matrix* d_logits) const override {
    std::vector<int64_t> ids;
    TFCOMPAT_RETURN_IF_ERROR(ClassIds(labels, n_classes_, &ids));
    // loss_b = -log p_by = logsumexp(z_b) - z_by.
    *losses = Softmax(logits, d_logits);
    for (Eigen::Index b = 0; b < logits.rows(); ++b) {
      const Eigen::Index y = ids[static_cast<size_t>(b)];
      (*losses)(b) -= logits(b, y);
      // dloss_b/dz_bj = p_bj - [j == y_b].
      (*d_logits)(b, y) -= 1.0f;
    }
    return OkStatus();
  }

  void Predict(const Matrix& logits, Predictions* out) const override {
    Matrix probabilities;
    Softmax(logits, &probabilities);
    CopyToRowMajor(probabilities, &out->probabilities);
    for (Eigen::Index b = 0; b < logits.rows(); ++b) {
      Eigen::Index id;
      logits.row(b).maxCoeff(&id);
      out->class_ids.push_back(id);
      out->classes.push_back(ClassName(vocabulary_, id));
    }
  }

  void UpdateMetrics(const Matrix& logits, std::span<const float> labels, Metrics* metrics) const override {
    double correct = 0;
    for (Eigen::Index b = 0; b < logits.rows(); ++b) {
      Eigen::Index id;
      logits.row(b).maxCoeff(&id);
      correct += static_cast<float>(id) == labels[static_cast<size_t>(b)] ? 1 : 0;
    }
    metrics->Add("accuracy", correct, static_cast<double>(logits.rows()));
  }

 private:
  // p = softmax(z) row by row (elementwise.h); returns logsumexp(z_b) for
  // each row.
  static Eigen::VectorXf Softmax(const Matrix& logits, Matrix* p) {
    p->resize(logits.rows(), logits.cols());
    Eigen::VectorXf logsumexp(logits.rows());
    kernels::Softmax(logits.rows(), logits.cols(), logits.data(), p->data(), logsumexp.data());
    return logsumexp;
  }

  int n_classes_;
  std::vector<std::string> vocabulary_;
};

class BinaryHead final : public Head {
 public:
  explicit BinaryHead(std::vector<std::string> vocabulary) : vocabulary_(std::move(vocabulary)) {}

  Eigen::Index logits_dimension() const override { return 1; }

  Status Loss(const Matrix& logits, std::span<const float> labels, Eigen::VectorXf* losses,
              Matrix* d_logits) const override {
    std::vector<int64_t> ids;
    TFCOMPAT_RETURN_IF_ERROR(ClassIds(labels, 2, &ids));
    const auto z = logits.col(0).array();
    const Eigen::ArrayXf y = ConstMapArray(labels.data(), logits.rows());
    // sigmoid_cross_entropy_with_logits: max(z, 0) - z y + log(1 + exp(-|z|)).
    *losses = (z.max(0.0f) - z * y + (-z.abs()).exp().log1p()).matrix();
    // d/dz = sigmoid(z) - y.
    d_logits->resize(logits.rows(), 1);
    d_logits->col(0).array() = z.logistic() - y;
    return OkStatus();
  }

  void Predict(const Matrix& logits, Predictions* out) const override {
    for (Eigen::Index b = 0; b < logits.rows(); ++b) {
      const float p = 1.0f / (1.0f + std::exp(-logits(b, 0)));
      out->logistic.push_back(p);
      out->probabilities.push_back(1.0f - p);
      out->probabilities.push_back(p);
      const int64_t id = logits(b, 0) > 0.0f ? 1 : 0;
      out->class_ids.push_back(id);
      out->classes.push_back(ClassName(vocabulary_, id));
    }
  }

  void UpdateMetrics(const Matrix& logits, std::span<const float> labels, Metrics* metrics) const override {
    double correct = 0, p_sum = 0, y_sum = 0, tp = 0, predicted_positive = 0;
    for (Eigen::Index b = 0; b < logits.rows(); ++b) {
      const double y = labels[static_cast<size_t>(b)];
      const bool positive = logits(b, 0) > 0.0f;
      correct += (positive ? 1.0 : 0.0) == y ? 1 : 0;
      p_sum += 1.0 / (1.0 + std::exp(-static_cast<double>(logits(b, 0))));
      y_sum += y;
      tp += positive && y == 1.0 ? 1 : 0;
      predicted_positive += positive ? 1 : 0;
    }
    const double n = static_cast<double>(logits.rows());
    metrics->Add("accuracy", correct, n);
    metrics->Add("prediction/mean", p_sum, n);
    metrics->Add("label/mean", y_sum, n);
    metrics->Add("precision", tp, predicted_positive);
    metrics->Add("recall", tp, y_sum);
    metrics->AddAccuracyBaseline("accuracy_baseline", labels);
    // The curves over the float32 sigmoid, as TF's `logistic` prediction.
    const Eigen::ArrayXf logistic = logits.col(0).array().logistic();
    const std::span<const float> scores(logistic.data(), static_cast<size_t>(logistic.size()));
    metrics->AddAuc("auc", AucCurve::kRoc, scores, labels);
    metrics->AddAuc("auc_precision_recall", AucCurve::kPrecisionRecall, scores, labels);
  }

 private:
  std::vector<std::string> vocabulary_;
};

class RegressionHead final : public Head {
 public:
  Eigen::Index logits_dimension() const override { return 1; }

  Status Loss(const Matrix& logits, std::span<const float> labels, Eigen::VectorXf* losses,
              Matrix* d_logits) const override {
    const Eigen::ArrayXf diff = logits.col(0).array() - ConstMapArray(labels.data(), logits.rows());
    // loss = (z - y)^2, d/dz = 2 (z - y).
    *losses = diff.square().matrix();
    d_logits->resize(logits.rows(), 1);
    d_logits->col(0).array() = 2.0f * diff;
    return OkStatus();
  }

  void Predict(const Matrix& logits, Predictions* out) const override { CopyToRowMajor(logits, &out->predictions); }

  void UpdateMetrics(const Matrix& logits, std::span<const float> labels, Metrics* metrics) const override {
    const double n = static_cast<double>(logits.rows());
    metrics->Add("prediction/mean", logits.cast<double>().sum(), n);
    metrics->Add("label/mean", ConstMapArray(labels.data(), logits.rows()).cast<double>().sum(), n);
  }
};

}  // namespace

std::unique_ptr<Head> NewMultiClassHead(int n_classes, std::vector<std::string> vocabulary) {
  return std::make_unique<MultiClassHead>(n_classes, std::move(vocabulary));
}
std::unique_ptr<Head> NewBinaryHead(std::vector<std::string> vocabulary) {
  return std::make_unique<BinaryHead>(std::move(vocabulary));
}
std::unique_ptr<Head> NewRegressionHead() { return std::make_unique<RegressionHead>(); }

StatusOr<StepLoss> ReducedLoss(const Head& head, const Matrix& logits, const data::Batch& batch,
                               LossReduction reduction, Eigen::VectorXf* losses, Matrix* d_logits) {
  if (batch.labels.size() != static_cast<size_t>(batch.size)) {
    return InvalidArgumentError("batch of " + std::to_string(batch.size) + " examples has " +
                                std::to_string(batch.labels.size()) + " labels");
  }
  TFCOMPAT_RETURN_IF_ERROR(head.Loss(logits, batch.labels, losses, d_logits));
  const double sum = losses->cast<double>().sum();
  const double n = static_cast<double>(batch.size);
  StepLoss loss{sum, sum / n, reduction};
  if (reduction == LossReduction::kSumOverBatchSize) {
    // loss = sum_b loss_b / B, so every dloss/dlogits_b is divided by B.
    loss.loss = sum / n;
    *d_logits /= static_cast<float>(n);
  }
  return loss;
}

Status AddEvaluationMetrics(const Head& head, const Matrix& logits, const data::Batch& batch, LossReduction reduction,
                            Metrics* metrics) {
  Eigen::VectorXf losses;
  Matrix d_logits;
  TFCOMPAT_ASSIGN_OR_RETURN(const StepLoss loss, ReducedLoss(head, logits, batch, reduction, &losses, &d_logits));
  metrics->Add("loss", loss.loss, 1);
  metrics->Add("average_loss", loss.average_loss * static_cast<double>(batch.size), static_cast<double>(batch.size));
  head.UpdateMetrics(logits, batch.labels, metrics);
  return OkStatus();
}

StatusOr<std::unique_ptr<Head>> NewClassifierHead(int n_classes, const std::vector<std::string>& vocabulary) {
  if (n_classes < 2) {
    return InvalidArgumentError("n_classes must be > 1 for classification: " + std::to_string(n_classes));
  }
  if (!vocabulary.empty() && vocabulary.size() != static_cast<size_t>(n_classes)) {
    return InvalidArgumentError("label_vocabulary size must equal n_classes: " + std::to_string(vocabulary.size()) +
                                " vs " + std::to_string(n_classes));
  }
  if (n_classes == 2) return NewBinaryHead(vocabulary);
  return NewMultiClassHead(n_classes, vocabulary);
}

}  // namespace tfcompat::model
