// SPDX-License-Identifier: Apache-2.0
// The CRC-32C implementations behind crc32c::Extend(), exposed so that tests
// can run one suite against each and benchmarks can compare them. Library
// code calls crc32c::Extend(), never these.
//
// Every function here has Extend()'s contract: it takes and returns a
// finished CRC (the ~ before and after the register update is inside).
#ifndef TFCOMPAT_IO_CRC32C_INTERNAL_H_
#define TFCOMPAT_IO_CRC32C_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tfcompat::crc32c::internal {

// The reflected Castagnoli polynomial.
inline constexpr uint32_t kPolynomial = 0x82f63b78u;

using ExtendFunction = uint32_t (*)(uint32_t crc, const void* data, size_t n);

// Slicing-by-8 over eight 256-entry tables; runs on any CPU.
uint32_t ExtendPortable(uint32_t crc, const void* data, size_t n);

// ISA-L's crc32_iscsi (it picks its own PCLMULQDQ / AVX-512 folding code).
uint32_t ExtendIsal(uint32_t crc, const void* data, size_t n);

// Below this many bytes the SSE4.2 chain beats ISA-L, whose set-up (its own
// dispatch, alignment, folding constants) dominates short inputs. Measured
// with bench/crc32c_bench (the crossover lies between 128 and 256 bytes).
inline constexpr size_t kIsalMinBytes = 256;

// Defined only on x86-64 and callable only when the CPU has SSE4.2: outside
// crc32c.cc, reach them through AvailableImplementations().
//
// One dependent chain of the SSE4.2 crc32 instruction, 8 bytes per step.
uint32_t ExtendSse42(uint32_t crc, const void* data, size_t n);
// What Extend() uses: 8 bytes in one crc32 instruction (the inversions folded
// into the data word), ExtendSse42 up to kIsalMinBytes, ExtendIsal from there.
uint32_t ExtendSse42OrIsal(uint32_t crc, const void* data, size_t n);

struct Implementation {
  const char* name;
  ExtendFunction extend;
};

// The implementations this CPU can run: "portable", "isa-l", "sse4.2" and
// "isa-l+sse4.2" where the CPU has SSE4.2, and "dispatch" (crc32c::Extend).
std::vector<Implementation> AvailableImplementations();

}  // namespace tfcompat::crc32c::internal

#endif  // TFCOMPAT_IO_CRC32C_INTERNAL_H_
