// SPDX-License-Identifier: Apache-2.0
// A copy of many ranges on more than one core.
//
// One core copies memory at the rate its outstanding cache misses allow,
// not at the memory's: on this project's 2-core VM one core copies 1 GiB
// in 0.087 s and two copy it in 0.052 s; 100 000 tensors of 10.5 KiB lying
// 4 KiB apart, 0.124 s against 0.085 s. CheckpointManager::SaveAsync
// blocks training for exactly such a copy (its snapshot), so it copies on
// the cores the training thread leaves idle while it waits.
#ifndef TFCOMPAT_BASE_PARALLEL_COPY_H_
#define TFCOMPAT_BASE_PARALLEL_COPY_H_

#include <cstddef>
#include <span>

namespace tfcompat {

struct CopyRange {
  char* to;
  const char* from;
  size_t size;
};

// Below this many bytes per thread, starting a thread (tens of
// microseconds) costs more than it saves.
inline constexpr size_t kMinParallelCopyBytes = size_t{16} << 20;

// Copies every range as memcpy would (no destination may overlap another
// range), the bytes of all of them cut into equal shares wherever the cuts
// fall, one per `min_bytes_per_thread` bytes and at most `max_threads`,
// copied by as many threads (ParallelFor: the caller's among them).
void ParallelCopy(std::span<const CopyRange> ranges, int max_threads,
                  size_t min_bytes_per_thread = kMinParallelCopyBytes);

}  // namespace tfcompat

#endif  // TFCOMPAT_BASE_PARALLEL_COPY_H_
