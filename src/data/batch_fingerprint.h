// SPDX-License-Identifier: Apache-2.0
// A 64-bit fingerprint of everything a batch holds (internal), so that the
// ranks of data-parallel training can check that they drew the same global
// batch by exchanging 8 bytes instead of the batch.
//
// Usage:
//   const uint64_t mine = BatchFingerprint(global);
//   // ... every rank's fingerprint gathered; any that differs is a rank out of step
#ifndef TFCOMPAT_SRC_DATA_BATCH_FINGERPRINT_H_
#define TFCOMPAT_SRC_DATA_BATCH_FINGERPRINT_H_

#include <cstdint>

#include "tfcompat/data/dataset.h"

namespace tfcompat::data {

// FarmHash's Fingerprint64 of each part below, chained in this order with
// FingerprintCat64 (feature_column/fingerprint.h), each count before the
// items it counts so that no two different batches chain the same parts:
//   - size;
//   - feature_names: their count and each name (a null pointer counts as
//     no names);
//   - features and labels: each one's count and its floats' bits (so 0.0
//     and -0.0 differ, and NaNs with different payloads);
//   - typed_features: batch_size, then the dense tensors by key and the
//     sparse features by key (both in key order), each with its key and,
//     per tensor (a sparse feature's indices, values, dense_shape): dtype,
//     rank, dims, and the element bytes (native byte order: little-endian
//     on every platform tfcompat builds for) or each string.
// Equal batches give equal fingerprints, on every machine and in every
// process (no pointer or seed enters it); a batch that differs in any one
// of these gives another fingerprint but with probability about 2^-64.
// Never fails: a malformed batch (SliceBatch's errors) has a fingerprint
// too.
uint64_t BatchFingerprint(const Batch& batch);

}  // namespace tfcompat::data

#endif  // TFCOMPAT_SRC_DATA_BATCH_FINGERPRINT_H_
