// SPDX-License-Identifier: Apache-2.0
#include "estimator/feature_column_graph.h"

#include <algorithm>
#include <type_traits>
#include <utility>
#include <variant>

namespace tfcompat::estimator {

using feature_column::CategoricalColumn;
using feature_column::Combiner;
using feature_column::FeatureColumn;
using saved_model::FloatTensor;
using saved_model::GraphBuilder;
using saved_model::Int32Tensor;
using saved_model::Int64Tensor;
using saved_model::StringTensor;
using tensorflow::DT_BOOL;
using tensorflow::DT_FLOAT;
using tensorflow::DT_INT32;
using tensorflow::DT_INT64;
using tensorflow::DT_STRING;
using Kind = FeatureColumn::Kind;

namespace {

tensorflow::DataType GraphType(DataType dtype) {
  switch (dtype) {
    case DataType::kString:
      return DT_STRING;
    case DataType::kInt64:
      return DT_INT64;
    default:
      return DT_FLOAT;
  }
}

std::string Output(const std::string& op, size_t i) { return i == 0 ? op : op + ":" + std::to_string(i); }

// As the input layer and the linear model order their columns.
std::vector<FeatureColumn> SortedByName(std::vector<FeatureColumn> columns) {
  std::sort(columns.begin(), columns.end(),
            [](const FeatureColumn& a, const FeatureColumn& b) { return a.name() < b.name(); });
  return columns;
}

}  // namespace

GraphFeatures AddParseExample(const data::ExampleSpec& spec, const std::string& examples, GraphBuilder* b) {
  std::vector<std::string> sparse_keys, dense_keys;
  std::vector<tensorflow::DataType> sparse_types, dense_types;
  std::vector<std::vector<int64_t>> dense_shapes;
  std::vector<std::string> defaults;
  const std::string scope = "ParseExample/ParseExampleV2";
  for (const auto& [key, feature] : spec) {
    if (const auto* var_len = std::get_if<data::VarLenFeature>(&feature)) {
      sparse_keys.push_back(key);
      sparse_types.push_back(GraphType(var_len->dtype));
      continue;
    }
    const auto& fixed = std::get<data::FixedLenFeature>(feature);
    dense_keys.push_back(key);
    dense_types.push_back(GraphType(fixed.dtype));
    dense_shapes.push_back(fixed.shape);
    // A numeric column's default fills its shape; none: the feature is required.
    std::vector<float> values;
    if (fixed.default_value.has_value()) {
      const auto flat = fixed.default_value->flat<float>();
      values.assign(flat.begin(), flat.end());
    }
    const std::vector<int64_t> shape = values.empty() ? std::vector<int64_t>{0} : fixed.shape;
    std::string name = "ParseExample/Const";
    if (!defaults.empty()) {
      name += '_';
      name += std::to_string(defaults.size());
    }
    defaults.push_back(b->Const(name, FloatTensor(shape, values)));
  }
  std::vector<std::string> inputs = {examples};
  inputs.push_back(b->Const(scope + "/names", StringTensor({0}, {})));
  inputs.push_back(
      b->Const(scope + "/sparse_keys", StringTensor({static_cast<int64_t>(sparse_keys.size())}, sparse_keys)));
  inputs.push_back(
      b->Const(scope + "/dense_keys", StringTensor({static_cast<int64_t>(dense_keys.size())}, dense_keys)));
  inputs.push_back(b->Const(scope + "/ragged_keys", StringTensor({0}, {})));
  inputs.insert(inputs.end(), defaults.begin(), defaults.end());
  b->Op("ParseExampleV2", scope, inputs)
      .Types("Tdense", dense_types)
      .Int("num_sparse", static_cast<int64_t>(sparse_keys.size()))
      .Types("sparse_types", sparse_types)
      .Types("ragged_value_types", {})
      .Types("ragged_split_types", {})
      .Shapes("dense_shapes", dense_shapes);
  // Outputs: sparse indices, values and shapes (S each), then the dense values.
  const size_t s = sparse_keys.size();
  GraphFeatures features;
  for (size_t i = 0; i < s; ++i) {
    features[sparse_keys[i]] = {"", Output(scope, i), Output(scope, s + i), Output(scope, 2 * s + i), sparse_types[i]};
  }
  for (size_t i = 0; i < dense_keys.size(); ++i) {
    features[dense_keys[i]] = {Output(scope, 3 * s + i), "", "", "", dense_types[i]};
  }
  return features;
}

std::string FeatureColumnGraph::Const64(const std::string& name, std::vector<int64_t> values,
                                        std::vector<int64_t> shape) {
  return b_.Const(name, Int64Tensor(shape, values));
}

std::string FeatureColumnGraph::Gather(const std::string& name, const std::string& params, const std::string& indices,
                                       tensorflow::DataType dtype) {
  const std::string axis = b_.Const(name + "/axis", Int32Tensor({}, {0}));
  return b_.Op("GatherV2", name, {params, indices, axis})
      .Type("Tparams", dtype)
      .Type("Tindices", DT_INT64)
      .Type("Taxis", DT_INT32)
      .name();
}

FeatureColumnGraph::SparseIdsGraph FeatureColumnGraph::RawSparse(const std::string& key) {
  const GraphFeature& feature = features_.at(key);
  return {feature.indices, feature.values, feature.dense_shape, ""};
}

std::string FeatureColumnGraph::AsStringIfInt(const std::string& values, tensorflow::DataType dtype,
                                              const std::string& name) {
  if (dtype == DT_STRING) return values;
  return b_.Op("AsString", name, {values}).Type("T", DT_INT64).name();
}

FeatureColumnGraph::SparseIdsGraph FeatureColumnGraph::Ids(const CategoricalColumn& column, const std::string& scope) {
  const auto& kind = column.spec().kind;
  return std::visit(
      [&](const auto& spec) -> SparseIdsGraph {
        using Spec = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<Spec, feature_column::WeightedSpec>) {
          SparseIdsGraph ids = Ids(spec.ids, scope);
          ids.weights = features_.at(spec.weight_feature_key).values;
          return ids;
        } else if constexpr (std::is_same_v<Spec, feature_column::CrossedSpec>) {
          std::vector<std::string> indices, values, shapes;
          std::vector<tensorflow::DataType> types;
          bool strings_only = true;
          for (size_t i = 0; i < spec.keys.size(); ++i) {
            const auto* raw = std::get_if<std::string>(&spec.keys[i]);
            SparseIdsGraph input =
                raw != nullptr ? RawSparse(*raw)
                               : Ids(std::get<CategoricalColumn>(spec.keys[i]), scope + "/" + std::to_string(i));
            const tensorflow::DataType type = raw != nullptr ? features_.at(*raw).dtype : DT_INT64;
            strings_only = strings_only && type == DT_STRING;
            indices.push_back(input.indices);
            values.push_back(input.ids);
            shapes.push_back(input.dense_shape);
            types.push_back(type);
          }
          std::vector<std::string> inputs = indices;
          inputs.insert(inputs.end(), values.begin(), values.end());
          inputs.insert(inputs.end(), shapes.begin(), shapes.end());
          const std::string cross = b_.Op("SparseCross", scope + "/SparseCross", inputs)
                                        .Int("N", static_cast<int64_t>(spec.keys.size()))
                                        .Bool("hashed_output", true)
                                        .Int("num_buckets", spec.hash_bucket_size)
                                        .Int("hash_key", static_cast<int64_t>(spec.hash_key))
                                        .Types("sparse_types", types)
                                        .Types("dense_types", {})
                                        .Type("out_type", DT_INT64)
                                        .Type("internal_type", strings_only ? DT_STRING : DT_INT64)
                                        .name();
          return {cross, cross + ":1", cross + ":2", ""};
        } else if constexpr (std::is_same_v<Spec, feature_column::BucketizedSpec>) {
          // Only the input layer and the linear model read bucketized
          // columns, one-hot (OneHotBuckets); as a cross key it has ids.
          const std::string one_hot = OneHotBuckets(column, scope);
          const std::string nonzero =
              b_.Op("NotEqual", scope + "/NotEqual", {one_hot, b_.Const(scope + "/zero", FloatTensor({}, {0.0f}))})
                  .Type("T", DT_FLOAT)
                  .name();
          const std::string where = b_.Op("Where", scope + "/Where", {nonzero}).Type("T", DT_BOOL).name();
          const std::string ids =
              b_.Op("GatherV2", scope + "/ids",
                    {where, Const64(scope + "/one", {1}, {}), b_.Const(scope + "/ids/axis", Int32Tensor({}, {1}))})
                  .Type("Tparams", DT_INT64)
                  .Type("Tindices", DT_INT64)
                  .Type("Taxis", DT_INT32)
                  .name();
          const std::string shape =
              b_.Op("Shape", scope + "/Shape", {one_hot}).Type("T", DT_FLOAT).Type("out_type", DT_INT64).name();
          return {where, ids, shape, ""};
        } else {
          const SparseIdsGraph raw = RawSparse(column.key());
          const tensorflow::DataType dtype = features_.at(column.key()).dtype;
          std::string ids;
          if constexpr (std::is_same_v<Spec, feature_column::HashBucketSpec>) {
            ids = b_.Op("StringToHashBucketFast", scope + "/to_hash_bucket",
                        {AsStringIfInt(raw.ids, dtype, scope + "/AsString")})
                      .Int("num_buckets", spec.hash_bucket_size)
                      .name();
          } else if constexpr (std::is_same_v<Spec, feature_column::VocabularySpec>) {
            const feature_column::Vocabulary& vocab = spec.vocabulary;
            const int64_t size = vocab.size();
            const std::string keys = dtype == DT_STRING
                                         ? b_.Const(scope + "/keys", StringTensor({size}, vocab.StringKeys()))
                                         : Const64(scope + "/keys", vocab.Int64Keys(), {size});
            const std::string column_values = ExpandDims(scope + "/ExpandDims", raw.ids, dtype, -1);
            const std::string equal = b_.Op("Equal", scope + "/Equal", {column_values, keys}).Type("T", dtype).name();
            const std::string found =
                b_.Op("Any", scope + "/Any", {equal, b_.Const(scope + "/Any/axis", Int32Tensor({}, {1}))})
                    .Type("Tidx", DT_INT32)
                    .name();
            const std::string as_float =
                b_.Op("Cast", scope + "/Cast", {equal}).Type("SrcT", DT_BOOL).Type("DstT", DT_FLOAT).name();
            const std::string position = b_.Op("ArgMax", scope + "/ArgMax",
                                               {as_float, b_.Const(scope + "/ArgMax/dimension", Int32Tensor({}, {1}))})
                                             .Type("T", DT_FLOAT)
                                             .Type("Tidx", DT_INT32)
                                             .Type("output_type", DT_INT64)
                                             .name();
            std::string missing;
            if (spec.num_oov_buckets > 0) {
              const std::string bucket = b_.Op("StringToHashBucketFast", scope + "/oov_bucket",
                                               {AsStringIfInt(raw.ids, dtype, scope + "/AsString")})
                                             .Int("num_buckets", spec.num_oov_buckets)
                                             .name();
              missing = b_.Op("AddV2", scope + "/oov", {bucket, Const64(scope + "/vocabulary_size", {size}, {})})
                            .Type("T", DT_INT64)
                            .name();
            } else {
              missing = Const64(scope + "/default_value", {spec.default_value}, {});
            }
            ids = b_.Op("SelectV2", scope + "/ids", {found, position, missing}).Type("T", DT_INT64).name();
          } else {
            static_assert(std::is_same_v<Spec, feature_column::IdentitySpec>);
            ids = raw.ids;
            if (spec.default_value.has_value()) {
              const std::string low =
                  b_.Op("GreaterEqual", scope + "/GreaterEqual", {ids, Const64(scope + "/zero", {0}, {})})
                      .Type("T", DT_INT64)
                      .name();
              const std::string high =
                  b_.Op("Less", scope + "/Less", {ids, Const64(scope + "/num_buckets", {spec.num_buckets}, {})})
                      .Type("T", DT_INT64)
                      .name();
              const std::string in_range = b_.Op("LogicalAnd", scope + "/in_range", {low, high}).name();
              ids = b_.Op("SelectV2", scope + "/ids",
                          {in_range, ids, Const64(scope + "/default_value", {*spec.default_value}, {})})
                        .Type("T", DT_INT64)
                        .name();
            }
          }
          return {raw.indices, ids, raw.dense_shape, ""};
        }
      },
      kind);
}

