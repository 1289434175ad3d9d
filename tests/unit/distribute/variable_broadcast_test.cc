// SPDX-License-Identifier: Apache-2.0
// Run under `mpirun -np N` (tests/CMakeLists.txt: 2 and 4 ranks).
#include "distribute/variable_broadcast.h"

#include <boost/test/unit_test.hpp>
#include <vector>

#include "util/mpi_world.h"

namespace tfcompat::distribute {
namespace {

using model::VariableStore;
using testing::MpiWorld;

BOOST_AUTO_TEST_CASE(EveryRankGetsRank0sParametersSlotsScalarsAndGlobalStep) {
  Communicator& world = *MpiWorld();
  VariableStore store;
  (void)store.AddTrainable("w", {2, 3}).value();
  const int slot = store.AddSlot("Adagrad", 0.1f).value();
  const int scalar = store.AddScalar("beta1_power", 0.9f).value();
  const float mine = static_cast<float>(world.rank() + 1);
  for (float& p : store.params()) p = mine;
  for (float& s : store.slot(slot)) s = 2 * mine;
  store.scalar(scalar) = 3 * mine;
  store.global_step() = 10 * (world.rank() + 1);
  BOOST_TEST_REQUIRE(BroadcastVariables(world, &store).ok());
  for (float p : store.params()) BOOST_TEST(p == 1.0f);
  for (float s : store.slot(slot)) BOOST_TEST(s == 2.0f);
  BOOST_TEST(store.scalar(scalar) == 3.0f);
  BOOST_TEST(store.global_step() == 10);
}

BOOST_AUTO_TEST_CASE(TheFingerprintTellsStoresOfOtherVariablesApart) {
  VariableStore a, b, c;
  (void)a.AddTrainable("w", {2, 3}).value();
  (void)b.AddTrainable("w", {2, 3}).value();
  (void)c.AddTrainable("w", {3, 2}).value();
  BOOST_TEST(VariablesFingerprint(a) == VariablesFingerprint(b));
  BOOST_TEST(VariablesFingerprint(a) != VariablesFingerprint(c));
  b.params()[0] = 5;  // values are not part of it
  BOOST_TEST(VariablesFingerprint(a) == VariablesFingerprint(b));
}

}  // namespace
}  // namespace tfcompat::distribute
