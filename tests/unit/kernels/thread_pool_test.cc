// SPDX-License-Identifier: Apache-2.0
#include "kernels/thread_pool.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <thread>
#include <vector>

namespace tfcompat::kernels {
namespace {

BOOST_AUTO_TEST_SUITE(ThreadPoolTest)

BOOST_AUTO_TEST_CASE(EveryTaskRunsOnceAndItsEffectsAreVisible) {
  ThreadPool pool(3);
  BOOST_TEST(pool.workers() == 3);
  for (int tasks : {0, 1, 2, 7, 100}) {
    for (int helpers : {0, 1, 3, 10}) {
      std::vector<int> runs(static_cast<size_t>(tasks), 0);  // plain ints: Run's return publishes them
      auto task = [&](int t) { ++runs[static_cast<size_t>(t)]; };
      pool.Run(tasks, helpers, task);
      for (int t = 0; t < tasks; ++t) BOOST_TEST(runs[static_cast<size_t>(t)] == 1, "task " << t);
    }
  }
}

BOOST_AUTO_TEST_CASE(WorkersRunTasksBesideTheCaller) {
  ThreadPool pool(1);
  // Each task waits (bounded) until two different threads have entered a
  // task: with a helper, both get there.
  std::atomic<int> inside{0};
  std::atomic<bool> met{false};
  auto task = [&](int) {
    inside.fetch_add(1);
    for (int spin = 0; spin < 2000000 && !met.load(); ++spin) {
      if (inside.load() >= 2) met.store(true);
      std::this_thread::yield();
    }
  };
  pool.Run(2, 1, task);
  BOOST_TEST(met.load());
}

BOOST_AUTO_TEST_CASE(WithoutWorkersTheCallerRunsEverything) {
  ThreadPool pool(0);
  const std::thread::id caller = std::this_thread::get_id();
  int runs = 0;
  bool elsewhere = false;
  auto task = [&](int) {
    ++runs;
    elsewhere |= std::this_thread::get_id() != caller;
  };
  pool.Run(10, 4, task);
  BOOST_TEST(runs == 10);
  BOOST_TEST(!elsewhere);
}

// Callers on several threads share one pool: one at a time gets the workers,
// the others run their tasks themselves; none loses a task.
BOOST_AUTO_TEST_CASE(ConcurrentCallersEachRunEveryTaskOnce) {
  ThreadPool pool(2);
  constexpr int kCallers = 4, kLoops = 200, kTasks = 16;
  std::vector<std::thread> callers;
  std::atomic<int> wrong{0};
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&] {
      for (int loop = 0; loop < kLoops; ++loop) {
        std::vector<int> runs(kTasks, 0);
        auto task = [&](int t) { ++runs[static_cast<size_t>(t)]; };
        pool.Run(kTasks, 2, task);
        for (int r : runs) wrong += r != 1;
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::kernels
