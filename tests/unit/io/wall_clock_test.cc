// SPDX-License-Identifier: Apache-2.0
#include "io/wall_clock.h"

#include <time.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

namespace tfcompat {
namespace {

using wall_clock_internal::kMaxRateChange;
using wall_clock_internal::MeasuredRate;

double KernelSeconds() {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

struct Agreement {
  int64_t calls = 0;
  int64_t outside = 0;  // Calls off by more than the slack.
  double worst = 0;     // Seconds outside the kernel's bracket.
};

// Reads our clock between two readings of the kernel's for `seconds`
// (through many anchors) and measures how far each result lies outside
// them: a wrong rate or anchor shows as an error growing with the time since
// the anchor (1% of a 50 ms period is 500 us).
Agreement MeasureAgreement(double seconds, double slack) {
  Agreement agreement;
  const double end = KernelSeconds() + seconds;
  for (double before = KernelSeconds(); before < end; before = KernelSeconds()) {
    const double ours = WallClockSeconds();
    const double after = KernelSeconds();
    const double error = ours < before ? before - ours : ours > after ? ours - after : 0;
    agreement.worst = std::max(agreement.worst, error);
    agreement.outside += error > slack;
    ++agreement.calls;
  }
  return agreement;
}

void ExpectAgreement(const Agreement& agreement, double slack) {
  BOOST_TEST_MESSAGE(agreement.calls << " calls, worst " << agreement.worst * 1e6
                                     << " us outside the kernel's bracket, tsc " << WallClockUsesTsc());
  BOOST_TEST(agreement.calls > 0);
  BOOST_TEST(agreement.outside == 0, agreement.outside << " of " << agreement.calls << " calls off by more than "
                                                       << slack * 1e6 << " us (worst " << agreement.worst * 1e6
                                                       << " us)");
}

// Errors measured here are well under a microsecond; 200 us leaves room for
// NTP's slew (500 ppm of a 50 ms period is 25 us) and a loaded machine.
constexpr double kSlack = 200e-6;

BOOST_AUTO_TEST_SUITE(WallClockTest)

BOOST_AUTO_TEST_CASE(FirstRateMustBeACounterFrequency) {
  // 3 GHz over 50 ms.
  const auto rate = MeasuredRate(1000, 0, 1000 + 150'000'000, 50'000'000, 0);
  BOOST_REQUIRE(rate.has_value());
  BOOST_TEST(*rate == 1.0 / 3e9, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(!MeasuredRate(0, 0, 1'000'000, 50'000'000, 0).has_value());       // 20 MHz
  BOOST_TEST(!MeasuredRate(0, 0, 10'000'000'000, 50'000'000, 0).has_value());  // 200 GHz
  BOOST_TEST(!MeasuredRate(5, 0, 5, 50'000'000, 0).has_value());               // no tick
  BOOST_TEST(!MeasuredRate(5, 0, 4, 50'000'000, 0).has_value());               // backwards
  BOOST_TEST(!MeasuredRate(0, 50'000'000, 150'000'000, 0, 0).has_value());     // clock went back
}

BOOST_AUTO_TEST_CASE(LaterRatesFollowSlewsButNotSteps) {
  const double previous = 1.0 / 3e9;
  // 3 GHz slewed by 400 ppm: followed.
  const auto slewed = MeasuredRate(0, 0, 150'000'000, 50'020'000, previous);
  BOOST_REQUIRE(slewed.has_value());
  BOOST_TEST(*slewed / previous - 1 == 4e-4, boost::test_tools::tolerance(1e-9));
  // The clock stepped 1 ms forward or back within the 50 ms: not the counter's rate.
  BOOST_TEST(!MeasuredRate(0, 0, 150'000'000, 51'000'000, previous).has_value());
  BOOST_TEST(!MeasuredRate(0, 0, 150'000'000, 49'000'000, previous).has_value());
  BOOST_TEST(kMaxRateChange < 1e-2);
}

BOOST_AUTO_TEST_CASE(AgreesWithTheKernelClock) {
  // Through the first calibration and six anchors.
  ExpectAgreement(MeasureAgreement(0.3, kSlack), kSlack);
}

BOOST_AUTO_TEST_CASE(AgreesWithTheKernelClockFromSeveralThreads) {
  std::vector<Agreement> agreements(3);
  std::vector<std::thread> threads;
  for (Agreement& agreement : agreements) {
    threads.emplace_back([&agreement] { agreement = MeasureAgreement(0.2, kSlack); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Agreement& agreement : agreements) ExpectAgreement(agreement, kSlack);
}

BOOST_AUTO_TEST_CASE(StepsBackOnlyByTheExtrapolationError) {
  // Between anchors the result is a line of the counter, never decreasing;
  // a new anchor may move it back by the extrapolation's error (under a
  // microsecond here). A larger step back would be a bug.
  double last = WallClockSeconds();
  double worst_back = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while (std::chrono::steady_clock::now() < end) {
    const double now = WallClockSeconds();
    BOOST_REQUIRE(std::isfinite(now));
    worst_back = std::max(worst_back, last - now);
    last = now;
  }
  BOOST_TEST(worst_back <= kSlack, "went back by " << worst_back * 1e6 << " us");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