std::string FeatureColumnGraph::OneHotBuckets(const CategoricalColumn& column, const std::string& scope) {
  const auto& spec = std::get<feature_column::BucketizedSpec>(column.spec().kind);
  const std::string& values = features_.at(column.key()).dense;
  const std::string buckets = b_.Op("Bucketize", scope + "/Bucketize", {values})
                                  .Type("T", DT_FLOAT)
                                  .Floats("boundaries", spec.boundaries)
                                  .name();
  const auto depth = static_cast<int32_t>(spec.boundaries.size() + 1);
  const std::string one_hot = b_.Op("OneHot", scope + "/one_hot",
                                    {buckets, b_.Const(scope + "/one_hot/depth", Int32Tensor({}, {depth})),
                                     b_.Const(scope + "/one_hot/on_value", FloatTensor({}, {1.0f})),
                                     b_.Const(scope + "/one_hot/off_value", FloatTensor({}, {0.0f}))})
                                  .Type("T", DT_FLOAT)
                                  .Type("TI", DT_INT32)
                                  .name();
  const auto width = static_cast<int32_t>(spec.dimension * depth);
  return b_
      .Op("Reshape", scope + "/Reshape", {one_hot, b_.Const(scope + "/Reshape/shape", Int32Tensor({2}, {-1, width}))})
      .Type("T", DT_FLOAT)
      .Type("Tshape", DT_INT32)
      .name();
}

