// SPDX-License-Identifier: Apache-2.0
#include "io/aligned_buffer_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

namespace tfcompat {
namespace {

// `size` bytes of fresh memory starting at a multiple of `alignment`, or
// nullptr. Mapped rather than malloc'd: malloc may hand out heap memory
// already in 4 KiB pages, which madvise no longer makes huge.
char* MapAligned(size_t size, size_t alignment) {
  const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const size_t slack = alignment > page ? alignment - page : 0;
  void* mapped = ::mmap(nullptr, size + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) return nullptr;
  const auto begin = reinterpret_cast<uintptr_t>(mapped);
  const uintptr_t aligned = (begin + alignment - 1) / alignment * alignment;
  const uintptr_t end = begin + size + slack;
  // The slack on either side goes back.
  if (aligned > begin) ::munmap(mapped, aligned - begin);
  if (end > aligned + size) ::munmap(reinterpret_cast<void*>(aligned + size), end - (aligned + size));
  return reinterpret_cast<char*>(aligned);
}

}  // namespace

AlignedBufferPool::AlignedBufferPool(size_t buffer_size, size_t alignment, size_t max_kept)
    : alignment_(buffer_size >= kHugePageSize ? std::max(alignment, kHugePageSize) : alignment),
      // Whole pages (and whole huge pages) only.
      buffer_size_((buffer_size + alignment_ - 1) / alignment_ * alignment_),
      max_kept_(max_kept) {}

AlignedBufferPool::~AlignedBufferPool() {
  for (char* buffer : kept_) ::munmap(buffer, buffer_size_);
}

AlignedBufferPool::Buffer AlignedBufferPool::Take() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!kept_.empty()) {
      char* buffer = kept_.back();
      kept_.pop_back();
      return Buffer(buffer, GiveBack(this));
    }
  }
  char* buffer = MapAligned(buffer_size_, alignment_);
  // Before the first touch, so that the pages are huge from the start. A
  // refusal (no THP in this kernel) leaves ordinary pages: nothing to do.
  if (buffer != nullptr && alignment_ >= kHugePageSize) ::madvise(buffer, buffer_size_, MADV_HUGEPAGE);
  return Buffer(buffer, GiveBack(this));
}

size_t AlignedBufferPool::kept() const {
  std::lock_guard<std::mutex> lock(mu_);
  return kept_.size();
}

void AlignedBufferPool::Give(char* buffer) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (kept_.size() < max_kept_) {
      kept_.push_back(buffer);
      return;
    }
  }
  ::munmap(buffer, buffer_size_);
}

}  // namespace tfcompat
