// SPDX-License-Identifier: Apache-2.0
// Test driver for interop/test_feature_column_ids.py: the ids our feature
// columns give a batch described by a JSON file, printed as JSON.
//
//   feature_column_ids SPEC.json > IDS.json
//
// SPEC: {"features": {KEY: FEATURE, ...}, "columns": [COLUMN, ...]}
//   FEATURE: {"type": "string" | "int64" | "float", "shape": [rows, cols],
//             "values": [...], optional "indices": [[row, col], ...] (sparse)}
//            strings as hex of their bytes, floats as hex of their
//            little-endian float32 bytes (so NaN and infinities pass).
//   COLUMN:  {"kind": "hash", "key", "buckets", "dtype": "string" | "int64"}
//          | {"kind": "vocab_list", "key", "vocabulary" (hex strings or ints),
//             "dtype", "num_oov_buckets", "default_value"}
//          | {"kind": "vocab_file", "key", "path", "dtype", "num_oov_buckets",
//             optional "vocabulary_size", "default_value"}
//          | {"kind": "identity", "key", "num_buckets", optional "default_value"}
//          | {"kind": "bucketized", "key", "dimension", "boundaries" (hex float32)}
//          | {"kind": "crossed", "keys": [raw key | COLUMN], "buckets", optional "hash_key"}
//          | {"kind": "weighted", "column": COLUMN, "weight_key"}
// Output: one line holding a JSON list, per column {"indices", "ids",
// "shape", "weights"} or {"error": message}. Exit 2 on a bad spec.
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tfcompat/feature_column/categorical_column.h"

namespace tfcompat::feature_column {
namespace {

using Column = CategoricalColumn;
using nlohmann::json;

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::vector<float> UnhexFloats(const json& hexes) {
  std::vector<float> out;
  for (const json& hex : hexes) {
    const std::string bytes = Unhex(hex.get<std::string>());
    float value = 0;
    std::memcpy(&value, bytes.data(), sizeof(value));
    out.push_back(value);
  }
  return out;
}

std::vector<std::string> UnhexStrings(const json& hexes) {
  std::vector<std::string> out;
  for (const json& hex : hexes) out.push_back(Unhex(hex.get<std::string>()));
  return out;
}

template <typename T>
FeatureTensor<T> MakeTensor(const json& spec, std::vector<T> values) {
  const auto shape = spec.at("shape").get<Index2>();
  if (!spec.contains("indices")) return FeatureTensor<T>::Dense(shape[0], shape[1], std::move(values));
  return FeatureTensor<T>::Sparse(spec.at("indices").get<std::vector<Index2>>(), std::move(values), shape);
}

Feature MakeFeature(const json& spec) {
  const std::string type = spec.at("type");
  if (type == "string") return MakeTensor(spec, UnhexStrings(spec.at("values")));
  if (type == "int64") return MakeTensor(spec, spec.at("values").get<std::vector<int64_t>>());
  return MakeTensor(spec, UnhexFloats(spec.at("values")));
}

KeyType Dtype(const json& spec) {
  return spec.value("dtype", "string") == "int64" ? KeyType::kInt64 : KeyType::kString;
}

StatusOr<Column> MakeColumn(const json& spec) {
  const std::string kind = spec.at("kind");
  if (kind == "hash") return Column::HashBucket(spec.at("key"), spec.at("buckets"), Dtype(spec));
  if (kind == "vocab_list") {
    const int64_t oov = spec.value("num_oov_buckets", 0);
    const int64_t default_value = spec.value("default_value", -1);
    if (Dtype(spec) == KeyType::kInt64) {
      return Column::Int64VocabularyList(spec.at("key"), spec.at("vocabulary").get<std::vector<int64_t>>(), oov,
                                         default_value);
    }
    return Column::VocabularyList(spec.at("key"), UnhexStrings(spec.at("vocabulary")), oov, default_value);
  }
  if (kind == "vocab_file") {
    Column::VocabularyFileOptions options{.num_oov_buckets = spec.value("num_oov_buckets", 0), .dtype = Dtype(spec)};
    if (spec.contains("vocabulary_size")) options.vocabulary_size = spec.at("vocabulary_size").get<int64_t>();
    if (spec.contains("default_value")) options.default_value = spec.at("default_value").get<int64_t>();
    return Column::VocabularyFile(spec.at("key"), spec.at("path"), options);
  }
  if (kind == "identity") {
    std::optional<int64_t> default_value;
    if (spec.contains("default_value")) default_value = spec.at("default_value").get<int64_t>();
    return Column::Identity(spec.at("key"), spec.at("num_buckets"), default_value);
  }
  if (kind == "bucketized") {
    return Column::Bucketized(spec.at("key"), spec.at("dimension"), UnhexFloats(spec.at("boundaries")));
  }
  if (kind == "crossed") {
    std::vector<Column::CrossKey> keys;
    for (const json& key : spec.at("keys")) {
      if (key.is_string()) {
        keys.emplace_back(key.get<std::string>());
        continue;
      }
      StatusOr<Column> column = MakeColumn(key);
      if (!column.ok()) return column.status();
      keys.emplace_back(std::move(*column));
    }
    return Column::Crossed(std::move(keys), spec.at("buckets"), spec.value("hash_key", kDefaultCrossHashKey));
  }
  if (kind == "weighted") {
    StatusOr<Column> ids = MakeColumn(spec.at("column"));
    if (!ids.ok()) return ids.status();
    return Column::Weighted(std::move(*ids), spec.at("weight_key"));
  }
  return InvalidArgumentError("unknown column kind " + kind);
}

json Describe(const StatusOr<SparseIds>& ids) {
  if (!ids.ok()) return {{"error", ids.status().ToString()}};
  return {{"indices", ids->indices}, {"ids", ids->ids}, {"shape", ids->dense_shape}, {"weights", ids->weights}};
}

}  // namespace
}  // namespace tfcompat::feature_column

int main(int argc, char** argv) {
  using namespace tfcompat::feature_column;  // NOLINT: a test driver's main
  if (argc != 2) {
    std::cerr << "usage: feature_column_ids SPEC.json\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  const nlohmann::json spec = nlohmann::json::parse(in);
  FeatureMap features;
  for (const auto& [key, feature] : spec.at("features").items()) features[key] = MakeFeature(feature);
  nlohmann::json out = nlohmann::json::array();
  for (const nlohmann::json& column_spec : spec.at("columns")) {
    tfcompat::StatusOr<CategoricalColumn> column = MakeColumn(column_spec);
    out.push_back(column.ok() ? Describe(column->Transform(features)) : Describe(column.status()));
  }
  std::cout << out.dump() << "\n";
  return 0;
}
