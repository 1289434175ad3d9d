// SPDX-License-Identifier: Apache-2.0
// Deterministic random numbers for initialisers, dropout and shuffling.
//
// The engine is SplitMix64 (Steele, Lea and Flood 2014): fully specified
// here, so a seed gives the same model on every platform, and seeding costs
// nothing (a fresh stream per epoch or per step is free). Floats are derived
// from its raw bits, not with the standard library's distributions, whose
// results differ between implementations.
#ifndef TFCOMPAT_SRC_BASE_RANDOM_H_
#define TFCOMPAT_SRC_BASE_RANDOM_H_

#include <cstdint>
#include <string_view>

namespace tfcompat {

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1), 24 random bits.
  float Uniform() { return static_cast<float>(Next() >> 40) * 0x1.0p-24f; }

  // Uniform in [0, n); n > 0. Rejection sampling, so unbiased.
  uint64_t UniformInt(uint64_t n);

 private:
  uint64_t state_;
};

// A seed for the stream that belongs to `name` (a variable, the shuffler),
// so each variable's initial value depends only on the seed and its name,
// not on the order in which variables are created.
uint64_t SeedFor(uint64_t seed, std::string_view name);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_BASE_RANDOM_H_
