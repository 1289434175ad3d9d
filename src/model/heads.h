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

// n_classes > 2. `vocabulary` empty or of size n_classes.
std::unique_ptr<Head> NewMultiClassHead(int n_classes, std::vector<std::string> vocabulary);
// Two classes, one logit. `vocabulary` empty or of size 2.
std::unique_ptr<Head> NewBinaryHead(std::vector<std::string> vocabulary);
std::unique_ptr<Head> NewRegressionHead();

}  // namespace tfcompat::model

#endif  // TFCOMPAT_SRC_MODEL_HEADS_H_
