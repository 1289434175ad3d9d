// SPDX-License-Identifier: Apache-2.0
// Tasks run on several cores, taken in order, with a sequential loop's error.
#ifndef TFCOMPAT_BASE_PARALLEL_FOR_H_
#define TFCOMPAT_BASE_PARALLEL_FOR_H_

#include <cstddef>
#include <functional>

#include "tfcompat/base/status.h"

namespace tfcompat {

// Runs task(0, ...) to task(count - 1, ...) on up to `max_threads` threads:
// the caller's and at most max_threads - 1 started for the call (fewer when
// there are fewer tasks; a thread that cannot be started leaves its tasks
// to the others). Each thread takes the next task nobody took yet, so one
// slowed down (its core busy elsewhere) takes fewer. `task` gets the task's
// index and its thread's, in [0, max_threads), 0 being the caller's: a
// task may use scratch of its thread's without locking.
//
// Once a task fails no further task is started; the error returned is that
// of the failed task with the lowest index. As tasks are taken in order,
// it is the error a loop over the tasks in order would return.
[[nodiscard]] Status ParallelFor(size_t count, int max_threads,
                                 const std::function<Status(size_t task, int thread)>& task);

// The machine's hardware threads (std::thread::hardware_concurrency(), at
// least 1), read once: the call reads /sys, microseconds.
int HardwareThreads();

// The threads worth starting for work that moves memory (copies, reads,
// CRCs): HardwareThreads(), at most four (a few cores saturate one
// socket's memory channels). Compute-bound kernels (gemm) use them all.
int ParallelThreads();

}  // namespace tfcompat

#endif  // TFCOMPAT_BASE_PARALLEL_FOR_H_
