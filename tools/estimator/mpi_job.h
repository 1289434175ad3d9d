// SPDX-License-Identifier: Apache-2.0
// Joining the MPI job `mpirun -np N estimator train ...` starts: the tool
// trains data-parallel on the N ranks with no other flag (--batch_size is
// per rank; the input yields the global batch of N × batch_size).
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_MPI_JOB_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_MPI_JOB_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <ostream>

#include "tfcompat/base/status.h"
#include "tfcompat/distribute/communicator.h"

namespace tfcompat::estimator_tool {

// This process's place in the job: rank 0 of 1, with no communicator, when
// no MPI launcher started it.
struct MpiJob {
  std::shared_ptr<distribute::Communicator> communicator;
  int rank = 0;
  int ranks = 1;
  // Rank 0 writes model_dir and the log.
  bool chief() const { return rank == 0; }
};

// Joins the job when an MPI launcher started this process, and then writes
// its first log line to `err` unless `quiet`: "MPI rank R of N (pid P):
// global batch G (B per rank); ..." for a per-rank `batch_size` B. A collective waits at most
// `timeout_secs` for the other ranks. FailedPrecondition when a launcher
// started the process but the tool was built without MPI.
[[nodiscard]] StatusOr<MpiJob> JoinMpiJob(double timeout_secs, int64_t batch_size, bool quiet, std::ostream& err);

// --mpi_timeout_secs: the `timeout_secs` of JoinMpiJob.
void AddMpiTimeoutFlag(CLI::App* command, double* timeout_secs);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_MPI_JOB_H_