FeatureColumnGraph::ValidIds FeatureColumnGraph::Valid(const SparseIdsGraph& ids, const std::string& scope) {
  std::string keep = b_.Op("GreaterEqual", scope + "/valid_ids", {ids.ids, Const64(scope + "/zero", {0}, {})})
                         .Type("T", DT_INT64)
                         .name();
  if (!ids.weights.empty()) {
    const std::string positive = b_.Op("Greater", scope + "/valid_weights",
                                       {ids.weights, b_.Const(scope + "/zero_weight", FloatTensor({}, {0.0f}))})
                                     .Type("T", DT_FLOAT)
                                     .name();
    keep = b_.Op("LogicalAnd", scope + "/valid", {keep, positive}).name();
  }
  const std::string where = b_.Op("Where", scope + "/Where", {keep}).Type("T", DT_BOOL).name();
  const std::string positions =
      b_.Op("Reshape", scope + "/positions", {where, b_.Const(scope + "/positions/shape", Int32Tensor({1}, {-1}))})
          .Type("T", DT_INT64)
          .Type("Tshape", DT_INT32)
          .name();
  ValidIds valid;
  valid.ids = Gather(scope + "/valid_id_values", ids.ids, positions, DT_INT64);
  const std::string indices = Gather(scope + "/valid_indices", ids.indices, positions, DT_INT64);
  valid.rows =
      b_.Op("GatherV2", scope + "/rows",
            {indices, Const64(scope + "/rows/index", {0}, {}), b_.Const(scope + "/rows/axis", Int32Tensor({}, {1}))})
          .Type("Tparams", DT_INT64)
          .Type("Tindices", DT_INT64)
          .Type("Taxis", DT_INT32)
          .name();
  valid.weighted = !ids.weights.empty();
  if (valid.weighted) {
    valid.weights = Gather(scope + "/valid_weight_values", ids.weights, positions, DT_FLOAT);
  } else {
    const std::string as_float =
        b_.Op("Cast", scope + "/ids_as_float", {valid.ids}).Type("SrcT", DT_INT64).Type("DstT", DT_FLOAT).name();
    valid.weights = b_.FloatOp("OnesLike", scope + "/weights", {as_float});
  }
  return valid;
}

