// SPDX-License-Identifier: Apache-2.0
// Aligned buffers of one size, kept for reuse once given back: the memory
// of direct (O_DIRECT) reads and writes.
//
// Huge pages. A buffer of 2 MiB or more starts on a 2 MiB boundary and is
// asked to be backed by transparent huge pages (madvise(MADV_HUGEPAGE): in
// the kernel's "madvise" mode, this machine's, only memory that asks gets
// them; in "always" every large region does). A direct read or write hands
// the device the buffer's physical pieces; in 4 KiB pages that is one piece
// per page, and a device takes a bounded number per request (virtio-blk
// here: 254), while 2 MiB pages make requests as large as the device allows
// (here 4 MiB). On the 2-core VM the checkpoint figures come from, 256 MiB
// written with O_DIRECT in 16 MiB writes went to the disk as 266 requests of
// 986 KiB from 4 KiB pages and as 68 of 3855 KiB from huge pages
// (/sys/block/vda/stat); 1 GiB took 0.36 s from huge pages and 0.58 s from
// 4 KiB pages, and read back 0.38 s beside 0.73 s (medians of six, in turn).
// Where huge pages cannot be had the buffers are ordinary pages, and only
// slower.
//
// Reuse. The streaming file (file.cc) stages its O_DIRECT writes in two
// 8 MiB buffers, the cold restore (bundle_read_into.cc) reads into 16 MiB
// ones. A process that saves or restores a checkpoint does it again, and
// buffers kept from the last time are faster than new ones: on a VM that
// hands freed memory back to its host (free page reporting), 1 GiB written
// with O_DIRECT spent 0.61-0.68 s in write() from buffers allocated for the
// save and 0.42-0.49 s from buffers kept from the save before; on any
// machine a kept buffer saves its page faults and their zeroing. The price
// is the kept buffers' memory for the life of the pool, bounded by
// `max_kept`.
#ifndef TFCOMPAT_IO_ALIGNED_BUFFER_POOL_H_
#define TFCOMPAT_IO_ALIGNED_BUFFER_POOL_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace tfcompat {

class AlignedBufferPool {
 public:
  // Buffers of this size or more are placed and backed as huge pages.
  static constexpr size_t kHugePageSize = size_t{2} << 20;

  // Gives the buffer back to its pool when the owner is done with it.
  class GiveBack {
   public:
    explicit GiveBack(AlignedBufferPool* pool = nullptr) : pool_(pool) {}
    void operator()(char* buffer) const { pool_->Give(buffer); }

   private:
    AlignedBufferPool* pool_;
  };
  using Buffer = std::unique_ptr<char, GiveBack>;

  // Buffers of `buffer_size` bytes (rounded up to the alignment), mapped
  // apart from the heap and aligned to `alignment` (a power of two;
  // kHugePageSize for buffers that large); at most `max_kept` of them wait
  // for reuse, the rest are unmapped.
  AlignedBufferPool(size_t buffer_size, size_t alignment, size_t max_kept);
  // Frees the kept buffers; every buffer taken must have been given back.
  ~AlignedBufferPool();
  AlignedBufferPool(const AlignedBufferPool&) = delete;
  AlignedBufferPool& operator=(const AlignedBufferPool&) = delete;

  // A kept buffer (the one given back last: the likeliest still in the
  // cache), else a new one; empty if memory cannot be had. Its contents are
  // whatever its last user left. Thread-safe.
  Buffer Take();

  size_t buffer_size() const { return buffer_size_; }
  size_t alignment() const { return alignment_; }
  size_t kept() const;

 private:
  void Give(char* buffer);

  const size_t alignment_;
  const size_t buffer_size_;
  const size_t max_kept_;
  mutable std::mutex mu_;
  std::vector<char*> kept_;  // Under mu_.
};

}  // namespace tfcompat

#endif  // TFCOMPAT_IO_ALIGNED_BUFFER_POOL_H_
