// SPDX-License-Identifier: Apache-2.0
// A std::chrono clock of the calling thread's CPU time, for benchmarks of work
// that runs on one thread: on a machine shared with other processes, wall
// time also counts the time slices they take, CPU time does not.
#ifndef TFCOMPAT_BENCH_THREAD_CPU_CLOCK_H_
#define TFCOMPAT_BENCH_THREAD_CPU_CLOCK_H_

#include <time.h>

#include <chrono>
#include <cstdint>

namespace tfcompat::bench {

struct ThreadCpuClock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<ThreadCpuClock>;
  static constexpr bool is_steady = true;

  static time_point now() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return time_point(duration(int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec));
  }
};

}  // namespace tfcompat::bench

#endif  // TFCOMPAT_BENCH_THREAD_CPU_CLOCK_H_