std::string FeatureColumnGraph::ExpandDims(const std::string& name, const std::string& input,
                                           tensorflow::DataType dtype, int dim) {
  return b_.Op("ExpandDims", name, {input, b_.Const(name + "/dim", Int32Tensor({}, {dim}))})
      .Type("T", dtype)
      .Type("Tdim", DT_INT32)
      .name();
}

std::string FeatureColumnGraph::Lookup(const SparseIdsGraph& all_ids, const std::string& table, Combiner combiner,
                                       const std::string& scope) {
  const ValidIds ids = Valid(all_ids, scope);
  std::string embeddings = Gather(scope + "/embedding_lookup", table, ids.ids, DT_FLOAT);
  if (ids.weighted) {
    embeddings = b_.FloatOp("Mul", scope + "/weighted",
                            {embeddings, ExpandDims(scope + "/weights_column", ids.weights, DT_FLOAT, 1)});
  }
  auto segment_sum = [&](const std::string& name, const std::string& data) {
    return b_.Op("UnsortedSegmentSum", name, {data, ids.rows, batch_size_})
        .Type("T", DT_FLOAT)
        .Type("Tindices", DT_INT64)
        .Type("Tnumsegments", DT_INT64)
        .name();
  };
  const std::string sum = segment_sum(scope + "/sum", embeddings);
  if (combiner == Combiner::kSum) return sum;
  const std::string divisor =
      combiner == Combiner::kMean
          ? segment_sum(scope + "/weight_sum", ids.weights)
          : b_.FloatOp("Sqrt", scope + "/weight_norm",
                       {segment_sum(scope + "/weight_square_sum",
                                    b_.FloatOp("Square", scope + "/weight_squares", {ids.weights}))});
  return b_.FloatOp("DivNoNan", scope + "/combined", {sum, ExpandDims(scope + "/divisor", divisor, DT_FLOAT, 1)});
}

