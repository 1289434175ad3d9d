// SPDX-License-Identifier: Apache-2.0
#include "base/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace tfcompat {

Status ParallelFor(size_t count, int max_threads, const std::function<Status(size_t task, int thread)>& task) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  size_t failed_task = std::numeric_limits<size_t>::max();  // under mu
  Status error;                                             // under mu
  const auto work = [&](int thread) {
    while (!failed.load(std::memory_order_relaxed)) {
      const size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) return;
      Status status = task(i, thread);
      if (status.ok()) continue;
      failed.store(true, std::memory_order_relaxed);
      std::lock_guard<std::mutex> lock(mu);
      if (i < failed_task) {
        failed_task = i;
        error = std::move(status);
      }
    }
  };
  const auto threads = static_cast<int>(std::min<size_t>(count, static_cast<size_t>(std::max(1, max_threads))));
  std::vector<std::thread> helpers;
  for (int thread = 1; thread < threads; ++thread) {
    try {
      helpers.emplace_back(work, thread);
    } catch (const std::system_error&) {
      break;  // the threads running take the tasks
    }
  }
  work(0);
  for (std::thread& helper : helpers) helper.join();
  return error;
}

int HardwareThreads() {
  static const int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return threads;
}

int ParallelThreads() { return std::min(HardwareThreads(), 4); }

}  // namespace tfcompat
