// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/feature_column/categorical_column.h"

#include <algorithm>
#include <limits>
#include <type_traits>
#include <utility>

#include "base/str_join.h"
#include "feature_column/fingerprint.h"

namespace tfcompat::feature_column {
namespace {

// The most ids one crossed column may give a batch (the product of the value
// counts, summed over the examples): a bound on the output's allocation.
constexpr int64_t kMaxCrossesPerBatch = int64_t{1} << 26;

std::string Prefix(std::string_view column) { return "column '" + std::string(column) + "': "; }

// `status` with the column's name in front.
Status InColumn(std::string_view column, const Status& status) {
  return Status(status.code(), Prefix(column) + status.message());
}

const char* TypeName(const Feature& feature) {
  switch (feature.index()) {
    case 0:
      return "string";
    case 1:
      return "int64";
    default:
      return "float";
  }
}

StatusOr<const Feature*> FindFeature(const FeatureMap& features, std::string_view key, std::string_view column) {
  auto it = features.find(key);
  if (it == features.end()) {
    return InvalidArgumentError(Prefix(column) + "no feature '" + std::string(key) + "' in the batch");
  }
  return &it->second;
}

template <typename T>
StatusOr<const FeatureTensor<T>*> FindTensor(const FeatureMap& features, std::string_view key, std::string_view column,
                                             std::string_view expected) {
  StatusOr<const Feature*> feature = FindFeature(features, key, column);
  if (!feature.ok()) return feature.status();
  const auto* tensor = std::get_if<FeatureTensor<T>>(*feature);
  if (tensor == nullptr) {
    return InvalidArgumentError(Prefix(column) + "feature '" + std::string(key) + "' holds " + TypeName(**feature) +
                                " values; the column takes " + std::string(expected));
  }
  Status valid = tensor->Validate(key);
  if (!valid.ok()) return InColumn(column, valid);
  return tensor;
}

// Calls `fn(value, index)` (returning Status) for each present value of
// `tensor` in index order, skipping the cells of a dense tensor that equal
// `ignore` (_to_sparse_input_and_drop_ignore_values).
template <typename T, typename Fn>
Status ForEachPresent(const FeatureTensor<T>& tensor, const T& ignore, Fn fn) {
  if (tensor.sparse) {
    for (size_t i = 0; i < tensor.values.size(); ++i) {
      Status done = fn(tensor.values[i], tensor.indices[i]);
      if (!done.ok()) return done;
    }
    return OkStatus();
  }
  for (int64_t row = 0; row < tensor.shape[0]; ++row) {
    for (int64_t col = 0; col < tensor.shape[1]; ++col) {
      const T& value = tensor.values[row * tensor.shape[1] + col];
      if (value == ignore) continue;
      Status done = fn(value, Index2{row, col});
      if (!done.ok()) return done;
    }
  }
  return OkStatus();
}

// The ids `id(value, index)` (returning StatusOr<int64_t>) of the present
// values of `tensor`.
template <typename T, typename IdFn>
StatusOr<SparseIds> MapValues(const FeatureTensor<T>& tensor, const T& ignore, IdFn id) {
  SparseIds out;
  out.dense_shape = tensor.shape;
  Status done = ForEachPresent(tensor, ignore, [&](const T& value, const Index2& index) -> Status {
    StatusOr<int64_t> value_id = id(value, index);
    if (!value_id.ok()) return value_id.status();
    out.indices.push_back(index);
    out.ids.push_back(*value_id);
    return OkStatus();
  });
  if (!done.ok()) return done;
  return out;
}

// Runs `fn` on the string or int64 tensor of `key`, with the ignore value of
// its type; `dtype` is the column's, which the feature must match.
template <typename Fn>
StatusOr<SparseIds> OnStringOrInt(const FeatureMap& features, std::string_view key, std::string_view column,
                                  KeyType dtype, Fn fn) {
  if (dtype == KeyType::kString) {
    StatusOr<const StringTensor*> tensor = FindTensor<std::string>(features, key, column, "string values");
    if (!tensor.ok()) return tensor.status();
    return fn(**tensor, std::string());
  }
  StatusOr<const Int64Tensor*> tensor = FindTensor<int64_t>(features, key, column, "int64 values");
  if (!tensor.ok()) return tensor.status();
  return fn(**tensor, int64_t{-1});
}

// The string a value is hashed as: itself, or an integer's decimal digits
// (as_string).
std::string_view AsString(const std::string& value, std::string*) { return value; }
std::string_view AsString(int64_t value, std::string* scratch) {
  *scratch = std::to_string(value);
  return *scratch;
}

StatusOr<SparseIds> HashIds(const HashBucketSpec& spec, std::string_view key, std::string_view column,
                            const FeatureMap& features) {
  return OnStringOrInt(features, key, column, spec.dtype, [&](const auto& tensor, const auto& ignore) {
    std::string scratch;
    return MapValues(tensor, ignore, [&](const auto& value, const Index2&) -> StatusOr<int64_t> {
      return HashBucket(AsString(value, &scratch), spec.hash_bucket_size);
    });
  });
}

StatusOr<SparseIds> VocabularyIds(const VocabularySpec& spec, std::string_view key, std::string_view column,
                                  const FeatureMap& features) {
  const Vocabulary& vocab = spec.vocabulary;
  return OnStringOrInt(features, key, column, vocab.type(), [&](const auto& tensor, const auto& ignore) {
    std::string scratch;
    return MapValues(tensor, ignore, [&](const auto& value, const Index2&) -> StatusOr<int64_t> {
      if (std::optional<int64_t> id = vocab.Find(value)) return *id;
      // IdTableWithHashBuckets: out-of-vocabulary values hash to the buckets
      // after the vocabulary.
      if (spec.num_oov_buckets > 0) return vocab.size() + HashBucket(AsString(value, &scratch), spec.num_oov_buckets);
      return spec.default_value;
    });
  });
}

StatusOr<SparseIds> IdentityIds(const IdentitySpec& spec, std::string_view key, std::string_view column,
                                const FeatureMap& features) {
  StatusOr<const Int64Tensor*> tensor = FindTensor<int64_t>(features, key, column, "int64 values");
  if (!tensor.ok()) return tensor.status();
  return MapValues(**tensor, int64_t{-1}, [&](int64_t value, const Index2& index) -> StatusOr<int64_t> {
    const bool in_range = value >= 0 && value < spec.num_buckets;
    if (!in_range && spec.default_value.has_value()) return *spec.default_value;
    if (value >= spec.num_buckets) {
      return InvalidArgumentError(Prefix(column) + "id " + std::to_string(value) + " at index " + IndexString(index) +
                                  " is not in [0, " + std::to_string(spec.num_buckets) +
                                  "); set a default_value to map out-of-range ids");
    }
    return value;
  });
}

StatusOr<SparseIds> BucketizedIds(const BucketizedSpec& spec, std::string_view key, std::string_view column,
                                  const FeatureMap& features) {
  StatusOr<const FloatTensor*> found = FindTensor<float>(features, key, column, "float values");
  if (!found.ok()) return found.status();
  const FloatTensor& tensor = **found;
  if (tensor.sparse) {
    return InvalidArgumentError(Prefix(column) + "feature '" + std::string(key) +
                                "' is sparse; a numeric column takes a dense tensor");
  }
  if (tensor.shape[1] != spec.dimension) {
    return InvalidArgumentError(Prefix(column) + "feature '" + std::string(key) + "' has " +
                                std::to_string(tensor.shape[1]) + " values per example; the column takes " +
                                std::to_string(spec.dimension));
  }
  const auto stride = static_cast<int64_t>(spec.boundaries.size()) + 1;
  SparseIds out;
  out.dense_shape = tensor.shape;
  for (int64_t row = 0; row < tensor.shape[0]; ++row) {
    for (int64_t i = 0; i < spec.dimension; ++i) {
      const float value = tensor.values[row * spec.dimension + i];
      // Bucketize: the first boundary greater than the value (a NaN lands
      // past the last one, as std::upper_bound puts it).
      const auto bucket =
          std::upper_bound(spec.boundaries.begin(), spec.boundaries.end(), value) - spec.boundaries.begin();
      out.indices.push_back({row, i});
      out.ids.push_back(bucket + i * stride);
    }
  }
  return out;
}

// One input of SparseCross: per example, the 64-bit value of each of its
// features (Fingerprint64 of a string, an integer itself).
struct CrossInput {
  std::string name;
  bool sparse = false;
  int64_t batch_size = 0;
  std::vector<uint64_t> values;
  // Per example, where its values start in `values` and how many there are.
  std::vector<int64_t> starts;
  std::vector<int64_t> counts;
};

template <typename T>
CrossInput MakeCrossInput(std::string name, bool sparse, const Index2& shape, const std::vector<Index2>& indices,
                          const std::vector<T>& values) {
  CrossInput input;
  input.name = std::move(name);
  input.sparse = sparse;
  input.batch_size = shape[0];
  input.values.reserve(values.size());
  for (const T& value : values) {
    if constexpr (std::is_same_v<T, std::string>) {
      input.values.push_back(Fingerprint64(value));
    } else {
      input.values.push_back(static_cast<uint64_t>(value));
    }
  }
  input.starts.assign(shape[0], 0);
  input.counts.assign(shape[0], 0);
  if (!sparse) {
    for (int64_t row = 0; row < shape[0]; ++row) {
      input.starts[row] = row * shape[1];
      input.counts[row] = shape[1];
    }
    return input;
  }
  // Row-major indices (validated): each example's values are contiguous.
  for (size_t i = indices.size(); i-- > 0;) {
    input.starts[indices[i][0]] = static_cast<int64_t>(i);
    ++input.counts[indices[i][0]];
  }
  return input;
}

StatusOr<CrossInput> RawCrossInput(const std::string& key, std::string_view column, const FeatureMap& features) {
  StatusOr<const Feature*> feature = FindFeature(features, key, column);
  if (!feature.ok()) return feature.status();
  if (const auto* strings = std::get_if<StringTensor>(*feature)) {
    Status valid = strings->Validate(key);
    if (!valid.ok()) return InColumn(column, valid);
    return MakeCrossInput(key, strings->sparse, strings->shape, strings->indices, strings->values);
  }
  if (const auto* ints = std::get_if<Int64Tensor>(*feature)) {
    Status valid = ints->Validate(key);
    if (!valid.ok()) return InColumn(column, valid);
    return MakeCrossInput(key, ints->sparse, ints->shape, ints->indices, ints->values);
  }
  return InvalidArgumentError(Prefix(column) + "feature '" + key + "' holds float values; a cross takes strings, " +
                              "int64s or a categorical column");
}

StatusOr<SparseIds> CrossedIds(const CrossedSpec& spec, std::string_view column, const FeatureMap& features) {
  // SparseCross takes its sparse inputs first and its dense ones after, each
  // group in the order of the keys: a dense raw feature moves behind the
  // sparse ones, which changes the hash.
  std::vector<CrossInput> sparse_inputs, dense_inputs;
  for (const CategoricalColumn::CrossKey& key : spec.keys) {
    if (const auto* raw = std::get_if<std::string>(&key)) {
      StatusOr<CrossInput> input = RawCrossInput(*raw, column, features);
      if (!input.ok()) return input.status();
      (input->sparse ? sparse_inputs : dense_inputs).push_back(std::move(*input));
      continue;
    }
    const auto& leaf = std::get<CategoricalColumn>(key);
    StatusOr<SparseIds> ids = leaf.Transform(features);
    if (!ids.ok()) return ids.status();
    sparse_inputs.push_back(MakeCrossInput(leaf.name(), true, ids->dense_shape, ids->indices, ids->ids));
  }
  std::vector<CrossInput> inputs = std::move(sparse_inputs);
  for (CrossInput& input : dense_inputs) inputs.push_back(std::move(input));

  const int64_t batch_size = inputs.front().batch_size;
  for (const CrossInput& input : inputs) {
    if (input.batch_size != batch_size) {
      return InvalidArgumentError(Prefix(column) + "expected batch size " + std::to_string(batch_size) + " got " +
                                  std::to_string(input.batch_size) + " for '" + input.name + "'");
    }
  }
  // Each example's number of crosses: the product of its value counts.
  std::vector<int64_t> cross_counts(batch_size, 1);
  int64_t total = 0;
  for (int64_t row = 0; row < batch_size; ++row) {
    for (const CrossInput& input : inputs) {
      const int64_t count = input.counts[row];
      if (count != 0 && cross_counts[row] > kMaxCrossesPerBatch / count) {
        cross_counts[row] = kMaxCrossesPerBatch + 1;
        break;
      }
      cross_counts[row] *= count;
    }
    total += cross_counts[row];
    if (total > kMaxCrossesPerBatch) {
      return ResourceExhaustedError(Prefix(column) + "the batch crosses to more than " +
                                    std::to_string(kMaxCrossesPerBatch) + " ids (example " + std::to_string(row) + ")");
    }
  }
  SparseIds out;
  out.indices.reserve(total);
  out.ids.reserve(total);
  int64_t widest = 0;
  std::vector<int64_t> position(inputs.size());
  for (int64_t row = 0; row < batch_size; ++row) {
    widest = std::max(widest, cross_counts[row]);
    std::fill(position.begin(), position.end(), 0);
    // Every combination, the last input's value changing fastest
    // (SparseCross's ProductIterator).
    for (int64_t k = 0; k < cross_counts[row]; ++k) {
      uint64_t hash = spec.hash_key;
      for (size_t i = 0; i < inputs.size(); ++i) {
        hash = FingerprintCat64(hash, inputs[i].values[inputs[i].starts[row] + position[i]]);
      }
      out.indices.push_back({row, k});
      out.ids.push_back(static_cast<int64_t>(hash % static_cast<uint64_t>(spec.hash_bucket_size)));
      for (size_t i = inputs.size(); i-- > 0;) {
        if (++position[i] < inputs[i].counts[row]) break;
        position[i] = 0;
      }
    }
  }
  out.dense_shape = {batch_size, widest};
  return out;
}

StatusOr<SparseIds> WeightedIds(const WeightedSpec& spec, std::string_view column, const FeatureMap& features) {
  StatusOr<SparseIds> ids = spec.ids.Transform(features);
  if (!ids.ok()) return ids.status();
  StatusOr<const FloatTensor*> weights = FindTensor<float>(features, spec.weight_feature_key, column, "float weights");
  if (!weights.ok()) return weights.status();
  // The weights present (dense zeros dropped), in index order.
  std::vector<Index2> weight_indices;
  std::vector<float> present;
  Status collected = ForEachPresent(**weights, 0.0f, [&](float weight, const Index2& index) {
    weight_indices.push_back(index);
    present.push_back(weight);
    return OkStatus();
  });
  if (!collected.ok()) return collected;
  const size_t common = std::min(ids->indices.size(), weight_indices.size());
  const auto first_difference =
      std::mismatch(ids->indices.begin(), ids->indices.begin() + common, weight_indices.begin()).first -
      ids->indices.begin();
  if (static_cast<size_t>(first_difference) != common || ids->indices.size() != weight_indices.size()) {
    const auto at = static_cast<size_t>(first_difference);
    const std::string id_at = at < ids->indices.size() ? IndexString(ids->indices[at]) : "none";
    const std::string weight_at = at < weight_indices.size() ? IndexString(weight_indices[at]) : "none";
    return InvalidArgumentError(Prefix(column) + "the weights of '" + spec.weight_feature_key +
                                "' do not match the ids: entry " + std::to_string(at) + " is an id at " + id_at +
                                " but a weight at " + weight_at);
  }
  ids->weights = std::move(present);
  return ids;
}

}  // namespace

struct CategoricalColumn::Impl {
  std::string name;
  // The raw feature read (empty for crossed and weighted columns).
  std::string key;
  int64_t num_buckets = 0;
  CategoricalSpec spec;
};

StatusOr<CategoricalColumn> CategoricalColumn::HashBucket(std::string key, int64_t hash_bucket_size, KeyType dtype) {
  if (hash_bucket_size < 1) {
    return InvalidArgumentError(
        Prefix(key) + "hash_bucket_size must be at least 1. hash_bucket_size: " + std::to_string(hash_bucket_size));
  }
  return CategoricalColumn(std::make_shared<const Impl>(
      Impl{key, key, hash_bucket_size, CategoricalSpec{HashBucketSpec{hash_bucket_size, dtype}}}));
}

namespace {

Status CheckOovArguments(std::string_view column, int64_t num_oov_buckets, bool default_set) {
  if (num_oov_buckets < 0) {
    return InvalidArgumentError(Prefix(column) + "Invalid num_oov_buckets " + std::to_string(num_oov_buckets));
  }
  if (num_oov_buckets > 0 && default_set) {
    return InvalidArgumentError(Prefix(column) + "Can't specify both num_oov_buckets and default_value");
  }
  return OkStatus();
}

}  // namespace

template <typename Key>
StatusOr<CategoricalColumn> CategoricalColumn::FromVocabularyList(std::string key, const std::vector<Key>& vocabulary,
                                                                  int64_t num_oov_buckets, int64_t default_value) {
  StatusOr<Vocabulary> vocab = Vocabulary::FromList(key, vocabulary);
  if (!vocab.ok()) return vocab.status();
  Status oov = CheckOovArguments(key, num_oov_buckets, default_value != -1);
  if (!oov.ok()) return oov;
  const int64_t num_buckets = vocab->size() + num_oov_buckets;
  return CategoricalColumn(std::make_shared<const Impl>(
      Impl{key, key, num_buckets, CategoricalSpec{VocabularySpec{std::move(*vocab), num_oov_buckets, default_value}}}));
}

StatusOr<CategoricalColumn> CategoricalColumn::VocabularyList(std::string key,
                                                              const std::vector<std::string>& vocabulary,
                                                              int64_t num_oov_buckets, int64_t default_value) {
  return FromVocabularyList(std::move(key), vocabulary, num_oov_buckets, default_value);
}

StatusOr<CategoricalColumn> CategoricalColumn::Int64VocabularyList(std::string key,
                                                                   const std::vector<int64_t>& vocabulary,
                                                                   int64_t num_oov_buckets, int64_t default_value) {
  return FromVocabularyList(std::move(key), vocabulary, num_oov_buckets, default_value);
}

StatusOr<CategoricalColumn> CategoricalColumn::VocabularyFile(std::string key, const std::string& path,
                                                              const VocabularyFileOptions& options) {
  Status oov = CheckOovArguments(key, options.num_oov_buckets, options.default_value.has_value());
  if (!oov.ok()) return oov;
  StatusOr<Vocabulary> vocab = Vocabulary::FromFile(key, path, options.vocabulary_size, options.dtype);
  if (!vocab.ok()) return vocab.status();
  const int64_t num_buckets = vocab->size() + options.num_oov_buckets;
  return CategoricalColumn(
      std::make_shared<const Impl>(Impl{key, key, num_buckets,
                                        CategoricalSpec{VocabularySpec{std::move(*vocab), options.num_oov_buckets,
                                                                       options.default_value.value_or(-1)}}}));
}

StatusOr<CategoricalColumn> CategoricalColumn::Identity(std::string key, int64_t num_buckets,
                                                        std::optional<int64_t> default_value) {
  if (num_buckets < 1) return InvalidArgumentError(Prefix(key) + "num_buckets " + std::to_string(num_buckets) + " < 1");
  if (default_value && (*default_value < 0 || *default_value >= num_buckets)) {
    return InvalidArgumentError(Prefix(key) + "default_value " + std::to_string(*default_value) + " not in range [0, " +
                                std::to_string(num_buckets) + ")");
  }
  return CategoricalColumn(std::make_shared<const Impl>(
      Impl{key, key, num_buckets, CategoricalSpec{IdentitySpec{num_buckets, default_value}}}));
}

StatusOr<CategoricalColumn> CategoricalColumn::Bucketized(std::string key, int64_t dimension,
                                                          std::vector<float> boundaries) {
  std::string name = key + "_bucketized";
  if (dimension < 1) {
    return InvalidArgumentError(Prefix(name) + "the numeric column's dimension " + std::to_string(dimension) + " < 1");
  }
  if (boundaries.empty()) return InvalidArgumentError(Prefix(name) + "boundaries must not be empty.");
  for (size_t i = 1; i < boundaries.size(); ++i) {
    // Also false for a NaN boundary.
    if (!(boundaries[i - 1] < boundaries[i])) {
      return InvalidArgumentError(Prefix(name) + "boundaries must be a sorted list: " +
                                  std::to_string(boundaries[i - 1]) + " then " + std::to_string(boundaries[i]));
    }
  }
  const auto stride = static_cast<int64_t>(boundaries.size()) + 1;
  if (dimension > std::numeric_limits<int64_t>::max() / stride) {
    return InvalidArgumentError(Prefix(name) + "too many buckets");
  }
  return CategoricalColumn(std::make_shared<const Impl>(Impl{
      std::move(name), key, stride * dimension, CategoricalSpec{BucketizedSpec{dimension, std::move(boundaries)}}}));
}

StatusOr<CategoricalColumn> CategoricalColumn::Crossed(std::vector<CrossKey> keys, int64_t hash_bucket_size,
                                                       uint64_t hash_key) {
  std::vector<CrossKey> leaves;
  for (CrossKey& key : keys) {
    if (auto* column = std::get_if<CategoricalColumn>(&key)) {
      if (const auto* nested = std::get_if<CrossedSpec>(&column->impl_->spec.kind)) {
        leaves.insert(leaves.end(), nested->keys.begin(), nested->keys.end());
        continue;
      }
    }
    leaves.push_back(std::move(key));
  }
  std::vector<std::string> names;
  for (const CrossKey& leaf : leaves) {
    const auto* column = std::get_if<CategoricalColumn>(&leaf);
    names.push_back(column != nullptr ? column->name() : std::get<std::string>(leaf));
  }
  std::sort(names.begin(), names.end());
  std::string name = StrJoin(names, "_X_");
  if (hash_bucket_size < 1) {
    return InvalidArgumentError(Prefix(name) +
                                "hash_bucket_size must be > 1. hash_bucket_size: " + std::to_string(hash_bucket_size));
  }
  if (keys.size() < 2) {
    return InvalidArgumentError(
        Prefix(name) + "keys must be a list with length > 1. Given: " + std::to_string(keys.size()) + " key(s)");
  }
  for (const CrossKey& leaf : leaves) {
    const auto* column = std::get_if<CategoricalColumn>(&leaf);
    if (column == nullptr) continue;
    if (std::holds_alternative<HashBucketSpec>(column->impl_->spec.kind)) {
      return InvalidArgumentError(Prefix(name) +
                                  "categorical_column_with_hash_bucket is not supported for crossing. Hashing "
                                  "before crossing will increase probability of collision. Instead, use the feature "
                                  "name as a string. Given: " +
                                  column->name());
    }
    if (std::holds_alternative<WeightedSpec>(column->impl_->spec.kind)) {
      return InvalidArgumentError(Prefix(name) +
                                  "crossed_column does not support weight_tensor, but the given column populates "
                                  "weight_tensor. Given column: " +
                                  column->name());
    }
  }
  // sparse_cross_hashed's `hash_key or _DEFAULT_HASH_KEY`.
  if (hash_key == 0) hash_key = kDefaultCrossHashKey;
  return CategoricalColumn(
      std::make_shared<const Impl>(Impl{std::move(name), "", hash_bucket_size,
                                        CategoricalSpec{CrossedSpec{std::move(leaves), hash_bucket_size, hash_key}}}));
}

StatusOr<CategoricalColumn> CategoricalColumn::Weighted(CategoricalColumn ids, std::string weight_feature_key) {
  std::string name = ids.name() + "_weighted_by_" + weight_feature_key;
  const int64_t num_buckets = ids.num_buckets();
  return CategoricalColumn(std::make_shared<const Impl>(Impl{
      std::move(name), "", num_buckets, CategoricalSpec{WeightedSpec{std::move(ids), std::move(weight_feature_key)}}}));
}

const std::string& CategoricalColumn::name() const { return impl_->name; }

const std::string& CategoricalColumn::key() const { return impl_->key; }

const CategoricalSpec& CategoricalColumn::spec() const { return impl_->spec; }

int64_t CategoricalColumn::num_buckets() const { return impl_->num_buckets; }

bool CategoricalColumn::is_bucketized() const { return std::holds_alternative<BucketizedSpec>(impl_->spec.kind); }

data::ExampleSpec CategoricalColumn::parse_example_spec() const {
  const Impl& impl = *impl_;
  auto var_len = [](KeyType type) {
    return data::VarLenFeature{.dtype = type == KeyType::kString ? DataType::kString : DataType::kInt64};
  };
  data::ExampleSpec spec;
  std::visit(
      [&](const auto& column) {
        using Spec = std::decay_t<decltype(column)>;
        if constexpr (std::is_same_v<Spec, HashBucketSpec>) {
          spec[impl.key] = var_len(column.dtype);
        } else if constexpr (std::is_same_v<Spec, VocabularySpec>) {
          spec[impl.key] = var_len(column.vocabulary.type());
        } else if constexpr (std::is_same_v<Spec, IdentitySpec>) {
          spec[impl.key] = var_len(KeyType::kInt64);
        } else if constexpr (std::is_same_v<Spec, BucketizedSpec>) {
          spec[impl.key] = data::FixedLenFeature{.shape = {column.dimension}, .dtype = DataType::kFloat};
        } else if constexpr (std::is_same_v<Spec, CrossedSpec>) {
          for (const CrossKey& key : column.keys) {
            if (const auto* raw = std::get_if<std::string>(&key)) {
              spec[*raw] = var_len(KeyType::kString);
            } else {
              spec.merge(std::get<CategoricalColumn>(key).parse_example_spec());
            }
          }
        } else {
          spec = column.ids.parse_example_spec();
          spec[column.weight_feature_key] = data::VarLenFeature{.dtype = DataType::kFloat};
        }
      },
      impl.spec.kind);
  return spec;
}

StatusOr<SparseIds> CategoricalColumn::Transform(const FeatureMap& features) const {
  const Impl& impl = *impl_;
  return std::visit(
      [&](const auto& spec) -> StatusOr<SparseIds> {
        using Spec = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<Spec, HashBucketSpec>) {
          return HashIds(spec, impl.key, impl.name, features);
        } else if constexpr (std::is_same_v<Spec, VocabularySpec>) {
          return VocabularyIds(spec, impl.key, impl.name, features);
        } else if constexpr (std::is_same_v<Spec, IdentitySpec>) {
          return IdentityIds(spec, impl.key, impl.name, features);
        } else if constexpr (std::is_same_v<Spec, BucketizedSpec>) {
          return BucketizedIds(spec, impl.key, impl.name, features);
        } else if constexpr (std::is_same_v<Spec, CrossedSpec>) {
          return CrossedIds(spec, impl.name, features);
        } else {
          return WeightedIds(spec, impl.name, features);
        }
      },
      impl.spec.kind);
}

}  // namespace tfcompat::feature_column
