// SPDX-License-Identifier: Apache-2.0
#include "kernels/thread_pool.h"

#include <algorithm>

namespace tfcompat::kernels {

ThreadPool::ThreadPool(int workers) {
  threads_.reserve(static_cast<size_t>(std::max(workers, 0)));
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void ThreadPool::RunTasks(int tasks, int helpers, TaskFunction function, void* context) {
  std::unique_lock<std::mutex> run(run_mu_, std::defer_lock);
  helpers = std::min(helpers, workers());
  if (tasks <= 1 || helpers <= 0 || !run.try_lock()) {
    for (int t = 0; t < tasks; ++t) function(context, t);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    function_ = function;
    context_ = context;
    tasks_ = tasks;
    next_task_.store(0, std::memory_order_relaxed);
    seats_ = helpers;
    open_ = true;
    ++generation_;
  }
  for (int i = 0; i < helpers; ++i) work_cv_.notify_one();
  ClaimTasks();
  // Every task is claimed; close the loop to latecomers and wait for the
  // workers still running one.
  std::unique_lock<std::mutex> lock(mu_);
  open_ = false;
  done_cv_.wait(lock, [this] { return active_ == 0; });
}

void ThreadPool::ClaimTasks() {
  for (int t = next_task_.fetch_add(1, std::memory_order_relaxed); t < tasks_;
       t = next_task_.fetch_add(1, std::memory_order_relaxed)) {
    function_(context_, t);
  }
}

void ThreadPool::WorkerLoop() {
  uint64_t joined = 0;  // the last loop this worker joined
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stop_ || (open_ && generation_ != joined && seats_ > 0); });
    if (stop_) return;
    joined = generation_;
    --seats_;
    ++active_;
    lock.unlock();
    ClaimTasks();
    lock.lock();
    if (--active_ == 0) done_cv_.notify_one();
  }
}

}  // namespace tfcompat::kernels
