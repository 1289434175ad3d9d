// SPDX-License-Identifier: Apache-2.0
// How TF's Python prints the numbers and times of its Estimator log lines,
// so ours read the same ("loss = 0.2381, step = 100 (0.012 sec)").
#ifndef TFCOMPAT_SRC_ESTIMATOR_LOG_FORMAT_H_
#define TFCOMPAT_SRC_ESTIMATOR_LOG_FORMAT_H_

#include <chrono>
#include <string>

namespace tfcompat::estimator {

// The clock of durations in log lines (never of wall_time in event files).
using LogClock = std::chrono::steady_clock;

double SecondsSince(LogClock::time_point start);

// str(numpy.float32(value)), as TF's log lines print metrics and losses:
// the shortest digits that read back as the same float, positional for
// 1e-4 <= |value| < 1e16 (with ".0" when whole: "123456790.0"), else
// scientific ("1e-05").
std::string FormatNumber(double value);

// Python's '%g' (StepCounterHook's global_step/sec).
std::string FormatG(double value);

// Python's '%.<decimals>f' of a duration in seconds.
std::string FormatSeconds(double seconds, int decimals = 3);

// The local time as time.strftime(format, time.localtime()).
std::string LocalTime(const char* format);

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_LOG_FORMAT_H_
