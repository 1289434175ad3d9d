// SPDX-License-Identifier: Apache-2.0
#include "base/random.h"

namespace tfcompat {

uint64_t Random::UniformInt(uint64_t n) {
  // Largest multiple of n representable below 2^64; values above it would
  // make the low residues more likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do {
    x = Next();
  } while (x >= limit);
  return x % n;
}

uint64_t SeedFor(uint64_t seed, std::string_view name) {
  // FNV-1a over the name, then one SplitMix64 step to spread the bits.
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return Random(seed ^ h).Next();
}

}  // namespace tfcompat
