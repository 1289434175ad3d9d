// SPDX-License-Identifier: Apache-2.0
// The progress bar, on a clock the test moves by hand.
#include "progress_bar.h"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <sstream>
#include <string>

#include "util/text.h"

namespace tfcompat::cli {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Contains;

// A steady clock that moves only when told to.
struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  ProgressBar::Clock AsClock() {
    return [this] { return now; };
  }
};

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

BOOST_AUTO_TEST_SUITE(ProgressBarTest)

BOOST_AUTO_TEST_CASE(ShowsStepsPercentRateAndEta) {
  std::ostringstream out;
  FakeClock clock;
  const ProgressBar bar(out, 0, 1000, clock.AsClock());
  BOOST_TEST(bar.Render(450, seconds(1)) == "[#############.................]   450/1000   45%  450 steps/s  ETA 0:01");
  BOOST_TEST(bar.Render(0, seconds(0)) == "[..............................]     0/1000    0%");
  BOOST_TEST(bar.Render(1000, seconds(2)) ==
             "[##############################]  1000/1000  100%  500 steps/s  ETA 0:00");
  // A slow run: a tenth of a step a second, an hour and a half to go.
  const ProgressBar slow(out, 100, 700, clock.AsClock());
  BOOST_TEST(slow.Render(106, seconds(60)) ==
             "[..............................]  106/700    1%  0.1 steps/s  ETA 1:39:00");
  BOOST_TEST(out.str().empty());
}

BOOST_AUTO_TEST_CASE(RedrawsAtMostTenTimesASecondAndAtTheLastStep) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(out, 0, 100, clock.AsClock());
  for (int step = 1; step <= 100; ++step) {
    clock.now += milliseconds(10);
    bar.Update(step);
  }
  // A second of updates, every 10 ms: the first, one each 100 ms after it,
  // and the last step.
  BOOST_TEST(Count(out.str(), "\r[") == 11u, out.str());
  BOOST_TEST(Contains(out.str(), "\r[##############################]  100/100  100%"));
  BOOST_TEST(!Contains(out.str(), "\n"));
  bar.Finish();
  BOOST_TEST(Count(out.str(), "\r[") == 11u);  // the last step is drawn already
  BOOST_TEST(out.str().back() == '\n');
}

BOOST_AUTO_TEST_CASE(ALogLineErasesTheBarAndTheBarReturnsBelowIt) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(out, 0, 10, clock.AsClock());
  bar.PrintLine("before");  // no bar yet: a plain line
  BOOST_TEST(out.str() == "before\n");
  bar.Update(1);
  const std::string drawn = bar.Render(1, clock.now - clock.now);
  clock.now += milliseconds(10);
  bar.Update(2);  // too soon to redraw
  BOOST_TEST(out.str() == std::string("before\n\r") + drawn);
  bar.PrintLine("INFO:tfcompat:loss = 0.5, step = 1");
  // Erased with blanks, the line, then the bar again with the latest step.
  const std::string erase = std::string("\r") + std::string(drawn.size(), ' ') + "\r";
  BOOST_TEST(out.str() == std::string("before\n\r") + drawn + erase + "INFO:tfcompat:loss = 0.5, step = 1\n\r" +
                              bar.Render(2, milliseconds(10)));
  bar.Finish();
  bar.PrintLine("after");
  BOOST_TEST(out.str().substr(out.str().size() - 7) == "\nafter\n");
}

BOOST_AUTO_TEST_CASE(AShorterRedrawBlanksWhatTheLongerOneLeft) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(out, 0, 10, clock.AsClock());
  clock.now += milliseconds(1);
  bar.Update(1);  // "1000 steps/s"
  const std::string first = bar.Render(1, milliseconds(1));
  clock.now += seconds(2) - milliseconds(1);
  out.str("");
  bar.Update(2);  // "1.0 steps/s"
  const std::string second = bar.Render(2, seconds(2));
  BOOST_REQUIRE(second.size() < first.size());
  BOOST_TEST(out.str() == std::string("\r") + second + std::string(first.size() - second.size(), ' '));
}

BOOST_AUTO_TEST_CASE(FinishWithoutAnyStepPrintsNothing) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(out, 0, 10, clock.AsClock());
  bar.Finish();
  BOOST_TEST(out.str().empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::cli
