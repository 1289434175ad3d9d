// SPDX-License-Identifier: Apache-2.0
// A few worker threads that help one calling thread through a parallel loop.
//
//   ThreadPool pool(1);
//   pool.Run(8, 1, [&](int task) { Work(task); });   // tasks 0..7, on up to 2 threads
//
// Idle workers sleep on a condition variable (no spinning), and so does a
// caller waiting for the last task of a worker. Tasks are claimed one at a
// time from a shared counter, the caller included: a worker that is slow to
// wake (its core busy with another process) takes fewer tasks, or none, and
// the loop never waits for a thread that has not started.
#ifndef TFCOMPAT_SRC_KERNELS_THREAD_POOL_H_
#define TFCOMPAT_SRC_KERNELS_THREAD_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace tfcompat::kernels {

class ThreadPool {
 public:
  explicit ThreadPool(int workers);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  // Wakes the workers and joins them.
  ~ThreadPool();

  int workers() const { return static_cast<int>(threads_.size()); }

  // Runs task(0) ... task(tasks - 1), each once, on the calling thread and at
  // most `helpers` workers, and returns when every one has finished (their
  // effects visible to the caller). Thread-safe: while one Run is under way, a
  // Run from another thread runs all its tasks on its own thread.
  template <typename F>
  void Run(int tasks, int helpers, F& task) {
    RunTasks(
        tasks, helpers, [](void* f, int t) { (*static_cast<F*>(f))(t); }, &task);
  }

 private:
  using TaskFunction = void (*)(void* context, int task);

  void RunTasks(int tasks, int helpers, TaskFunction function, void* context);
  // Claims and runs tasks of the current loop until none is left.
  void ClaimTasks();
  void WorkerLoop();

  std::mutex run_mu_;  // held by the one caller whose loop the workers may join

  std::mutex mu_;
  std::condition_variable work_cv_;  // a loop opened, or the pool stops
  std::condition_variable done_cv_;  // the last worker left a loop
  uint64_t generation_ = 0;          // loops opened so far
  bool open_ = false;                // workers may still join loop `generation_`
  int seats_ = 0;                    // how many more workers may join it
  int active_ = 0;                   // workers inside it
  bool stop_ = false;

  // The current loop: written under mu_ before it opens, read by the threads
  // that joined it, left unchanged until they have all left.
  TaskFunction function_ = nullptr;
  void* context_ = nullptr;
  int tasks_ = 0;
  std::atomic<int> next_task_{0};

  std::vector<std::thread> threads_;
};

}  // namespace tfcompat::kernels

#endif  // TFCOMPAT_SRC_KERNELS_THREAD_POOL_H_
