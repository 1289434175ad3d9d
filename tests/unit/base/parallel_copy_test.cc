// SPDX-License-Identifier: Apache-2.0
#include "base/parallel_copy.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <random>
#include <vector>

namespace tfcompat {
namespace {

// Ranges of random sizes (some empty) from a source into a destination in
// a shuffled order with gaps, whose untouched bytes must stay as they were.
struct Scatter {
  std::vector<char> source;
  std::vector<char> destination;
  std::vector<char> expected;
  std::vector<CopyRange> ranges;

  explicit Scatter(int count, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<size_t> sizes(static_cast<size_t>(count));
    size_t total = 0;
    for (size_t& size : sizes) total += size = rng() % 5 == 0 ? 0 : rng() % 3000;
    source.resize(total);
    for (char& c : source) c = static_cast<char>(rng());
    destination.assign(total + sizes.size() * 7, '\xee');  // 7-byte gaps between the ranges
    expected = destination;
    size_t from = 0, to = destination.size();
    for (const size_t size : sizes) {  // the destinations in reverse order
      to -= size + 7;
      ranges.push_back({destination.data() + to, source.data() + from, size});
      std::copy_n(source.begin() + static_cast<std::ptrdiff_t>(from), size,
                  expected.begin() + static_cast<std::ptrdiff_t>(to));
      from += size;
    }
  }
};

BOOST_AUTO_TEST_SUITE(ParallelCopyTest)

BOOST_AUTO_TEST_CASE(CopiesEveryByteOnceWhereverTheSharesAreCut) {
  for (const int threads : {1, 2, 3, 4, 7, 64}) {
    for (uint32_t seed = 1; seed <= 20; ++seed) {
      Scatter scatter(1 + static_cast<int>(seed * 13 % 200), seed);
      // One byte per thread at least: every share is cut somewhere in a range.
      ParallelCopy(scatter.ranges, threads, /*min_bytes_per_thread=*/1);
      BOOST_TEST(scatter.destination == scatter.expected, threads << " threads, seed " << seed);
    }
  }
}

BOOST_AUTO_TEST_CASE(FewerBytesThanOneThreadsWorthAreCopiedByTheCaller) {
  Scatter scatter(50, 7);
  ParallelCopy(scatter.ranges, 4);  // far below kMinParallelCopyBytes
  BOOST_TEST(scatter.destination == scatter.expected);
}

BOOST_AUTO_TEST_CASE(MoreThreadsThanBytesAndEmptyInputAreFine) {
  Scatter scatter(3, 11);
  ParallelCopy(scatter.ranges, 1000, 1);
  BOOST_TEST(scatter.destination == scatter.expected);
  ParallelCopy({}, 4, 1);
  ParallelCopy(scatter.ranges, 0, 1);  // no thread count: the caller copies
  BOOST_TEST(scatter.destination == scatter.expected);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
