// SPDX-License-Identifier: Apache-2.0
// Chooses, for each kind of job, whether to run it on one thread or on
// several, by timing it both ways.
//
//   const ThreadChooser::Key key{m, n, k, layout};
//   const bool parallel = chooser.Parallel(key);
//   const auto start = Clock::now();
//   Run(parallel ? threads : 1);
//   chooser.Record(key, parallel, Seconds(Clock::now() - start));
//
// Whether a second thread pays depends on more than a job's size: on a
// machine shared with other processes, the other core may be busy, and a
// worker that claimed a task and then lost its core makes the whole job
// wait. So each key runs both ways kMinSamples times (alternately), then the
// way with the lower median of its last kWindow times. Now and then it runs
// the other way once (a probe), so that a change of load is noticed: first
// after kMinProbePeriod calls; each probe that loses doubles the wait (up to
// kMaxProbePeriod), so that a busy machine pays for very few; a probe that
// beats the current median is repeated at once, until the medians decide.
// Thread-safe.
#ifndef TFCOMPAT_SRC_KERNELS_THREAD_CHOOSER_H_
#define TFCOMPAT_SRC_KERNELS_THREAD_CHOOSER_H_

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

namespace tfcompat::kernels {

class ThreadChooser {
 public:
  static constexpr int kWindow = 5;
  static constexpr int kMinSamples = 3;
  static constexpr int64_t kMinProbePeriod = 32;
  static constexpr int64_t kMaxProbePeriod = 1024;
  // Beyond this many keys, new keys run on one thread (never slower than
  // today's choice for them, and the table stays small).
  static constexpr size_t kMaxKeys = 64;

  using Key = std::array<int64_t, 4>;

  // Whether the next job of `key` should run on several threads.
  bool Parallel(const Key& key);

  // How long a job of `key` took, run as Parallel() said.
  void Record(const Key& key, bool parallel, double seconds);

 private:
  struct Times {
    std::array<double, kWindow> last{};  // a ring
    int count = 0;                       // recorded so far (not capped)
    double Median() const;
  };
  struct Entry {
    Key key;
    Times times[2];  // [0]: one thread, [1]: several
    int64_t calls = 0;
    int64_t period = kMinProbePeriod;  // calls between probes
    int64_t next_probe = kMinProbePeriod;
    bool probing = false;  // a probe is out
    bool probe_parallel = false;
  };

  Entry* Find(const Key& key);  // null if absent; mu_ held

  std::mutex mu_;
  std::vector<Entry> entries_;
};

}  // namespace tfcompat::kernels

#endif  // TFCOMPAT_SRC_KERNELS_THREAD_CHOOSER_H_
