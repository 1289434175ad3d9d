#include "tfcompat/estimator/model.h"

namespace tfcompat::estimator {

void Metrics::Add(const std::string& name, double numerator, double denominator) {
  auto& [num, den] = sums_[name];
  num += numerator;
  den += denominator;
}

std::map<std::string, double> Metrics::Result() const {
  std::map<std::string, double> result;
  for (const auto& [name, sums] : sums_) result[name] = sums.second == 0 ? 0.0 : sums.first / sums.second;
  return result;
}

}  // namespace tfcompat::estimator
