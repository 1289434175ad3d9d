// SPDX-License-Identifier: Apache-2.0
// TF1's input_layer (tf.compat.v1.feature_column.input_layer): the DNN's
// input, per example the dense values of its feature columns side by side,
// the columns sorted by name (feature_column.h has what each kind gives):
//
//   input [B, width] = [ column 0 | column 1 | ... ]
//
// An embedding column owns a variable `<scope><name>/embedding_weights`
// [buckets, dimension]; its gradient is row-sparse (embedding_lookup.h).
#ifndef TFCOMPAT_SRC_MODEL_INPUT_LAYER_H_
#define TFCOMPAT_SRC_MODEL_INPUT_LAYER_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/eigen_types.h"
#include "model/embedding_lookup.h"
#include "tfcompat/feature_column/feature_column.h"
#include "tfcompat/model/model.h"

namespace tfcompat::model {

// A table variable read through an EmbeddingLookup: its place in the store,
// for initialisation and the sparse rows of its gradient.
struct TableVariable {
  size_t variable;  // trainable index
  size_t offset;    // into params()
  int64_t rows;
  int64_t width;
};

class InputLayer {
 public:
  // Adds the embedding variables under `scope` to `store`, their slots
  // named `<var>/<slot_infix><slot>`. INVALID_ARGUMENT (TF's message) for a
  // categorical column that is not bucketized, or two columns of one name.
  [[nodiscard]] static StatusOr<InputLayer> Create(std::vector<feature_column::FeatureColumn> columns,
                                                   std::string_view scope, std::string_view slot_infix,
                                                   VariableStore* store);

  Eigen::Index width() const { return width_; }
  const std::vector<TableVariable>& embeddings() const { return tables_; }

  // The input for a batch into *out ([B, width]).
  [[nodiscard]] Status Forward(const feature_column::FeatureMap& features, int64_t batch_size,
                               std::span<const float> params, Matrix* out);

  // Writes the embeddings' gradients for dL/dinput of the last Forward.
  void Backward(const Matrix& d_input, std::span<float> grads);

  // The touched rows of each embedding in the last Forward.
  void AppendSparseRows(std::vector<SparseRows>* rows) const;

 private:
  struct Column {
    feature_column::FeatureColumn column;
    Eigen::Index first_col;
    int table = -1;  // embedding: index into tables_ and lookups_
  };
  InputLayer() = default;

  std::vector<Column> columns_;
  std::vector<TableVariable> tables_;
  std::vector<EmbeddingLookup> lookups_;
  Eigen::Index width_ = 0;
};

// The columns sorted by name, as input_layer and linear_model order them;
// INVALID_ARGUMENT for an empty list or a repeated name.
[[nodiscard]] StatusOr<std::vector<feature_column::FeatureColumn>> SortedByName(
    std::vector<feature_column::FeatureColumn> columns);

}  // namespace tfcompat::model

#endif  // TFCOMPAT_SRC_MODEL_INPUT_LAYER_H_
