// SPDX-License-Identifier: Apache-2.0
// How BundleReader::ReadInto reads (internal): many fixed-width tensors of
// one bundle into the caller's memory, each checked against its CRC-32C.
// Two ways, chosen by whether the first tensor's first byte is in the page
// cache:
//
//   warm   reads of at most 1 MiB straight into the destinations (preadv: a
//          run of small neighbours in one read, the bytes between them into
//          a sink; a large tensor in pieces), in chunks of >= 32 MiB cut
//          between tensors, chunks taken in order by up to
//          ParallelThreads() threads; a thread checks a read's tensors
//          right after it, while they are in its cache.
//   cold   the file in windows of 16 MiB read past the page cache (O_DIRECT)
//          into aligned buffers of huge pages (aligned_buffer_pool.h: the
//          disk gets larger requests), in file order, eight reads in
//          flight (the disk delivers more the more is queued), by threads
//          that each copy a window that has been read if there is one, else
//          start the next read: a window's slices of tensors go to their
//          destinations, every tensor lying whole in it checked there; a
//          tensor cut by window boundaries is checked at the end from its
//          slices' CRCs (crc32c::Combine). Any failure reads everything
//          again the warm way, which reports the first failure in file
//          order. Less than a window in all is read warm: a small restore
//          is quick either way and not worth a 16 MiB buffer.
//
// Why cold reads avoid the page cache: filling it costs its pages, which on
// a VM handing freed memory back to its host decides the read (1 GiB cold
// through the page cache 0.45-1.77 s, in turn with O_DIRECT reads of
// 0.36-0.65 s), and the data is read once, into the caller's memory,
// anyway. Past the page cache the same restore took 0.37-0.44 s in turn
// with raw one-at-a-time O_DIRECT reads of the file: 0.94-1.39x their speed
// into 4 KiB pages, 0.90-1.14x into huge pages.
#ifndef TFCOMPAT_SRC_CHECKPOINT_BUNDLE_READ_INTO_H_
#define TFCOMPAT_SRC_CHECKPOINT_BUNDLE_READ_INTO_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "checkpoint/bundle_format.h"
#include "io/file.h"
#include "tfcompat/base/status.h"

namespace tfcompat::bundle {

// One tensor to read: `size` bytes at `offset` of `file` (checked against
// the file's size by the caller) into `destination`.
struct ReadTarget {
  std::string_view name;
  const EntryRecord* entry = nullptr;
  const RandomAccessFile* file = nullptr;
  uint64_t offset = 0;
  uint64_t size = 0;
  char* destination = nullptr;
};

// What the reader knows about a tensor beyond its bytes.
struct TargetChecks {
  // DataLoss unless `crc` (of the bytes read) is the tensor's stored CRC.
  std::function<Status(const ReadTarget& target, uint32_t crc)> crc;
  // Names the tensor in the errors of its reads ("TensorBundle at ..., key
  // ...").
  std::function<std::string(const ReadTarget& target)> where;
};

// Reads every target into its destination and checks it. The first failure
// in file order: a read's error (with the tensor named), a truncated read
// (DataLoss "truncated read of F: ..."), a CRC mismatch. Destinations must
// not overlap; after a failure their contents are unspecified.
[[nodiscard]] Status ReadTargets(std::vector<ReadTarget> targets, const TargetChecks& checks);

}  // namespace tfcompat::bundle

#endif  // TFCOMPAT_SRC_CHECKPOINT_BUNDLE_READ_INTO_H_
