// SPDX-License-Identifier: Apache-2.0
// Aligned buffers of one size, kept for reuse once given back.
//
// The streaming file (file.cc) stages its O_DIRECT writes in two 8 MiB
// aligned buffers. A process that saves a checkpoint saves again, and
// writing from buffers kept from the last save is faster than from new
// ones: on a VM that hands freed memory back to its host (free page
// reporting), 1 GiB written with O_DIRECT spent 0.61-0.68 s in write()
// from buffers allocated for the save and 0.42-0.49 s from buffers kept
// from the save before; on any machine a kept buffer saves its page faults
// and their zeroing. The price is the kept buffers' memory for the life of
// the pool, bounded by `max_kept`.
#ifndef TFCOMPAT_IO_ALIGNED_BUFFER_POOL_H_
#define TFCOMPAT_IO_ALIGNED_BUFFER_POOL_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace tfcompat {

class AlignedBufferPool {
 public:
  // Gives the buffer back to its pool when the owner is done with it.
  class GiveBack {
   public:
    explicit GiveBack(AlignedBufferPool* pool = nullptr) : pool_(pool) {}
    void operator()(char* buffer) const { pool_->Give(buffer); }

   private:
    AlignedBufferPool* pool_;
  };
  using Buffer = std::unique_ptr<char, GiveBack>;

  // Buffers of `buffer_size` bytes aligned to `alignment` (a power of two);
  // at most `max_kept` of them wait for reuse, the rest are freed.
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
  size_t kept() const;

 private:
  void Give(char* buffer);

  const size_t buffer_size_;
  const size_t alignment_;
  const size_t max_kept_;
  mutable std::mutex mu_;
  std::vector<char*> kept_;  // Under mu_.
};

}  // namespace tfcompat

#endif  // TFCOMPAT_IO_ALIGNED_BUFFER_POOL_H_
