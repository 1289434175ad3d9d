// SPDX-License-Identifier: Apache-2.0
// The columns a model reads, as TF1's tf.feature_column makes them: what the
// DNN's input layer (tf.compat.v1.feature_column.input_layer) turns into
// dense inputs and the linear model (linear_model) into weighted sums. Each
// column reads raw features by key from a batch (a FeatureMap) and creates
// its variables under TensorFlow's names (model.h says where).
//
//   column                      name              input layer: per example      linear model: weights
//   Numeric(key, dimension)     key               the `dimension` values        [dimension, units]
//   Categorical(c)              c.name()          bucketized: one-hot of the    [c.num_buckets(), units],
//                                                 buckets; others an error      one row per id (sparse_combiner)
//   Embedding(c, dimension)     <c>_embedding     the combined rows of          -
//                                                 embedding_weights
//                                                 [c.num_buckets(), dimension]
//   Indicator(c)                <c>_indicator     per bucket, how often (with   [c.num_buckets(), units]
//                                                 a weighted c, the weights)
//                                                 its id occurs
//
// The input layer and the linear model take their columns sorted by name,
// so the DNN's first kernel has the rows of the first column first.
//
// An embedding combines the rows of an example's ids, each times its weight
// (1 unless `c` is weighted), as embedding_lookup_sparse does:
//   kSum    sum_i w_i e[id_i]      kMean  ... / sum_i w_i      kSqrtn  ... / sqrt(sum_i w_i^2)
// and its weights start as TF's truncated_normal_initializer(0, 1/sqrt(dimension)).
// Negative ids (out of a vocabulary without OOV buckets) are dropped; an
// example with no id gives zeros.
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(CategoricalColumn island,
//                             CategoricalColumn::VocabularyList("island", {"Biscoe", "Dream", "Torgersen"}));
//   TFCOMPAT_ASSIGN_OR_RETURN(FeatureColumn bill, FeatureColumn::Numeric("bill_length_mm"));
//   TFCOMPAT_ASSIGN_OR_RETURN(FeatureColumn island_embedding, FeatureColumn::Embedding(island, 2));
//   const std::vector<FeatureColumn> dnn_columns = {bill, island_embedding};
//   TFCOMPAT_ASSIGN_OR_RETURN(ExampleSpec spec, MakeParseExampleSpec(dnn_columns));
#ifndef TFCOMPAT_FEATURE_COLUMN_FEATURE_COLUMN_H_
#define TFCOMPAT_FEATURE_COLUMN_FEATURE_COLUMN_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/data/dataset.h"
#include "tfcompat/data/example.h"
#include "tfcompat/feature_column/categorical_column.h"
#include "tfcompat/feature_column/feature_tensor.h"

namespace tfcompat::feature_column {

// How an embedding (or the linear model) combines the rows of one example's
// ids: TF's combiner 'sum', 'mean' or 'sqrtn'.
enum class Combiner { kSum, kMean, kSqrtn };

// TF's name of a combiner, and back (INVALID_ARGUMENT for another name).
std::string_view CombinerName(Combiner combiner);
[[nodiscard]] StatusOr<Combiner> ParseCombiner(std::string_view name);

// An immutable, cheaply copied column. The factories check their arguments
// as TF's constructors do and return INVALID_ARGUMENT (naming the column)
// where those raise ValueError.
class FeatureColumn {
 public:
  enum class Kind { kNumeric, kCategorical, kEmbedding, kIndicator };

  // numeric_column(key, shape=(dimension,), default_value, normalizer_fn):
  // a float feature with `dimension` values per example; `default_value`
  // fills an example that lacks it when parsing tf.train.Example records;
  // the model reads normalizer_fn(value) (empty: the value itself), which
  // no serving graph can hold (export is UNIMPLEMENTED).
  [[nodiscard]] static StatusOr<FeatureColumn> Numeric(std::string key, int64_t dimension = 1,
                                                       std::optional<float> default_value = std::nullopt,
                                                       std::function<float(float)> normalizer_fn = {});
  // A categorical column as it is: for the linear model (and, bucketized,
  // for the input layer).
  static FeatureColumn Categorical(CategoricalColumn column);
  // embedding_column(categorical_column, dimension, combiner).
  [[nodiscard]] static StatusOr<FeatureColumn> Embedding(CategoricalColumn column, int64_t dimension,
                                                         Combiner combiner = Combiner::kMean);
  // indicator_column(categorical_column).
  static FeatureColumn Indicator(CategoricalColumn column);

  Kind kind() const;
  // TensorFlow's column name (the table above); variables are named by it.
  const std::string& name() const;
  // Numeric: the key of its feature; otherwise empty.
  const std::string& key() const;
  // Values per example in the input layer: numeric `dimension`; embedding
  // `dimension`; indicator and bucketized, the number of buckets.
  int64_t dense_dimension() const;
  std::optional<float> default_value() const;
  // Numeric: its normalizer_fn (empty: identity).
  const std::function<float(float)>& normalizer_fn() const;
  // The categorical column of a non-numeric column; null for a numeric one.
  const CategoricalColumn* categorical() const;
  Combiner combiner() const;

 private:
  struct Impl;
  explicit FeatureColumn(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// One Numeric(key) column per key, in their order: a canned model over
// plain float features. INVALID_ARGUMENT for an empty key.
[[nodiscard]] StatusOr<std::vector<FeatureColumn>> NumericColumns(std::span<const std::string> keys);

// tf.feature_column.make_parse_example_spec: the tf.train.Example features
// the columns read (numeric: FixedLenFeature [dimension] float with its
// default_value; categorical: CategoricalColumn::parse_example_spec).
// INVALID_ARGUMENT when two columns read one key with different specs.
[[nodiscard]] StatusOr<data::ExampleSpec> MakeParseExampleSpec(std::span<const FeatureColumn> columns);

// The raw features of a batch as the columns read them: every typed
// feature (a dense [B, d...] tensor as [B, product of d], a sparse one as
// it is), and every numeric feature as a float [B, 1] tensor.
// INVALID_ARGUMENT when a tensor is malformed or not rank 2 (sparse).
[[nodiscard]] StatusOr<FeatureMap> BatchFeatures(const data::Batch& batch);

// A numeric column's values for a batch of `batch_size` examples: the dense
// float tensor [batch_size, dimension] of its key. INVALID_ARGUMENT naming
// the column when the feature is missing, sparse, not float or of another
// shape.
[[nodiscard]] StatusOr<const FloatTensor*> NumericValues(const FeatureMap& features, const FeatureColumn& column,
                                                         int64_t batch_size);

}  // namespace tfcompat::feature_column

#endif  // TFCOMPAT_FEATURE_COLUMN_FEATURE_COLUMN_H_
