// SPDX-License-Identifier: Apache-2.0
// The hashes behind TensorFlow's feature columns, bit for bit:
//
//   Fingerprint64(bytes)          tensorflow::Fingerprint64 (platform/fingerprint.h),
//                                 which is farmhash::Fingerprint64; the same
//                                 value on every platform and in every version.
//   FingerprintCat64(fp1, fp2)    tensorflow::FingerprintCat64: combines two
//                                 fingerprints, order-dependent (SparseCross).
//   HashBucket(bytes, n)          StringToHashBucketFast: Fingerprint64 % n,
//                                 as tf.strings.to_hash_bucket_fast.
//
// Usage:
//   int64_t id = HashBucket("Biscoe", 16);  // 14, as TensorFlow computes it
#ifndef TFCOMPAT_FEATURE_COLUMN_FINGERPRINT_H_
#define TFCOMPAT_FEATURE_COLUMN_FINGERPRINT_H_

#include <cstdint>
#include <string_view>

namespace tfcompat::feature_column {

// FarmHash's Fingerprint64 of the bytes (Debian's libfarmhash).
uint64_t Fingerprint64(std::string_view bytes);

// TensorFlow's FingerprintCat64: mixes fp2 into fp1 with the multiplier of
// MurmurHash2-64 (0xc6a4a7935bd1e995) and two shift-xor rounds.
uint64_t FingerprintCat64(uint64_t fp1, uint64_t fp2);

// Fingerprint64(bytes) % num_buckets, in [0, num_buckets); num_buckets >= 1.
int64_t HashBucket(std::string_view bytes, int64_t num_buckets);

}  // namespace tfcompat::feature_column

#endif  // TFCOMPAT_FEATURE_COLUMN_FINGERPRINT_H_
