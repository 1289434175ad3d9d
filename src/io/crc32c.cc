// SPDX-License-Identifier: Apache-2.0
// CRC-32C dispatch, chosen on the first call (g_extend below):
//
//   x86-64 CPU with SSE4.2   ExtendSse42OrIsal: 8 bytes (a TFRecord length)
//                            in one crc32 instruction, below kIsalMinBytes a
//                            crc32 chain (no set-up), from there ISA-L, which
//                            folds with PCLMULQDQ (VPCLMULQDQ with AVX-512)
//   any other CPU            ExtendPortable: slicing-by-8
//
// The CRC itself: reflected polynomial 0x82f63b78, register preset to ~0 and
// inverted at the end, so the finished CRC of nothing is 0 and
// Extend(Value(a), b) == Value(a ‖ b).
#include "tfcompat/io/crc32c.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>

#include "io/coding.h"
#include "io/crc32c_internal.h"

namespace tfcompat::crc32c {
namespace {

// kSliceTables[k][b]: the CRC register update for byte b followed by k zero
// bytes. kSliceTables[0] is the classic byte-at-a-time table.
using SliceTables = std::array<std::array<uint32_t, 256>, 8>;

constexpr SliceTables MakeSliceTables() {
  SliceTables tables{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? internal::kPolynomial : 0);
    tables[0][b] = crc;
  }
  for (size_t k = 1; k < tables.size(); ++k) {
    for (uint32_t b = 0; b < 256; ++b) {
      const uint32_t previous = tables[k - 1][b];
      tables[k][b] = (previous >> 8) ^ tables[0][previous & 0xff];
    }
  }
  return tables;
}

constexpr SliceTables kSliceTables = MakeSliceTables();

// Combine's arithmetic: polynomials over GF(2) modulo the CRC polynomial,
// in the register's reflected order (the top bit is x^0, bit 0 is x^31).
// Appending n bytes to a message multiplies its register by x^(8n), and
// the presets and final inversions of a and b cancel out in
// Value(a ‖ b) = Value(a) * x^(8|b|) + Value(b): the same algebra as zlib's
// crc32_combine, with the Castagnoli polynomial.
constexpr uint32_t MultiplyModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t term = 1u << 31; term != 0; term >>= 1) {
    if ((a & term) != 0) product ^= b;
    b = (b & 1) != 0 ? (b >> 1) ^ internal::kPolynomial : b >> 1;  // b * x
  }
  return product;
}

// kPowersOfX[k] = x^(2^k) mod P, for shifts of up to 2^64 bytes (2^67 bits).
using PowerTable = std::array<uint32_t, 67>;

constexpr PowerTable MakePowersOfX() {
  PowerTable powers{};
  powers[0] = 1u << 30;  // x^1
  for (size_t k = 1; k < powers.size(); ++k) powers[k] = MultiplyModP(powers[k - 1], powers[k - 1]);
  return powers;
}

constexpr PowerTable kPowersOfX = MakePowersOfX();

#if defined(TFCOMPAT_CRC32C_HAVE_SSE42)
constexpr internal::ExtendFunction kExtendSse42 = internal::ExtendSse42;
constexpr internal::ExtendFunction kExtendSse42OrIsal = internal::ExtendSse42OrIsal;

bool CpuHasSse42() {
  __builtin_cpu_init();  // Idempotent; needed before main().
  return __builtin_cpu_supports("sse4.2") != 0;
}
#else
// Not an x86-64 build: crc32c_sse42.cc is not compiled.
constexpr internal::ExtendFunction kExtendSse42 = nullptr;
constexpr internal::ExtendFunction kExtendSse42OrIsal = nullptr;

constexpr bool CpuHasSse42() { return false; }
#endif

internal::ExtendFunction Choose() { return CpuHasSse42() ? kExtendSse42OrIsal : internal::ExtendPortable; }

uint32_t ChooseAndExtend(uint32_t crc, const void* data, size_t n);

// The implementation Extend() calls. Constant-initialized to ChooseAndExtend,
// which stores the choice on the first call (from any thread, static
// initializers included), so every later call is one indirect jump.
constinit std::atomic<internal::ExtendFunction> g_extend{ChooseAndExtend};

uint32_t ChooseAndExtend(uint32_t crc, const void* data, size_t n) {
  const internal::ExtendFunction chosen = Choose();
  g_extend.store(chosen, std::memory_order_relaxed);
  return chosen(crc, data, n);
}

}  // namespace

namespace internal {

uint32_t ExtendPortable(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const char*>(data);
  const auto& t = kSliceTables;
  uint32_t state = ~crc;
  for (; n >= 8; p += 8, n -= 8) {
    // The first byte is followed by seven more in this step: table 7.
    const uint32_t low = DecodeFixed32(p) ^ state;
    const uint32_t high = DecodeFixed32(p + 4);
    state = t[7][low & 0xff] ^ t[6][(low >> 8) & 0xff] ^ t[5][(low >> 16) & 0xff] ^ t[4][low >> 24] ^
            t[3][high & 0xff] ^ t[2][(high >> 8) & 0xff] ^ t[1][(high >> 16) & 0xff] ^ t[0][high >> 24];
  }
  for (; n > 0; ++p, --n) state = t[0][(state ^ static_cast<unsigned char>(*p)) & 0xff] ^ (state >> 8);
  return ~state;
}

uint32_t ExtendIsal(uint32_t crc, const void* data, size_t n) {
  // ISA-L neither presets nor inverts: it takes and returns the raw register.
  // It takes a non-const pointer but only reads, and an int length.
  auto* p = const_cast<unsigned char*>(static_cast<const unsigned char*>(data));
  uint32_t state = ~crc;
  while (n > 0) {
    const size_t chunk = std::min<size_t>(n, INT_MAX);
    state = crc32_iscsi(p, static_cast<int>(chunk), state);
    p += chunk;
    n -= chunk;
  }
  return ~state;
}

std::vector<Implementation> AvailableImplementations() {
  std::vector<Implementation> implementations = {{"portable", ExtendPortable}, {"isa-l", ExtendIsal}};
  if (CpuHasSse42()) {
    implementations.push_back({"sse4.2", kExtendSse42});
    implementations.push_back({"isa-l+sse4.2", kExtendSse42OrIsal});
  }
  implementations.push_back({"dispatch", Extend});
  return implementations;
}

}  // namespace internal

uint32_t Extend(uint32_t crc, const void* data, size_t n) {
  return g_extend.load(std::memory_order_relaxed)(crc, data, n);
}

uint32_t Combine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b) {
  uint32_t shift = 1u << 31;  // x^0, times x^(2^k) for each bit k of 8 * length_b
  for (size_t k = 3; length_b != 0; length_b >>= 1, ++k) {
    if ((length_b & 1) != 0) shift = MultiplyModP(kPowersOfX[k], shift);
  }
  return MultiplyModP(shift, crc_a) ^ crc_b;
}

const char* ImplementationName() { return Choose() == internal::ExtendPortable ? "portable" : "isa-l+sse4.2"; }

}  // namespace tfcompat::crc32c
