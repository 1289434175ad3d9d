// SPDX-License-Identifier: Apache-2.0
// WallClockSeconds(): CLOCK_REALTIME as seconds since the Unix epoch, the
// wall_time of every event.
//
// An event costs ~90 ns here, and clock_gettime() a quarter of it (~25 ns in
// this project's VM: the vDSO orders its counter read with a fence and
// retries a sequence lock). Where the kernel itself keeps time with the CPU's
// time-stamp counter (clocksource "tsc" on an invariant TSC), the same
// counter extrapolated from a recent reading of the kernel's clock gives the
// same time for ~8 ns:
//
//   seconds = anchor.seconds + (rdtsc() - anchor.ticks) * anchor.seconds_per_tick
//
// The anchor is one (counter, CLOCK_REALTIME) pair, taken again after every
// kAnchorPeriodSeconds of counter time; the rate is re-measured over each
// period, so NTP's slewing (at most 500 ppm) and steps of the clock reach us
// within that period. Between anchors the result may drift from the kernel's
// by the change of slew over one period (microseconds at most), and a new
// anchor may move it back by as much, as CLOCK_REALTIME itself moves under
// NTP. Elsewhere (another clocksource or CPU), clock_gettime(CLOCK_REALTIME).
// Thread-safe.
#ifndef TFCOMPAT_SRC_IO_WALL_CLOCK_H_
#define TFCOMPAT_SRC_IO_WALL_CLOCK_H_

#include <cstdint>
#include <optional>

namespace tfcompat {

double WallClockSeconds();

// Whether WallClockSeconds() extrapolates the time-stamp counter (for
// benchmarks and tests to report).
bool WallClockUsesTsc();

namespace wall_clock_internal {

// The counter's time between anchors.
inline constexpr double kAnchorPeriodSeconds = 0.05;
// The first rate is measured over at least this long; until then every
// call reads the kernel's clock.
inline constexpr double kFirstCalibrationSeconds = 0.002;
// A rate that differs from the previous one by more than this is not the
// counter's (NTP slews by at most 500 ppm): the kernel's clock was stepped
// between the two anchors, and the previous rate is kept.
inline constexpr double kMaxRateChange = 1e-3;

// The counter's rate, in seconds per tick, between two readings of the
// counter and of the kernel's clock (nanoseconds since the epoch), or
// nullopt when it is not credible: a counter that did not advance, a first
// rate outside 100 MHz .. 100 GHz, or a change of more than kMaxRateChange
// from `previous` (0: none yet).
std::optional<double> MeasuredRate(uint64_t from_ticks, int64_t from_nanos, uint64_t to_ticks, int64_t to_nanos,
                                   double previous);

}  // namespace wall_clock_internal
}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_IO_WALL_CLOCK_H_
