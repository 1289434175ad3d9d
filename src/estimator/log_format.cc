// SPDX-License-Identifier: Apache-2.0
#include "estimator/log_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace tfcompat::estimator {

double SecondsSince(LogClock::time_point start) {
  return std::chrono::duration<double>(LogClock::now() - start).count();
}

std::string FormatNumber(double value) {
  const float f = static_cast<float>(value);
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), f, std::chars_format::scientific);
  const std::string scientific(buffer, result.ptr);
  const double magnitude = std::fabs(static_cast<double>(f));
  if (!(magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e16))) return scientific;
  // "-d.ddde+XX": the digits and the power of ten of the first one.
  const size_t e = scientific.find('e');
  const bool negative = scientific[0] == '-';
  std::string digits = scientific.substr(negative ? 1 : 0, e - (negative ? 1 : 0));
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int exponent = std::stoi(scientific.substr(e + 1));
  std::string text = negative ? "-" : "";
  if (exponent < 0) {
    text += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  } else {
    const size_t whole = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= whole) {
      text += digits + std::string(whole - digits.size(), '0') + ".0";
    } else {
      text += digits.substr(0, whole) + "." + digits.substr(whole);
    }
  }
  return text;
}

std::string FormatG(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

std::string FormatSeconds(double seconds, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, seconds);
  return buffer;
}

std::string LocalTime(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm local;
  localtime_r(&now, &local);
  char buffer[64];
  return std::string(buffer, std::strftime(buffer, sizeof(buffer), format, &local));
}

}  // namespace tfcompat::estimator
