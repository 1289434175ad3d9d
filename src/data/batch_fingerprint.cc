// SPDX-License-Identifier: Apache-2.0
#include "data/batch_fingerprint.h"

#include <string>
#include <string_view>
#include <vector>

#include "feature_column/fingerprint.h"

namespace tfcompat::data {
namespace {

using feature_column::Fingerprint64;
using feature_column::FingerprintCat64;

// The fingerprint so far, with each part chained onto it in turn.
class Chain {
 public:
  void Add(int64_t value) { fingerprint_ = FingerprintCat64(fingerprint_, static_cast<uint64_t>(value)); }
  void Add(std::string_view bytes) { fingerprint_ = FingerprintCat64(fingerprint_, Fingerprint64(bytes)); }

  void Add(const std::vector<float>& values) {
    Add(static_cast<int64_t>(values.size()));
    Add(std::string_view(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
  }

  void Add(const Tensor& tensor) {
    Add(static_cast<int64_t>(tensor.dtype()));
    Add(static_cast<int64_t>(tensor.shape().size()));
    for (const int64_t dim : tensor.shape()) Add(dim);
    if (tensor.dtype() == DataType::kString) {
      // The count too: a writer may leave it unlike the shape's.
      Add(static_cast<int64_t>(tensor.strings().size()));
      for (const std::string& value : tensor.strings()) Add(std::string_view(value));
    } else {
      Add(tensor.bytes());
    }
  }

  uint64_t fingerprint() const { return fingerprint_; }

 private:
  uint64_t fingerprint_ = 0;
};

}  // namespace

uint64_t BatchFingerprint(const Batch& batch) {
  Chain chain;
  chain.Add(batch.size);
  const size_t names = batch.feature_names == nullptr ? 0 : batch.feature_names->size();
  chain.Add(static_cast<int64_t>(names));
  for (size_t i = 0; i < names; ++i) chain.Add(std::string_view((*batch.feature_names)[i]));
  chain.Add(batch.features);
  chain.Add(batch.labels);

  const ParsedFeatures& typed = batch.typed_features;
  chain.Add(typed.batch_size);
  chain.Add(static_cast<int64_t>(typed.dense.size()));
  for (const auto& [key, tensor] : typed.dense) {
    chain.Add(std::string_view(key));
    chain.Add(tensor);
  }
  chain.Add(static_cast<int64_t>(typed.sparse.size()));
  for (const auto& [key, sparse] : typed.sparse) {
    chain.Add(std::string_view(key));
    chain.Add(sparse.indices);
    chain.Add(sparse.values);
    chain.Add(sparse.dense_shape);
  }
  return chain.fingerprint();
}

}  // namespace tfcompat::data
