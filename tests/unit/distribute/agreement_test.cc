// SPDX-License-Identifier: Apache-2.0
// Run under `mpirun -np N` (tests/CMakeLists.txt: 2 and 4 ranks).
#include "distribute/agreement.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "util/mpi_world.h"

namespace tfcompat::distribute {
namespace {

using testing::MpiWorld;

std::string Of(int rank, int size) { return "rank " + std::to_string(rank) + " of " + std::to_string(size); }

BOOST_AUTO_TEST_CASE(AgreeOnStatusIsOkWhenEveryRankIsOkAndSumsTheValues) {
  Communicator& world = *MpiWorld();
  double sums[] = {1.0, static_cast<double>(world.rank())};
  BOOST_TEST(AgreeOnStatus(world, OkStatus(), sums).ok());
  const int n = world.size();
  BOOST_TEST(sums[0] == n);
  BOOST_TEST(sums[1] == n * (n - 1) / 2);
}

BOOST_AUTO_TEST_CASE(OneRanksErrorIsEveryRanksNamingTheLowestFailingRank) {
  Communicator& world = *MpiWorld();
  // The odd ranks fail; every rank gets rank 1's error.
  const Status local = world.rank() % 2 == 1 ? NotFoundError("no file " + std::to_string(world.rank())) : OkStatus();
  const Status agreed = AgreeOnStatus(world, local);
  BOOST_TEST((agreed.code() == StatusCode::kNotFound));
  BOOST_TEST(agreed.message() == Of(1, world.size()) + ": no file 1");
}

BOOST_AUTO_TEST_CASE(SameLaunchFactsPass) {
  Communicator& world = *MpiWorld();
  const LaunchFact facts[] = {{"model", "abc"}, {"seed", "1"}};
  BOOST_TEST(CheckSameLaunch(world, facts).ok());
}

BOOST_AUTO_TEST_CASE(ALaunchFactOfAnotherValueNamesTheFactTheRankAndBothValues) {
  Communicator& world = *MpiWorld();
  const LaunchFact facts[] = {{"model", "abc"}, {"seed", std::to_string(world.rank())}};
  const Status status = CheckSameLaunch(world, facts);
  BOOST_TEST((status.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(status.message() == Of(1, world.size()) +
                                     " was launched with another seed than rank 0 (1 vs 0): every rank must run the "
                                     "same command on the same data");
}

BOOST_AUTO_TEST_CASE(ALaunchFactOnlySomeRanksHaveIsADifference) {
  Communicator& world = *MpiWorld();
  std::vector<LaunchFact> facts = {{"model", "abc"}};
  if (world.rank() == world.size() - 1) facts.push_back({"input", "x"});
  const Status status = CheckSameLaunch(world, facts);
  BOOST_TEST((status.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(status.message().find(Of(world.size() - 1, world.size()) +
                                   " was launched with another input than rank 0 (x vs none)") == 0,
             status.message());
}

}  // namespace
}  // namespace tfcompat::distribute
