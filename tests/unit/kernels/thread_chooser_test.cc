// SPDX-License-Identifier: Apache-2.0
#include "kernels/thread_chooser.h"

#include <boost/test/unit_test.hpp>

namespace tfcompat::kernels {
namespace {

// Runs `calls` jobs of `key` that take `one` seconds on one thread and
// `several` on several; returns how many ran in parallel.
int RunJobs(ThreadChooser* chooser, const ThreadChooser::Key& key, int calls, double one, double several) {
  int parallel = 0;
  for (int i = 0; i < calls; ++i) {
    const bool p = chooser->Parallel(key);
    parallel += p;
    chooser->Record(key, p, p ? several : one);
  }
  return parallel;
}

BOOST_AUTO_TEST_SUITE(ThreadChooserTest)

BOOST_AUTO_TEST_CASE(TriesBothWaysThenKeepsTheFaster) {
  ThreadChooser chooser;
  const ThreadChooser::Key key{128, 512, 784, 0};
  // The first 2 * kMinSamples calls alternate, starting on one thread.
  for (int i = 0; i < 2 * ThreadChooser::kMinSamples; ++i) {
    const bool p = chooser.Parallel(key);
    BOOST_TEST(p == (i % 2 == 1));
    chooser.Record(key, p, p ? 1.0 : 2.0);
  }
  // Then the faster way; probes of the other back off: 32, 64, ... 1024 calls apart.
  const int calls = 4000;
  const int parallel = RunJobs(&chooser, key, calls, 2.0, 1.0);
  BOOST_TEST(parallel < calls);
  BOOST_TEST(parallel >= calls - 9);
}

BOOST_AUTO_TEST_CASE(FollowsAChangeOfLoad) {
  ThreadChooser chooser;
  const ThreadChooser::Key key{1, 2, 3, 4};
  BOOST_TEST(RunJobs(&chooser, key, 100, 2.0, 1.0) >= 90);  // parallel pays
  // The other core gets busy: parallel now takes 3x as long. Once its median
  // moves (a few calls), one thread is chosen, and few probes follow.
  RunJobs(&chooser, key, ThreadChooser::kWindow, 2.0, 6.0);
  BOOST_TEST(RunJobs(&chooser, key, 3000, 2.0, 6.0) <= 7);
  // The other core is idle again: the next probe wins, is repeated at once,
  // and parallel is chosen again.
  RunJobs(&chooser, key, static_cast<int>(ThreadChooser::kMaxProbePeriod) + ThreadChooser::kWindow, 2.0, 1.0);
  BOOST_TEST(RunJobs(&chooser, key, 100, 2.0, 1.0) >= 95);
}

BOOST_AUTO_TEST_CASE(KeysAreIndependentAndTheTableIsBounded) {
  ThreadChooser chooser;
  RunJobs(&chooser, {1, 1, 1, 0}, 20, 2.0, 1.0);
  RunJobs(&chooser, {2, 2, 2, 0}, 20, 1.0, 2.0);
  // Calls 20..29 of each key: no probe among them.
  BOOST_TEST(RunJobs(&chooser, {1, 1, 1, 0}, 10, 2.0, 1.0) == 10);
  BOOST_TEST(RunJobs(&chooser, {2, 2, 2, 0}, 10, 1.0, 2.0) == 0);
  for (int64_t i = 0; i < static_cast<int64_t>(ThreadChooser::kMaxKeys); ++i) RunJobs(&chooser, {i, 9, 9, 9}, 1, 1, 1);
  // Full: a new key always runs on one thread.
  BOOST_TEST(RunJobs(&chooser, {-1, -1, -1, -1}, 20, 2.0, 1.0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::kernels
