// SPDX-License-Identifier: Apache-2.0
// The MPI job a distribute test executable runs in (`mpirun -np N test`),
// joined once for the whole executable by MpiWorldFixture, which one test
// file of the executable registers with BOOST_TEST_GLOBAL_FIXTURE. Every
// rank runs every test case in the same order, so collectives pair up; a
// check that fails on one rank only may leave the others waiting, until the
// communicator's timeout ends the job (a failed run either way).
#ifndef TFCOMPAT_TESTS_UTIL_MPI_WORLD_H_
#define TFCOMPAT_TESTS_UTIL_MPI_WORLD_H_

#include <memory>
#include <stdexcept>

#include "tfcompat/distribute/mpi_communicator.h"

namespace tfcompat::testing {

inline std::shared_ptr<distribute::MpiCommunicator>& MpiWorld() {
  static std::shared_ptr<distribute::MpiCommunicator> world;
  return world;
}

struct MpiWorldFixture {
  MpiWorldFixture() {
    StatusOr<std::shared_ptr<distribute::MpiCommunicator>> world =
        distribute::MpiCommunicator::World({.timeout_secs = 120});
    if (!world.ok()) throw std::runtime_error(world.status().ToString());
    MpiWorld() = *std::move(world);
  }
  ~MpiWorldFixture() { MpiWorld().reset(); }
};

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_MPI_WORLD_H_
