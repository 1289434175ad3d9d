// Deterministic random numbers for initialisers, dropout and shuffling.
//
// The engine is std::mt19937_64, whose output sequence the C++ standard fixes;
// floats are derived here from its raw bits (not with the library's
// distributions, whose results differ between standard libraries), so a seed
// gives the same model on every platform.
#ifndef TFCOMPAT_SRC_ESTIMATOR_RANDOM_H_
#define TFCOMPAT_SRC_ESTIMATOR_RANDOM_H_

#include <cstdint>
#include <random>
#include <string_view>

namespace tfcompat::estimator {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1), 24 random bits.
  float Uniform() { return static_cast<float>(engine_() >> 40) * 0x1.0p-24f; }

  // Uniform in [0, n); n > 0. Rejection sampling, so unbiased.
  uint64_t UniformInt(uint64_t n);

 private:
  std::mt19937_64 engine_;
};

// A seed for the stream that belongs to `name` (a variable, the shuffler),
// so each variable's initial value depends only on the seed and its name,
// not on the order in which variables are created.
uint64_t SeedFor(uint64_t seed, std::string_view name);

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_RANDOM_H_
