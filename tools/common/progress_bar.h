// SPDX-License-Identifier: Apache-2.0
// A progress bar on one terminal line, for a run from step `first` to step
// `last`:
//
//   [############..................]  450/1000  45%  1523 steps/s  ETA 0:00
//
// The step is the count the run has reached (for training, the global step,
// the number a checkpoint is named by). Rate and ETA are over the whole run
// so far. It is meant for stderr, so that stdout keeps only results, and
// only when stderr is a terminal: it redraws itself in place with "\r".
//
//   ProgressBar bar(std::cerr, first, last);
//   for (...) bar.Update(step);      // redraws at most 10 times a second
//   bar.PrintLine("INFO:...");       // a log line, on a line of its own
//   bar.Finish();                    // the last state, then a newline
//
// PrintLine erases the bar, prints the line and draws the bar again below
// it with the latest step, so a log line never shares a line with the bar
// and the bar under it never lags the step the log line names.
#ifndef TFCOMPAT_TOOLS_COMMON_PROGRESS_BAR_H_
#define TFCOMPAT_TOOLS_COMMON_PROGRESS_BAR_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace tfcompat::cli {

class ProgressBar {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // The least time between two redraws by Update.
  static constexpr std::chrono::milliseconds kRedrawInterval{100};

  // Draws nothing yet; `clock` is injected by tests.
  ProgressBar(std::ostream& out, int64_t first, int64_t last, Clock clock = &std::chrono::steady_clock::now);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Records `step`; redraws when kRedrawInterval has passed since the last
  // drawing, or when `step` reaches `last`.
  void Update(int64_t step);
  // Erases the bar, prints `line` and a newline, and redraws the bar (if it
  // was showing) with the latest step.
  void PrintLine(std::string_view line);
  // Draws the latest step (if any was recorded) and ends the bar's line;
  // later PrintLine calls print plain lines.
  void Finish();

  // The bar's text for `step` after `elapsed`, without "\r".
  std::string Render(int64_t step, std::chrono::steady_clock::duration elapsed) const;

 private:
  void Draw();
  void Erase();

  std::ostream& out_;
  const int64_t first_;
  const int64_t last_;
  const Clock clock_;
  const std::chrono::steady_clock::time_point start_;
  std::optional<int64_t> step_;  // the latest recorded
  int64_t drawn_step_ = 0;       // the step the bar on the terminal shows
  std::optional<std::chrono::steady_clock::time_point> drawn_at_;
  size_t shown_ = 0;  // characters of the bar on the terminal now; 0: none
  bool finished_ = false;
};

}  // namespace tfcompat::cli

#endif  // TFCOMPAT_TOOLS_COMMON_PROGRESS_BAR_H_
