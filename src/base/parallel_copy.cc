// SPDX-License-Identifier: Apache-2.0
#include "base/parallel_copy.h"

#include <algorithm>
#include <cstring>

#include "base/parallel_for.h"

namespace tfcompat {
namespace {

// Copies bytes [begin, end) of the ranges taken back to back.
void CopyShare(std::span<const CopyRange> ranges, size_t begin, size_t end) {
  size_t at = 0;  // where the current range starts among all the bytes
  for (const CopyRange& range : ranges) {
    if (at >= end) return;
    const size_t from = std::max(begin, at);
    const size_t to = std::min(end, at + range.size);
    if (from < to) std::memcpy(range.to + (from - at), range.from + (from - at), to - from);
    at += range.size;
  }
}

}  // namespace

void ParallelCopy(std::span<const CopyRange> ranges, int max_threads, size_t min_bytes_per_thread) {
  size_t total = 0;
  for (const CopyRange& range : ranges) total += range.size;
  const size_t by_size = std::max<size_t>(1, total / std::max<size_t>(1, min_bytes_per_thread));
  const size_t shares = std::min(by_size, static_cast<size_t>(std::max(1, max_threads)));
  const auto cut = [&](size_t share) { return total / shares * share + total % shares * share / shares; };
  // A copy cannot fail.
  ParallelFor(shares, static_cast<int>(shares), [&](size_t share, int) {
    CopyShare(ranges, cut(share), cut(share + 1));
    return OkStatus();
  }).IgnoreError();
}

}  // namespace tfcompat
