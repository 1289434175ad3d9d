// SPDX-License-Identifier: Apache-2.0
// The feature-column spec file of `estimator --feature_columns SPEC.json`:
// TF's tf.feature_column calls written as JSON, each column named, and the
// names of the columns the model reads: for wide & deep
// "linear_feature_columns" and "dnn_feature_columns", for the canned
// DNNClassifier, DNNRegressor, LinearClassifier and LinearRegressor
// "feature_columns" (instead of both), e.g.
//
//   {"columns": {
//      "island": {"categorical_column_with_vocabulary_list": {"key": "island",
//                                                              "vocabulary_list": ["Biscoe", "Dream", "Torgersen"]}},
//      "island_emb": {"embedding_column": {"categorical_column": "island", "dimension": 2}},
//      "sex_x_island": {"crossed_column": {"keys": ["sex", "island"], "hash_bucket_size": 16}},
//      "bill": {"numeric_column": {"key": "bill_length_mm", "default_value": 0.0}}},
//    "linear_feature_columns": ["sex_x_island", "island"],
//    "dnn_feature_columns": ["island_emb", "bill"]}
//
// Each column is an object with one key, the function, whose value holds
// its keyword arguments under TF's names, with TF's defaults:
//
//   numeric_column                           key; shape (1 or [n]), default_value (number), dtype ("float32")
//   bucketized_column                        source_column (a numeric column's name), boundaries
//   categorical_column_with_vocabulary_list  key, vocabulary_list; dtype ("string" or "int64", default: the
//                                            list's), default_value (-1), num_oov_buckets (0)
//   categorical_column_with_vocabulary_file  key, vocabulary_file (relative: to the spec file's folder);
//                                            vocabulary_size, dtype ("string"), default_value, num_oov_buckets (0)
//   categorical_column_with_identity         key, num_buckets; default_value
//   categorical_column_with_hash_bucket      key, hash_bucket_size; dtype ("string")
//   crossed_column                           keys (column names, or raw feature keys), hash_bucket_size; hash_key
//   embedding_column                         categorical_column (a name), dimension; combiner ("mean")
//   indicator_column                         categorical_column (a name)
//   weighted_categorical_column              categorical_column (a name), weight_feature_key
//
// A column refers to another by its name in "columns"; only crossed_column's
// `keys` may also hold raw feature keys (a string naming no column). Either
// feature_columns or at least one of the two wide & deep lists; a DNN takes
// dense columns only (numeric, bucketized, embedding, indicator), as TF's
// input layer does: an error for dnn_feature_columns, and for
// feature_columns when a DNN reads them (FeatureColumnSpec::dnn_error).
//
// Errors are InvalidArgument "<spec file>: column '<name>': <what>": an
// unknown function or argument, a missing required argument, a value of the
// wrong JSON type, a name that refers to no column, a reference cycle, a
// column of the wrong kind for its place (TF's "Items of feature_columns
// must be a _DenseColumn. ..." for a categorical column among the DNN's),
// and what the column's own factory rejects (feature_column.h).
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(FeatureColumnSpec spec, ReadFeatureColumnSpec("penguins.json"));
//   options.linear_feature_columns = spec.linear_feature_columns;
//   options.dnn_feature_columns = spec.dnn_feature_columns;
//   // spec.raw_features: the tf.train.Example features to read (MakeParseExampleSpec).
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_FEATURE_COLUMN_SPEC_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_FEATURE_COLUMN_SPEC_H_

#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/data/example.h"
#include "tfcompat/feature_column/feature_column.h"

namespace tfcompat::estimator_tool {

struct FeatureColumnSpec {
  std::vector<feature_column::FeatureColumn> linear_feature_columns;
  std::vector<feature_column::FeatureColumn> dnn_feature_columns;
  // The canned estimators' inputs; empty in a wide & deep spec.
  std::vector<feature_column::FeatureColumn> feature_columns;
  // The error naming the first of feature_columns a DNN cannot read (a
  // categorical column that is not bucketized); OK when there is none.
  Status dnn_error;
  // MakeParseExampleSpec of every list: the raw features and their types.
  data::ExampleSpec raw_features;
  // The spec as compact JSON with every vocabulary_file made absolute: what
  // the model record holds, and what two specs are compared by.
  std::string json;
};

// Parses the spec `text`; `path` names it in errors and is where a relative
// vocabulary_file is resolved from. Vocabulary files are read now.
[[nodiscard]] StatusOr<FeatureColumnSpec> ParseFeatureColumnSpec(std::string_view text, const std::string& path);

// Reads and parses the spec file at `path` (at most 16 MiB).
[[nodiscard]] StatusOr<FeatureColumnSpec> ReadFeatureColumnSpec(const std::string& path);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_FEATURE_COLUMN_SPEC_H_
