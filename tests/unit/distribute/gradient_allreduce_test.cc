// SPDX-License-Identifier: Apache-2.0
// Run under `mpirun -np N` (tests/CMakeLists.txt: 2 and 4 ranks).
#include "distribute/gradient_allreduce.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "util/mpi_world.h"

namespace tfcompat::distribute {
namespace {

using model::SparseRows;
using model::VariableStore;
using testing::MpiWorld;

// A dense bias [2] and a row-sparse table [rows, 2] (trainable 1).
void AddVariables(VariableStore* store, int64_t rows) {
  (void)store->AddTrainable("bias", {2}).value();
  (void)store->AddTrainable("table", {rows, 2}).value();
}

BOOST_AUTO_TEST_CASE(DenseGradientsAreSummedWeighedByEachRanksShare) {
  Communicator& world = *MpiWorld();
  VariableStore store;
  AddVariables(&store, 3);
  for (float& g : store.gradients()) g = static_cast<float>(world.rank() + 1);
  GradientAllreduce reduce(&world);
  BOOST_TEST_REQUIRE(reduce.Reduce(&store, {}, /*has_examples=*/true, /*weight=*/0.5f, /*any_sparse=*/false).ok());
  const int n = world.size();
  const float expected = 0.5f * static_cast<float>(n * (n + 1) / 2);
  for (float g : store.gradients()) BOOST_TEST(g == expected);
  BOOST_TEST(reduce.sparse_rows().empty());
}

BOOST_AUTO_TEST_CASE(SparseGradientsAreSummedOverTheUnionOfTheTouchedRowsAndOthersRowsClearedAfter) {
  Communicator& world = *MpiWorld();
  const int n = world.size(), rank = world.rank();
  VariableStore store;
  AddVariables(&store, n + 2);
  // Rank r touched rows r and r + 1 of the table with gradient r + 1; its
  // other rows hold stale values (NaN here) that must not count. The last
  // rank had no examples: its whole block is stale.
  const bool has_examples = rank < n - 1;
  std::span<float> grads = store.gradients();
  std::fill(grads.begin(), grads.end(), std::numeric_limits<float>::quiet_NaN());
  const size_t table = store.trainable_range(1).offset;
  std::vector<SparseRows> mine;
  if (has_examples) {
    grads[0] = grads[1] = 1.0f;  // bias
    for (int row : {rank, rank + 1}) {
      grads[table + 2 * static_cast<size_t>(row)] = grads[table + 2 * static_cast<size_t>(row) + 1] =
          static_cast<float>(rank + 1);
    }
    mine.push_back({1, {rank, rank + 1}});
  }
  GradientAllreduce reduce(&world);
  BOOST_TEST_REQUIRE(reduce.Reduce(&store, mine, has_examples, 1.0f, /*any_sparse=*/true).ok());
  // Rows 0 .. n - 1 were touched (by ranks 0 .. n - 2); row r by ranks r - 1 and r.
  BOOST_TEST_REQUIRE(reduce.sparse_rows().size() == 1u);
  std::vector<int64_t> union_rows;
  for (int64_t row = 0; row < n; ++row) union_rows.push_back(row);
  BOOST_TEST(reduce.sparse_rows()[0].variable == 1u);
  BOOST_TEST(reduce.sparse_rows()[0].rows == union_rows, boost::test_tools::per_element());
  BOOST_TEST(grads[0] == static_cast<float>(n - 1));
  for (int64_t row = 0; row < n; ++row) {
    float expected = 0;
    if (row < n - 1) expected += static_cast<float>(row + 1);  // by rank row
    if (row >= 1) expected += static_cast<float>(row);         // by rank row - 1
    BOOST_TEST(grads[table + 2 * static_cast<size_t>(row)] == expected, "row " << row);
    BOOST_TEST(grads[table + 2 * static_cast<size_t>(row) + 1] == expected, "row " << row);
  }
  // After the update, the rows only other ranks touched are zero again, as
  // the model expects of rows it did not touch; this rank's own keep the sum.
  reduce.ClearOthersRows(&store);
  for (int64_t row = 0; row < n; ++row) {
    const bool mine_row = has_examples && (row == rank || row == rank + 1);
    const float value = grads[table + 2 * static_cast<size_t>(row)];
    if (mine_row) {
      BOOST_TEST(value != 0.0f, "row " << row);
    } else {
      BOOST_TEST(value == 0.0f, "row " << row);
    }
  }
}

BOOST_AUTO_TEST_CASE(RanksWithSparseGradientsOfOtherVariablesAreRefused) {
  Communicator& world = *MpiWorld();
  VariableStore store;
  AddVariables(&store, 4);
  std::fill(store.gradients().begin(), store.gradients().end(), 0.0f);
  // The last rank says its bias gradient is sparse.
  const std::vector<SparseRows> mine = {{world.rank() == world.size() - 1 ? 0u : 1u, {0}}};
  GradientAllreduce reduce(&world);
  const Status status = reduce.Reduce(&store, mine, true, 1.0f, true);
  BOOST_TEST((status.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(status.message().find("the ranks do not train the same model") != std::string::npos, status.message());
}

}  // namespace
}  // namespace tfcompat::distribute
