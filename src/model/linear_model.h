// SPDX-License-Identifier: Apache-2.0
// TF1's linear_model (tf.compat.v1.feature_column.linear_model): logits as
// a weighted sum of the feature columns plus a bias, the columns sorted by
// name, each with its own variable `<scope><name>/weights`:
//
//   column                      weights              contribution to logits [B, units]
//   numeric                     [dimension, units]   x W
//   categorical (bucketized,    [buckets, units]     the rows of the example's ids, combined with
//   crossed, weighted...)                            sparse_combiner (embedding_lookup.h)
//   indicator                   [buckets, units]     multi-hot counts W (the same sum)
//
//   logits = sum of the contributions + `<scope>bias_weights` [units]
//
// Every variable starts at zero. A categorical column's gradient is
// row-sparse; an indicator's is dense (TF multiplies a dense tensor), and
// so is a numeric one's.
#ifndef TFCOMPAT_SRC_MODEL_LINEAR_MODEL_H_
#define TFCOMPAT_SRC_MODEL_LINEAR_MODEL_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/eigen_types.h"
#include "model/embedding_lookup.h"
#include "tfcompat/feature_column/feature_column.h"
#include "tfcompat/model/model.h"

namespace tfcompat::model {

class LinearModel {
 public:
  // Adds the weights and the bias under `scope` to `store`, their slots
  // named `<var>/<slot_infix><slot>`. INVALID_ARGUMENT for an embedding
  // column or two columns of one name.
  [[nodiscard]] static StatusOr<LinearModel> Create(std::vector<feature_column::FeatureColumn> columns, int64_t units,
                                                    feature_column::Combiner sparse_combiner, std::string_view scope,
                                                    std::string_view slot_infix, VariableStore* store);

  // Logits [B, units] of a batch into *logits.
  [[nodiscard]] Status Forward(const feature_column::FeatureMap& features, int64_t batch_size,
                               std::span<const float> params, Matrix* logits);

  // Writes every weight's and the bias's gradient for dL/dlogits of the
  // last Forward.
  void Backward(const Matrix& d_logits, std::span<float> grads);

  // The touched rows of each categorical column's weights in the last
  // Forward.
  void AppendSparseRows(std::vector<SparseRows>* rows) const;

  // Where the weights (every column's, consecutive) and the bias lie in the
  // parameter block, for the summaries.
  size_t weights_offset() const { return weights_offset_; }
  size_t weights_size() const { return weights_size_; }
  size_t bias_offset() const { return bias_offset_; }

 private:
  struct Column {
    feature_column::FeatureColumn column;
    size_t variable;  // trainable index of its weights
    size_t offset;    // of its weights
    EmbeddingLookup lookup;
    Matrix numeric;  // numeric: the last Forward's values, normalized
  };
  LinearModel() = default;

  std::vector<Column> columns_;
  int64_t units_ = 0;
  size_t weights_offset_ = 0, weights_size_ = 0, bias_offset_ = 0;
};

}  // namespace tfcompat::model

#endif  // TFCOMPAT_SRC_MODEL_LINEAR_MODEL_H_
