// SPDX-License-Identifier: Apache-2.0
// The serving graph of a model over feature columns (internal): from the
// tf.train.Example features ParseExampleV2 gives to the logits, computing
// every column with TensorFlow ops exactly as the model computes it in C++
// (feature_column.h, categorical_column.h):
//
//   column kind       ops (per column, under its scope)
//   hash bucket       [AsString] -> StringToHashBucketFast (Fingerprint64 % buckets)
//   vocabulary        Equal against the keys -> ArgMax, out of vocabulary
//                     num_oov_buckets: size + StringToHashBucketFast, else default_value
//   identity          the values; out of range -> default_value (SelectV2)
//   bucketized        Bucketize -> OneHot (dense: one-hot per value)
//   crossed           SparseCross (hashed_output, num_buckets, hash_key) over
//                     the keys' sparse tensors, in key order
//   weighted          the inner column's ids with the weight feature's values
//   embedding /       safe_embedding_lookup_sparse: ids >= 0 (and weights > 0)
//   linear weights    kept (Where, GatherV2) -> GatherV2 rows [* weights] ->
//                     UnsortedSegmentSum by example -> / sum w (mean) or
//                     / sqrt(sum w^2) (sqrtn) with DivNoNan (empty rows: 0)
//   indicator         ScatterNd of 1 (or the weight) at [example, id]
//   numeric           the parsed [-1, dimension] values
//
// The input layer concatenates the DNN's columns (sorted by name) and the
// linear model sums its columns' products and the bias, as the model does.
// Variables are read by their names (the SavedModel's VariableV2 nodes).
#ifndef TFCOMPAT_SRC_ESTIMATOR_FEATURE_COLUMN_GRAPH_H_
#define TFCOMPAT_SRC_ESTIMATOR_FEATURE_COLUMN_GRAPH_H_

#include <map>
#include <string>
#include <vector>

#include "saved_model/graph_builder.h"
#include "tfcompat/data/example.h"
#include "tfcompat/feature_column/feature_column.h"

namespace tfcompat::estimator {

// One parsed feature in the graph: a dense tensor, or a sparse one.
struct GraphFeature {
  std::string dense;  // float [-1, dimension]; empty for a sparse feature
  std::string indices, values, dense_shape;
  tensorflow::DataType dtype = tensorflow::DT_FLOAT;
};
using GraphFeatures = std::map<std::string, GraphFeature>;

// Adds ParseExampleV2 of `examples` (string [-1]) with `spec` (keys sorted,
// as parse_example orders them) under the scope "ParseExample".
GraphFeatures AddParseExample(const data::ExampleSpec& spec, const std::string& examples, saved_model::GraphBuilder* b);

class FeatureColumnGraph {
 public:
  // `batch_size` is an int64 scalar node: the number of examples.
  FeatureColumnGraph(saved_model::GraphBuilder* b, const GraphFeatures& features, std::string batch_size)
      : b_(*b), features_(features), batch_size_(std::move(batch_size)) {}

  // The DNN's input [-1, width]:
  // dnn/input_from_feature_columns/input_layer/concat.
  std::string InputLayer(const std::vector<feature_column::FeatureColumn>& columns);

  // The linear model's logits [-1, units] (bias included).
  std::string LinearLogits(const std::vector<feature_column::FeatureColumn>& columns,
                           feature_column::Combiner sparse_combiner);

 private:
  // A categorical column's ids as a SparseTensor; weights empty when unweighted.
  struct SparseIdsGraph {
    std::string indices, ids, dense_shape, weights;
  };
  SparseIdsGraph Ids(const feature_column::CategoricalColumn& column, const std::string& scope);
  // A raw VarLenFeature as it was parsed.
  SparseIdsGraph RawSparse(const std::string& key);
  std::string AsStringIfInt(const std::string& values, tensorflow::DataType dtype, const std::string& name);
  // Bucketized: the one-hot [-1, dimension * (boundaries + 1)] of its buckets.
  std::string OneHotBuckets(const feature_column::CategoricalColumn& column, const std::string& scope);
  // The ids' rows of `table` combined per example: [-1, width].
  std::string Lookup(const SparseIdsGraph& ids, const std::string& table, feature_column::Combiner combiner,
                     const std::string& scope);
  // Counts (or weights) of each id per example: [-1, buckets].
  std::string MultiHot(const SparseIdsGraph& ids, int64_t buckets, const std::string& scope);
  // The entries of `ids` whose id >= 0 (and weight > 0): the ids, the
  // example of each, and its weight (1 when unweighted).
  struct ValidIds {
    std::string ids, rows, weights;
    bool weighted = false;
  };
  ValidIds Valid(const SparseIdsGraph& ids, const std::string& scope);
  std::string ExpandDims(const std::string& name, const std::string& input, tensorflow::DataType dtype, int dim);
  std::string Const64(const std::string& name, std::vector<int64_t> values, std::vector<int64_t> shape);
  std::string Gather(const std::string& name, const std::string& params, const std::string& indices,
                     tensorflow::DataType dtype);

  saved_model::GraphBuilder& b_;
  const GraphFeatures& features_;
  std::string batch_size_;
};

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_FEATURE_COLUMN_GRAPH_H_
