// SPDX-License-Identifier: Apache-2.0
#include "mpi_job.h"

#if TFCOMPAT_WITH_MPI
#include "tfcompat/distribute/mpi_communicator.h"
#endif

namespace tfcompat::estimator_tool {

StatusOr<std::shared_ptr<distribute::Communicator>> JoinMpiJob(double timeout_secs) {
  if (!distribute::LaunchedByMpirun()) return std::shared_ptr<distribute::Communicator>();
#if TFCOMPAT_WITH_MPI
  StatusOr<std::shared_ptr<distribute::MpiCommunicator>> world =
      distribute::MpiCommunicator::World({.timeout_secs = timeout_secs});
  if (!world.ok()) return world.status();
  return std::shared_ptr<distribute::Communicator>(std::move(*world));
#else
  (void)timeout_secs;
  return FailedPreconditionError(
      "an MPI launcher started this process, but this estimator was built without MPI: install Open MPI "
      "(libopenmpi-dev) and rebuild");
#endif
}

}  // namespace tfcompat::estimator_tool
