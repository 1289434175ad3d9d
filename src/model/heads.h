// SPDX-License-Identifier: Apache-2.0
// TF1 canned heads: from logits and labels to per-example losses, their
// gradient, predictions and head metrics.
//
//   head          logits   loss_b (per example)                        dloss_b/dlogits_b
//   multi-class   [B, n]   logsumexp(z_b) - z_b[y_b] = -log p_b[y_b]    p_b - onehot(y_b)
//   binary        [B, 1]   max(z,0) - z y + log(1 + e^-|z|)            sigmoid(z) - y
//   regression    [B, 1]   (z - y)^2                                   2 (z - y)
#ifndef TFCOMPAT_SRC_MODEL_HEADS_H_
#define TFCOMPAT_SRC_MODEL_HEADS_H_

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kernels/eigen_types.h"
#include "tfcompat/model/model.h"

namespace tfcompat::model {

class Head {
 public:
  virtual ~Head() = default;

  virtual Eigen::Index logits_dimension() const = 0;

  // losses [B] = loss_b; d_logits [B, dim] = dloss_b/dlogits_b. InvalidArgument
  // for a label that is not a valid class id.
  [[nodiscard]] virtual Status Loss(const Matrix& logits, std::span<const float> labels, Eigen::VectorXf* losses,
                                    Matrix* d_logits) const = 0;

  virtual void Predict(const Matrix& logits, Predictions* predictions) const = 0;

  // The head's own metrics (accuracy, prediction/mean, ...); labels valid.
  virtual void UpdateMetrics(const Matrix& logits, std::span<const float> labels, Metrics* metrics) const = 0;
};

// The batch's loss reduced with `reduction` (see model.h), with *losses the
// per-example losses and *d_logits = d(reduced loss)/d(logits).
// InvalidArgument when the batch has not one label per example, or for a
// bad label.
[[nodiscard]] StatusOr<StepLoss> ReducedLoss(const Head& head, const Matrix& logits, const data::Batch& batch,
                                             LossReduction reduction, Eigen::VectorXf* losses, Matrix* d_logits);

// Adds the batch to the evaluation metrics: `loss` (the reduced loss, one
// per batch), `average_loss` (per example) and the head's own.
[[nodiscard]] Status AddEvaluationMetrics(const Head& head, const Matrix& logits, const data::Batch& batch,
                                          LossReduction reduction, Metrics* metrics);

// The classifier head for n_classes (binary for 2); InvalidArgument with
// TF's messages for n_classes < 2 or a vocabulary of another size.
[[nodiscard]] StatusOr<std::unique_ptr<Head>> NewClassifierHead(int n_classes,
                                                                const std::vector<std::string>& vocabulary);

// n_classes > 2. `vocabulary` empty or of size n_classes.
std::unique_ptr<Head> NewMultiClassHead(int n_classes, std::vector<std::string> vocabulary);
// Two classes, one logit. `vocabulary` empty or of size 2.
std::unique_ptr<Head> NewBinaryHead(std::vector<std::string> vocabulary);
std::unique_ptr<Head> NewRegressionHead();

}  // namespace tfcompat::model

#endif  // TFCOMPAT_SRC_MODEL_HEADS_H_
