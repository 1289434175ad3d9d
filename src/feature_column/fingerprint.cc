// SPDX-License-Identifier: Apache-2.0
#include "feature_column/fingerprint.h"

#include <farmhash.h>

namespace tfcompat::feature_column {
namespace {

// Folds the high bits back into the low ones.
constexpr uint64_t ShiftMix(uint64_t value) { return value ^ (value >> 47); }

}  // namespace

uint64_t Fingerprint64(std::string_view bytes) { return util::Fingerprint64(bytes.data(), bytes.size()); }

uint64_t FingerprintCat64(uint64_t fp1, uint64_t fp2) {
  constexpr uint64_t kMul = 0xc6a4a7935bd1e995ULL;
  uint64_t result = fp1 ^ kMul;
  result ^= ShiftMix(fp2 * kMul) * kMul;
  result *= kMul;
  result = ShiftMix(result) * kMul;
  return ShiftMix(result);
}

int64_t HashBucket(std::string_view bytes, int64_t num_buckets) {
  return static_cast<int64_t>(Fingerprint64(bytes) % static_cast<uint64_t>(num_buckets));
}

}  // namespace tfcompat::feature_column
