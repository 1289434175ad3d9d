// SPDX-License-Identifier: Apache-2.0
// The time-stamp-counter clock behind WallClockSeconds() (see wall_clock.h).
//
// The anchor is published as a sequence lock: a reader loads the version,
// the anchor and the version again, and uses the anchor only if the version
// was even and unchanged; a writer makes the version odd, stores the anchor,
// and makes it even again. Readers never write shared memory, so any number
// of threads read the clock without taking a cache line from each other.
// Re-anchoring is rare (every kAnchorPeriodSeconds) and done by one thread at
// a time; others meanwhile read the kernel's clock.
#include "io/wall_clock.h"

#include <time.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <string_view>

#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

namespace tfcompat {
namespace wall_clock_internal {

std::optional<double> MeasuredRate(uint64_t from_ticks, int64_t from_nanos, uint64_t to_ticks, int64_t to_nanos,
                                   double previous) {
  if (to_ticks <= from_ticks) return std::nullopt;
  const double rate = static_cast<double>(to_nanos - from_nanos) * 1e-9 / static_cast<double>(to_ticks - from_ticks);
  if (previous == 0) {
    if (!(rate >= 1e-11 && rate <= 1e-8)) return std::nullopt;  // 100 GHz .. 100 MHz
  } else if (!(std::abs(rate / previous - 1) <= kMaxRateChange)) {
    return std::nullopt;
  }
  return rate;
}

}  // namespace wall_clock_internal

namespace {

using wall_clock_internal::kAnchorPeriodSeconds;
using wall_clock_internal::kFirstCalibrationSeconds;
using wall_clock_internal::MeasuredRate;

// Whole nanoseconds, so that the difference of two readings is exact (a
// double of the seconds since 1970 only resolves 0.24 us).
int64_t KernelNanos() {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

double NanosToSeconds(int64_t nanos) { return static_cast<double>(nanos) * 1e-9; }

#if defined(__x86_64__)

// Whether the kernel keeps its clock with an invariant TSC. Only then is the
// counter known to tick at one rate through frequency changes and idle
// states and to agree between CPUs: the kernel checked both before choosing
// it, and would have switched to another clocksource had it failed since.
bool KernelClockIsTsc() {
  unsigned eax, ebx, ecx, edx;
  if (__get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx) == 0 || (edx & (1u << 8)) == 0) return false;
  std::FILE* file = std::fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
  if (file == nullptr) return false;
  char name[32] = {};
  const bool read = std::fgets(name, sizeof(name), file) != nullptr;
  std::fclose(file);
  return read && std::string_view(name) == "tsc\n";
}

class TscClock {
 public:
  double Now() {
    const uint64_t ticks = __rdtsc();
    const uint64_t version = version_.load(std::memory_order_acquire);
    const uint64_t anchor_ticks = anchor_ticks_.load(std::memory_order_relaxed);
    const double anchor_seconds = anchor_seconds_.load(std::memory_order_relaxed);
    const double seconds_per_tick = seconds_per_tick_.load(std::memory_order_relaxed);
    const uint64_t period_ticks = period_ticks_.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    // A counter read before another thread's newer anchor wraps around to a
    // huge `elapsed`, and re-anchors too.
    const uint64_t elapsed = ticks - anchor_ticks;
    if ((version & 1) == 0 && version_.load(std::memory_order_relaxed) == version && elapsed < period_ticks) {
      // Signed: one instruction converts it (elapsed < period_ticks < 2^63).
      return anchor_seconds + static_cast<double>(static_cast<int64_t>(elapsed)) * seconds_per_tick;
    }
    return Reanchor();
  }

 private:
  struct Reading {
    uint64_t ticks;
    int64_t nanos;
  };

  // One (counter, kernel clock) pair: the counter read on both sides of the
  // clock, its midpoint taken; the narrowest of a few tries, so that the
  // pair is exact to a few tens of nanoseconds. nullopt if every try
  // straddled a preemption or an interrupt.
  static std::optional<Reading> ReadPair() {
    constexpr uint64_t kMaxWidthTicks = 2000;  // ~0.7 us at 3 GHz; a clean pair takes ~150
    std::optional<Reading> best;
    uint64_t best_width = kMaxWidthTicks + 1;
    for (int attempt = 0; attempt < 4; ++attempt) {
      const uint64_t before = __rdtsc();
      const int64_t nanos = KernelNanos();
      const uint64_t after = __rdtsc();
      if (after - before < best_width) {
        best_width = after - before;
        best = Reading{before + best_width / 2, nanos};
      }
    }
    return best;
  }

  double Reanchor() {
    std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
    if (!lock.owns_lock()) return NanosToSeconds(KernelNanos());  // Another thread re-anchors.
    const std::optional<Reading> now = ReadPair();
    if (!now) return NanosToSeconds(KernelNanos());  // The next call tries again.
    const double seconds = NanosToSeconds(now->nanos);
    const double previous = seconds_per_tick_.load(std::memory_order_relaxed);
    if (!have_last_ || (previous == 0 && NanosToSeconds(now->nanos - last_.nanos) < kFirstCalibrationSeconds)) {
      if (!have_last_) last_ = *now;
      have_last_ = true;
      return seconds;
    }
    const double rate = MeasuredRate(last_.ticks, last_.nanos, now->ticks, now->nanos, previous).value_or(previous);
    last_ = *now;
    if (rate == 0) return seconds;  // No credible first rate: measure again from this pair.
    Publish(now->ticks, seconds, rate);
    return seconds;
  }

  void Publish(uint64_t ticks, double seconds, double seconds_per_tick) {
    const uint64_t version = version_.load(std::memory_order_relaxed);
    version_.store(version + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    anchor_ticks_.store(ticks, std::memory_order_relaxed);
    anchor_seconds_.store(seconds, std::memory_order_relaxed);
    seconds_per_tick_.store(seconds_per_tick, std::memory_order_relaxed);
    period_ticks_.store(static_cast<uint64_t>(kAnchorPeriodSeconds / seconds_per_tick), std::memory_order_relaxed);
    version_.store(version + 2, std::memory_order_release);
  }

  std::mutex mu_;   // One re-anchoring at a time.
  Reading last_{};  // The last pair read (mu_).
  bool have_last_ = false;

  alignas(64) std::atomic<uint64_t> version_{0};
  std::atomic<uint64_t> anchor_ticks_{0};
  std::atomic<double> anchor_seconds_{0};
  std::atomic<double> seconds_per_tick_{0};  // 0 until the first rate.
  std::atomic<uint64_t> period_ticks_{0};    // 0 until the first rate: every call re-anchors.
};

// Never destroyed: threads may read the clock while the process exits.
TscClock* Tsc() {
  static TscClock* const clock = KernelClockIsTsc() ? new TscClock : nullptr;
  return clock;
}

#endif  // __x86_64__

}  // namespace

double WallClockSeconds() {
#if defined(__x86_64__)
  if (TscClock* const clock = Tsc(); clock != nullptr) return clock->Now();
#endif
  return NanosToSeconds(KernelNanos());
}

bool WallClockUsesTsc() {
#if defined(__x86_64__)
  return Tsc() != nullptr;
#else
  return false;
#endif
}

}  // namespace tfcompat
