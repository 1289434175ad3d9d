// SPDX-License-Identifier: Apache-2.0
// TensorFlow's categorical feature columns, as the ids they give a batch:
// what tf.feature_column's get_sparse_tensors(...).id_tensor (and
// .weight_tensor) holds, bit for bit, for the model layers that turn ids
// into embedding lookups and linear sums.
//
//   HashBucket     categorical_column_with_hash_bucket: Fingerprint64(value)
//                  % hash_bucket_size; an int64 value is hashed as its
//                  decimal string (as_string).
//   VocabularyList categorical_column_with_vocabulary_list (Int64VocabularyList
//                  for int64 keys) and
//   VocabularyFile _with_vocabulary_file: the key's position in the
//                  vocabulary; out of it, vocabulary_size +
//                  Fingerprint64(value as string) % num_oov_buckets when
//                  num_oov_buckets > 0, else default_value (-1 by default).
//   Identity       categorical_column_with_identity: the value itself; out of
//                  [0, num_buckets) it becomes default_value when one is set,
//                  and is otherwise an error when >= num_buckets (TensorFlow
//                  fails at the lookup) and kept when negative (dropped by the
//                  layers).
//   Bucketized     bucketized_column(numeric_column(key, shape=(dimension,)),
//                  boundaries): Bucketize (upper_bound in float32) of each of
//                  the `dimension` values, plus i * (len(boundaries) + 1) for
//                  the value at position i.
//   Crossed        crossed_column(keys, hash_bucket_size, hash_key): every
//                  combination of one value per key, hashed with
//                  FingerprintCat64 (see Crossed below).
//   Weighted       weighted_categorical_column: another column's ids with the
//                  weights of a float feature.
//
// Raw features come in a FeatureMap (feature_tensor.h); dense string and
// int64 features lose their "" and -1 cells first, as in TensorFlow. Every
// error starts with "column '<name>': " (TensorFlow's column name) and says
// which value or index is bad.
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(CategoricalColumn island,
//                             CategoricalColumn::VocabularyList("island", {"Biscoe", "Dream"}, 1));
//   TFCOMPAT_ASSIGN_OR_RETURN(CategoricalColumn age, CategoricalColumn::Bucketized("age", 1, {30, 50}));
//   TFCOMPAT_ASSIGN_OR_RETURN(CategoricalColumn cross, CategoricalColumn::Crossed({island, "sex"}, 100));
//   FeatureMap features;
//   features["island"] = StringTensor::Dense(2, 1, {"Biscoe", "Torgersen"});
//   features["age"] = FloatTensor::Dense(2, 1, {31.5f, 62.0f});
//   features["sex"] = StringTensor::Dense(2, 1, {"MALE", "FEMALE"});
//   TFCOMPAT_ASSIGN_OR_RETURN(SparseIds ids, cross.Transform(features));
#ifndef TFCOMPAT_FEATURE_COLUMN_CATEGORICAL_COLUMN_H_
#define TFCOMPAT_FEATURE_COLUMN_CATEGORICAL_COLUMN_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/data/example.h"
#include "tfcompat/feature_column/feature_tensor.h"
#include "tfcompat/feature_column/vocabulary.h"

namespace tfcompat::feature_column {

// sparse_ops._DEFAULT_HASH_KEY: a crossed column's hash_key when none (or 0)
// is given.
inline constexpr uint64_t kDefaultCrossHashKey = 0xDECAFCAFFE;

struct CategoricalSpec;

// An immutable, cheaply copied column. The factories check the arguments as
// TensorFlow's constructors do and return INVALID_ARGUMENT where those raise
// ValueError.
class CategoricalColumn {
 public:
  // A key of a crossed column: a raw feature (string or int64, dense or
  // sparse, taken as it is) or a categorical column's ids.
  using CrossKey = std::variant<std::string, CategoricalColumn>;

  // hash_bucket_size >= 1; `dtype` is the type of the raw values.
  static StatusOr<CategoricalColumn> HashBucket(std::string key, int64_t hash_bucket_size,
                                                KeyType dtype = KeyType::kString);
  // A non-empty list without repeats. num_oov_buckets >= 0; a default_value
  // other than -1 only without OOV buckets.
  static StatusOr<CategoricalColumn> VocabularyList(std::string key, const std::vector<std::string>& vocabulary,
                                                    int64_t num_oov_buckets = 0, int64_t default_value = -1);
  // The same for int64 keys (named apart: two string literals in braces
  // would also make a vector<int64_t> from an iterator pair).
  static StatusOr<CategoricalColumn> Int64VocabularyList(std::string key, const std::vector<int64_t>& vocabulary,
                                                         int64_t num_oov_buckets = 0, int64_t default_value = -1);
  struct VocabularyFileOptions {
    // The lines to read; unset, the file's line count.
    std::optional<int64_t> vocabulary_size = std::nullopt;
    int64_t num_oov_buckets = 0;
    // -1 when unset; not with num_oov_buckets > 0.
    std::optional<int64_t> default_value = std::nullopt;
    KeyType dtype = KeyType::kString;
  };
  // Reads the file now (vocabulary.h says how); TensorFlow reads it when the
  // table is first initialized, with the same result and errors.
  static StatusOr<CategoricalColumn> VocabularyFile(std::string key, const std::string& path,
                                                    const VocabularyFileOptions& options);
  // num_buckets >= 1; default_value, when set, in [0, num_buckets).
  static StatusOr<CategoricalColumn> Identity(std::string key, int64_t num_buckets,
                                              std::optional<int64_t> default_value = std::nullopt);
  // The float feature `key` holds `dimension` values per example (dense
  // [batch, dimension]); boundaries non-empty and strictly increasing.
  static StatusOr<CategoricalColumn> Bucketized(std::string key, int64_t dimension, std::vector<float> boundaries);
  // At least two keys, none a HashBucket or Weighted column; a Crossed key
  // contributes its own keys. hash_bucket_size >= 1; a hash_key of 0 is the
  // default, as in TensorFlow.
  static StatusOr<CategoricalColumn> Crossed(std::vector<CrossKey> keys, int64_t hash_bucket_size,
                                             uint64_t hash_key = kDefaultCrossHashKey);
  // `ids`'s ids, each with the weight at the same index of the float feature
  // `weight_feature_key` (dense weights of 0 are dropped first, as in
  // TensorFlow); the two must then have the same indices.
  static StatusOr<CategoricalColumn> Weighted(CategoricalColumn ids, std::string weight_feature_key);

  // TensorFlow's column name: the key; "<key>_bucketized"; the sorted names
  // of a cross's keys joined by "_X_"; "<name>_weighted_by_<weight key>".
  const std::string& name() const;
  // The ids lie in [0, num_buckets()) (apart from the negative ids described
  // above); an embedding or linear layer has this many rows.
  int64_t num_buckets() const;

  // A bucketized column: the one categorical column that is also dense
  // (the input layer reads it one-hot, as an indicator column).
  bool is_bucketized() const;

  // The raw features the column reads, as make_parse_example_spec gives
  // them: a VarLenFeature of the key's type for a hashed, vocabulary or
  // identity column (string for a crossed column's raw keys), the source
  // column's FixedLenFeature [dimension] of floats for a bucketized one, a
  // float VarLenFeature for a weight key.
  data::ExampleSpec parse_example_spec() const;

  // The raw feature a hashed, vocabulary, identity or bucketized column
  // reads; empty for crossed and weighted columns.
  const std::string& key() const;
  // What the column computes (for code that rebuilds it, such as a
  // SavedModel's serving graph).
  const CategoricalSpec& spec() const;

  // The ids of a batch: INVALID_ARGUMENT for a missing feature, a feature of
  // the wrong type or shape, a malformed tensor, or an out-of-range identity.
  StatusOr<SparseIds> Transform(const FeatureMap& features) const;

 private:
  struct Impl;
  explicit CategoricalColumn(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  // VocabularyList and Int64VocabularyList, for either key type.
  template <typename Key>
  static StatusOr<CategoricalColumn> FromVocabularyList(std::string key, const std::vector<Key>& vocabulary,
                                                        int64_t num_oov_buckets, int64_t default_value);

  std::shared_ptr<const Impl> impl_;
};

// The arguments of each kind of column, as its factory checked them.
struct HashBucketSpec {
  int64_t hash_bucket_size;
  KeyType dtype;
};
struct VocabularySpec {
  Vocabulary vocabulary;
  int64_t num_oov_buckets;
  int64_t default_value;
};
struct IdentitySpec {
  int64_t num_buckets;
  std::optional<int64_t> default_value;
};
struct BucketizedSpec {
  int64_t dimension;
  std::vector<float> boundaries;
};
struct CrossedSpec {
  // The leaf keys, nested crosses expanded, in TensorFlow's order.
  std::vector<CategoricalColumn::CrossKey> keys;
  int64_t hash_bucket_size;
  uint64_t hash_key;
};
struct WeightedSpec {
  CategoricalColumn ids;
  std::string weight_feature_key;
};
struct CategoricalSpec {
  std::variant<HashBucketSpec, VocabularySpec, IdentitySpec, BucketizedSpec, CrossedSpec, WeightedSpec> kind;
};

}  // namespace tfcompat::feature_column

#endif  // TFCOMPAT_FEATURE_COLUMN_CATEGORICAL_COLUMN_H_
