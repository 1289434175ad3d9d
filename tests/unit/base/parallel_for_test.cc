// SPDX-License-Identifier: Apache-2.0
#include "base/parallel_for.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace tfcompat {
namespace {

BOOST_AUTO_TEST_SUITE(ParallelForTest)

BOOST_AUTO_TEST_CASE(RunsEveryTaskOnceWithThreadIndexesOfItsOwn) {
  for (const int threads : {1, 2, 3, 8}) {
    std::vector<std::atomic<int>> runs(1000);
    std::mutex mu;
    std::map<int, std::set<std::thread::id>> os_threads;  // per thread index
    const Status status = ParallelFor(runs.size(), threads, [&](size_t task, int thread) {
      ++runs[task];
      std::lock_guard<std::mutex> lock(mu);
      os_threads[thread].insert(std::this_thread::get_id());
      return OkStatus();
    });
    BOOST_TEST(status.ok());
    for (size_t task = 0; task < runs.size(); ++task) BOOST_TEST(runs[task] == 1, "task " << task);
    for (const auto& [thread, ids] : os_threads) {
      BOOST_TEST((thread >= 0 && thread < threads));
      BOOST_TEST(ids.size() == 1u, "thread index " << thread << " shared by " << ids.size() << " threads");
    }
    if (threads == 1) BOOST_TEST((os_threads.size() == 1 && *os_threads[0].begin() == std::this_thread::get_id()));
  }
}

BOOST_AUTO_TEST_CASE(ReturnsTheErrorOfTheLowestFailingTaskEveryTime) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const Status status = ParallelFor(64, 4, [](size_t task, int) {
      // Task 7 fails last: the others' threads reach 40 and 41 meanwhile.
      if (task == 7) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (task == 40 || task == 7 || task == 41) return DataLossError("task " + std::to_string(task));
      return OkStatus();
    });
    BOOST_TEST(status.message() == "task 7");
  }
}

BOOST_AUTO_TEST_CASE(NoTaskStartsAfterAFailureSeen) {
  std::atomic<int> started{0};
  const Status status = ParallelFor(1000, 1, [&](size_t task, int) {
    ++started;
    return task == 9 ? InternalError("stop") : OkStatus();
  });
  BOOST_TEST(status.message() == "stop");
  BOOST_TEST(started == 10);  // one thread: exactly tasks 0..9
}

BOOST_AUTO_TEST_CASE(NoTasksOrNoThreadsStillRunsOnTheCaller) {
  BOOST_TEST(ParallelFor(0, 4, [](size_t, int) { return InternalError("never"); }).ok());
  int runs = 0;  // no lock needed: max_threads <= 1 keeps everything on the caller
  BOOST_TEST(ParallelFor(5, 0, [&](size_t, int thread) {
               runs += thread == 0;
               return OkStatus();
             }).ok());
  BOOST_TEST(runs == 5);
  BOOST_TEST(ParallelThreads() >= 1);
  BOOST_TEST(ParallelThreads() <= 4);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
