// SPDX-License-Identifier: Apache-2.0
#include "io/aligned_buffer_pool.h"

#include <cstdlib>

namespace tfcompat {

AlignedBufferPool::AlignedBufferPool(size_t buffer_size, size_t alignment, size_t max_kept)
    // aligned_alloc wants the size a multiple of the alignment.
    : buffer_size_((buffer_size + alignment - 1) / alignment * alignment), alignment_(alignment), max_kept_(max_kept) {}

AlignedBufferPool::~AlignedBufferPool() {
  for (char* buffer : kept_) std::free(buffer);
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
  return Buffer(static_cast<char*>(std::aligned_alloc(alignment_, buffer_size_)), GiveBack(this));
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
  std::free(buffer);
}

}  // namespace tfcompat
