// SPDX-License-Identifier: Apache-2.0
#include "mpi_job.h"

#include <unistd.h>

#include <string>

#include "cli.h"
#include "common.h"
#if TFCOMPAT_WITH_MPI
#include "tfcompat/distribute/mpi_communicator.h"
#endif

namespace tfcompat::estimator_tool {
namespace {

StatusOr<std::shared_ptr<distribute::Communicator>> World(double timeout_secs) {
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

}  // namespace

StatusOr<MpiJob> JoinMpiJob(double timeout_secs, int64_t batch_size, bool quiet, std::ostream& err) {
  MpiJob job;
  if (!distribute::LaunchedByMpirun()) return job;
  StatusOr<std::shared_ptr<distribute::Communicator>> world = World(timeout_secs);
  if (!world.ok()) return world.status();
  job.communicator = *std::move(world);
  job.rank = job.communicator->rank();
  job.ranks = job.communicator->size();
  if (quiet) return job;
  err << InfoLine("MPI rank " + std::to_string(job.rank) + " of " + std::to_string(job.ranks) + " (pid " +
                  std::to_string(getpid()) + "): global batch " + std::to_string(batch_size * job.ranks) + " (" +
                  std::to_string(batch_size) + " per rank); " +
                  (job.chief() ? "this rank writes model_dir" : "rank 0 writes model_dir"))
      << "\n";
  return job;
}

void AddMpiTimeoutFlag(CLI::App* command, double* timeout_secs) {
  command
      ->add_option("--mpi_timeout_secs", *timeout_secs,
                   "Under mpirun: fail when the other ranks have not reached a step after this long")
      ->capture_default_str()
      ->check(cli::Positive<double>());
}

}  // namespace tfcompat::estimator_tool
