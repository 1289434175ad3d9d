// SPDX-License-Identifier: Apache-2.0
// Run under `mpirun -np N` (tests/CMakeLists.txt: 2 and 4 ranks).
#include "tfcompat/distribute/mpi_communicator.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "util/mpi_world.h"

namespace tfcompat::distribute {
namespace {

using testing::MpiWorld;

using testing::MpiWorldFixture;
BOOST_TEST_GLOBAL_FIXTURE(MpiWorldFixture);

// Element i of rank r's buffer: rank 0's large, the others' small, so a sum
// taken in another order rounds differently.
template <typename T>
T Value(int rank, size_t i) {
  return rank == 0 ? static_cast<T>(1e7) + static_cast<T>(i)
                   : static_cast<T>(0.1) * static_cast<T>(rank + 1) + static_cast<T>(i % 7) / 3;
}

template <typename T>
void CheckSumInRankOrder() {
  Communicator& world = *MpiWorld();
  for (size_t n : {0, 1, 2, 3, 5, 1000, 4097}) {
    std::vector<T> values(n), expected(n);
    for (size_t i = 0; i < n; ++i) {
      values[i] = Value<T>(world.rank(), i);
      expected[i] = Value<T>(0, i);
      for (int r = 1; r < world.size(); ++r) expected[i] += Value<T>(r, i);
    }
    BOOST_TEST_REQUIRE(world.AllreduceSum(std::span<T>(values)).ok());
    BOOST_TEST((values == expected), "n = " << n);  // exactly: another order rounds differently
  }
}

BOOST_AUTO_TEST_CASE(AllreduceSumAddsFloatsInRankOrderOnEveryRank) { CheckSumInRankOrder<float>(); }
BOOST_AUTO_TEST_CASE(AllreduceSumAddsDoublesInRankOrderOnEveryRank) { CheckSumInRankOrder<double>(); }

BOOST_AUTO_TEST_CASE(BroadcastCopiesTheRootsBytesToEveryRank) {
  Communicator& world = *MpiWorld();
  for (int root = 0; root < world.size(); ++root) {
    for (size_t n : {0, 5, 100000}) {
      std::string bytes(n, static_cast<char>('a' + world.rank()));
      BOOST_TEST_REQUIRE(world.Broadcast(std::span<char>(bytes.data(), bytes.size()), root).ok());
      BOOST_TEST(bytes == std::string(n, static_cast<char>('a' + root)));
    }
  }
}

BOOST_AUTO_TEST_CASE(BroadcastFromARankOutsideTheJobIsInvalidArgument) {
  Communicator& world = *MpiWorld();
  char byte = 0;
  const Status status = world.Broadcast(std::span<char>(&byte, 1), world.size());
  BOOST_TEST((status.code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(AllgatherReturnsEveryRanksBytesByRank) {
  Communicator& world = *MpiWorld();
  // Rank r sends r copies of its letter: rank 0 sends nothing.
  StatusOr<std::vector<std::string>> all =
      world.Allgather(std::string(static_cast<size_t>(world.rank()), static_cast<char>('a' + world.rank())));
  BOOST_TEST_REQUIRE(all.ok());
  BOOST_TEST_REQUIRE(all->size() == static_cast<size_t>(world.size()));
  for (int r = 0; r < world.size(); ++r) {
    BOOST_TEST((*all)[static_cast<size_t>(r)] == std::string(static_cast<size_t>(r), static_cast<char>('a' + r)));
  }
}

}  // namespace
}  // namespace tfcompat::distribute
