// SPDX-License-Identifier: Apache-2.0
#include "progress_bar.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace tfcompat::cli {
namespace {

constexpr int kWidth = 30;

// "1:05" or "2:03:07".
std::string Duration(double seconds) {
  const auto total = static_cast<long long>(seconds + 0.5);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof(text), "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(text, sizeof(text), "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

}  // namespace

ProgressBar::ProgressBar(std::ostream& out, int64_t first, int64_t last, Clock clock)
    : out_(out), first_(first), last_(last), clock_(std::move(clock)), start_(clock_()) {}

std::string ProgressBar::Render(int64_t step, std::chrono::steady_clock::duration elapsed) const {
  const int64_t total = last_ - first_;
  const int64_t done = std::clamp<int64_t>(step - first_, 0, std::max<int64_t>(total, 0));
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int filled = static_cast<int>(fraction * kWidth);
  // Appended piece by piece: GCC 12 warns (-Wrestrict) on a chain of
  // std::string operator+ here.
  std::string text = "[";
  text.append(static_cast<size_t>(filled), '#');
  text.append(static_cast<size_t>(kWidth - filled), '.');
  text += "]  ";
  const std::string last_text = std::to_string(last_);
  const std::string step_text = std::to_string(step);
  if (step_text.size() < last_text.size()) text.append(last_text.size() - step_text.size(), ' ');
  text += step_text;
  text += "/";
  text += last_text;
  char percent[16];
  std::snprintf(percent, sizeof(percent), "  %3d%%", static_cast<int>(fraction * 100));
  text += percent;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  if (done > 0 && seconds > 0) {
    const double rate = static_cast<double>(done) / seconds;
    char rate_text[48];
    std::snprintf(rate_text, sizeof(rate_text), rate >= 100 ? "  %.0f steps/s" : "  %.1f steps/s", rate);
    text += rate_text;
    text += "  ETA " + Duration(static_cast<double>(total - done) / rate);
  }
  return text;
}

void ProgressBar::Update(int64_t step) {
  step_ = step;
  if (finished_) return;
  const auto now = clock_();
  if (!drawn_at_.has_value() || now - *drawn_at_ >= kRedrawInterval || step >= last_) Draw();
}

void ProgressBar::PrintLine(std::string_view line) {
  const bool was_shown = shown_ > 0;
  Erase();
  out_ << line << "\n";
  if (was_shown) Draw();
  out_.flush();
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!step_.has_value()) return;
  if (shown_ == 0 || drawn_step_ != *step_) Draw();
  out_ << "\n";
  out_.flush();
  shown_ = 0;
}

void ProgressBar::Draw() {
  const auto now = clock_();
  const std::string text = Render(*step_, now - start_);
  out_ << "\r" << text;
  // Blanks over what is left of a longer bar drawn before.
  if (text.size() < shown_) out_ << std::string(shown_ - text.size(), ' ');
  out_.flush();
  shown_ = std::max(shown_, text.size());
  drawn_at_ = now;
  drawn_step_ = *step_;
}

void ProgressBar::Erase() {
  if (shown_ == 0) return;
  out_ << "\r" << std::string(shown_, ' ') << "\r";
  shown_ = 0;
}

}  // namespace tfcompat::cli
