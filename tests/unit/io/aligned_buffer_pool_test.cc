// SPDX-License-Identifier: Apache-2.0
#include "io/aligned_buffer_pool.h"

#include <boost/test/unit_test.hpp>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace tfcompat {
namespace {

bool IsAligned(const char* p, size_t alignment) { return reinterpret_cast<uintptr_t>(p) % alignment == 0; }

// Boost.Test compares char pointers as C strings: buffers compare by address.
const void* Address(const AlignedBufferPool::Buffer& buffer) { return buffer.get(); }

BOOST_AUTO_TEST_SUITE(AlignedBufferPoolTest)

BOOST_AUTO_TEST_CASE(BuffersAreAlignedAndWritableOverTheirSize) {
  AlignedBufferPool pool(1 << 20, 4096, 2);
  AlignedBufferPool::Buffer buffer = pool.Take();
  BOOST_REQUIRE(buffer != nullptr);
  BOOST_TEST(IsAligned(buffer.get(), 4096));
  std::memset(buffer.get(), 0x5a, pool.buffer_size());
}

BOOST_AUTO_TEST_CASE(SizeIsRoundedUpToTheAlignment) {
  BOOST_TEST(AlignedBufferPool(5000, 4096, 1).buffer_size() == 8192u);
  BOOST_TEST(AlignedBufferPool(8192, 4096, 1).buffer_size() == 8192u);
  BOOST_TEST(AlignedBufferPool((3 << 20) + 1, 4096, 1).buffer_size() == size_t{4} << 20);
}

// The VmFlags line of the mapping /proc/self/smaps shows `address` in.
std::string VmFlagsOf(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto at = reinterpret_cast<uintptr_t>(address);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    uintptr_t begin = 0;
    uintptr_t end = 0;
    if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR " ", &begin, &end) == 2) inside = begin <= at && at < end;
    if (inside && line.rfind("VmFlags:", 0) == 0) return line;
  }
  return "";
}

// Direct I/O from huge pages goes to the device in far fewer pieces.
BOOST_AUTO_TEST_CASE(BuffersOfAHugePageOrMoreStartOnOneAndAskForHugePages) {
  AlignedBufferPool large(8 << 20, 4096, 1);
  BOOST_TEST(large.alignment() == AlignedBufferPool::kHugePageSize);
  AlignedBufferPool::Buffer buffer = large.Take();
  BOOST_REQUIRE(buffer != nullptr);
  BOOST_TEST(IsAligned(buffer.get(), AlignedBufferPool::kHugePageSize));
  std::memset(buffer.get(), 0x5a, large.buffer_size());
  // "hg": madvise(MADV_HUGEPAGE) holds for the whole buffer.
  const std::string flags = VmFlagsOf(buffer.get());
  BOOST_TEST(flags.find(" hg") != std::string::npos, flags);
  BOOST_TEST(VmFlagsOf(buffer.get() + large.buffer_size() - 1) == flags);

  AlignedBufferPool small(1 << 20, 4096, 1);
  BOOST_TEST(small.alignment() == 4096u);
  AlignedBufferPool::Buffer page_buffer = small.Take();
  BOOST_REQUIRE(page_buffer != nullptr);
  BOOST_TEST(VmFlagsOf(page_buffer.get()).find(" hg") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(ABufferGivenBackIsTakenAgainLastInFirstOut) {
  AlignedBufferPool pool(4096, 4096, 2);
  AlignedBufferPool::Buffer a = pool.Take();
  AlignedBufferPool::Buffer b = pool.Take();
  BOOST_REQUIRE(a != nullptr && b != nullptr);
  BOOST_TEST(Address(a) != Address(b));
  const void* first = Address(a);
  const void* second = Address(b);
  a.reset();
  b.reset();
  BOOST_TEST(pool.kept() == 2u);
  BOOST_TEST(Address(pool.Take()) == second);  // given back last: likeliest in the cache
  // The temporary went back at the end of the statement above.
  AlignedBufferPool::Buffer again = pool.Take();
  BOOST_TEST(Address(again) == second);
  BOOST_TEST(Address(pool.Take()) == first);
}

BOOST_AUTO_TEST_CASE(KeepsAtMostMaxKept) {
  AlignedBufferPool pool(4096, 4096, 1);
  {
    AlignedBufferPool::Buffer a = pool.Take();
    AlignedBufferPool::Buffer b = pool.Take();
    AlignedBufferPool::Buffer c = pool.Take();
  }
  BOOST_TEST(pool.kept() == 1u);  // the other two were unmapped
  AlignedBufferPool none(4096, 4096, 0);
  none.Take().reset();
  BOOST_TEST(none.kept() == 0u);
}

BOOST_AUTO_TEST_CASE(ThreadsTakingAndGivingNeverShareABuffer) {
  AlignedBufferPool pool(4096, 4096, 2);
  constexpr int kThreads = 4;
  constexpr int kRounds = 2000;
  std::vector<std::thread> threads;
  std::vector<int> overwritten(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&pool, &overwritten, t] {
      for (int round = 0; round < kRounds; ++round) {
        AlignedBufferPool::Buffer buffer = pool.Take();
        std::memset(buffer.get(), t, pool.buffer_size());
        std::this_thread::yield();
        // A buffer handed to two threads at once shows the other's bytes.
        for (size_t i = 0; i < pool.buffer_size(); i += 512) overwritten[t] += buffer.get()[i] != t;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) BOOST_TEST(overwritten[t] == 0);
  BOOST_TEST(pool.kept() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