std::string FeatureColumnGraph::MultiHot(const SparseIdsGraph& all_ids, int64_t buckets, const std::string& scope) {
  const ValidIds ids = Valid(all_ids, scope);
  const std::string cells =
      b_.Op("Pack", scope + "/cells", {ids.rows, ids.ids}).Int("N", 2).Type("T", DT_INT64).Int("axis", 1).name();
  const std::string shape = b_.Op("Pack", scope + "/shape", {batch_size_, Const64(scope + "/buckets", {buckets}, {})})
                                .Int("N", 2)
                                .Type("T", DT_INT64)
                                .name();
  return b_.Op("ScatterNd", scope + "/multi_hot", {cells, ids.weights, shape})
      .Type("T", DT_FLOAT)
      .Type("Tindices", DT_INT64)
      .name();
}

std::string FeatureColumnGraph::InputLayer(const std::vector<FeatureColumn>& unsorted) {
  const std::vector<FeatureColumn> columns = SortedByName(unsorted);
  const std::string layer = "dnn/input_from_feature_columns/input_layer";
  std::vector<std::string> parts;
  for (const FeatureColumn& column : columns) {
    const std::string scope = layer + "/" + column.name();
    switch (column.kind()) {
      case Kind::kNumeric:
        parts.push_back(features_.at(column.key()).dense);
        break;
      case Kind::kCategorical:  // bucketized
        parts.push_back(OneHotBuckets(*column.categorical(), scope));
        break;
      case Kind::kIndicator:
        parts.push_back(column.categorical()->is_bucketized()
                            ? OneHotBuckets(*column.categorical(), scope)
                            : MultiHot(Ids(*column.categorical(), scope), column.dense_dimension(), scope));
        break;
      case Kind::kEmbedding:
        parts.push_back(Lookup(Ids(*column.categorical(), scope), scope + "/embedding_weights", column.combiner(),
                               scope + "/lookup"));
        break;
    }
  }
  const auto n = static_cast<int64_t>(parts.size());
  parts.push_back(b_.Const(layer + "/concat/axis", Int32Tensor({}, {1})));
  return b_.Op("ConcatV2", layer + "/concat", parts).Int("N", n).Type("T", DT_FLOAT).Type("Tidx", DT_INT32).name();
}

std::string FeatureColumnGraph::LinearLogits(const std::vector<FeatureColumn>& unsorted, Combiner sparse_combiner) {
  const std::vector<FeatureColumn> columns = SortedByName(unsorted);
  const std::string model = "linear/linear_model/linear_model/linear_model";
  std::vector<std::string> sums;
  for (const FeatureColumn& column : columns) {
    const std::string scope = model + "/" + column.name();
    const std::string weights = "linear/linear_model/" + column.name() + "/weights";
    const CategoricalColumn* categorical = column.categorical();
    if (column.kind() == Kind::kNumeric) {
      sums.push_back(b_.FloatOp("MatMul", scope + "/weighted_sum", {features_.at(column.key()).dense, weights}));
    } else if (categorical->is_bucketized()) {
      sums.push_back(b_.FloatOp("MatMul", scope + "/weighted_sum", {OneHotBuckets(*categorical, scope), weights}));
    } else if (column.kind() == Kind::kIndicator) {
      const std::string multi_hot = MultiHot(Ids(*categorical, scope), column.dense_dimension(), scope);
      sums.push_back(b_.FloatOp("MatMul", scope + "/weighted_sum", {multi_hot, weights}));
    } else {
      sums.push_back(Lookup(Ids(*categorical, scope), weights, sparse_combiner, scope + "/weighted_sum"));
    }
  }
  const std::string no_bias = b_.Op("AddN", model + "/weighted_sum_no_bias", sums)
                                  .Int("N", static_cast<int64_t>(sums.size()))
                                  .Type("T", DT_FLOAT)
                                  .name();
  return b_.FloatOp("BiasAdd", model + "/weighted_sum", {no_bias, "linear/linear_model/bias_weights"});
}

}  // namespace tfcompat::estimator
