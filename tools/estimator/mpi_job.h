// SPDX-License-Identifier: Apache-2.0
// Joining the MPI job `mpirun -np N estimator train ...` starts: the tool
// trains data-parallel on the N ranks with no other flag.
#ifndef TFCOMPAT_TOOLS_ESTIMATOR_MPI_JOB_H_
#define TFCOMPAT_TOOLS_ESTIMATOR_MPI_JOB_H_

#include <memory>

#include "tfcompat/base/status.h"
#include "tfcompat/distribute/communicator.h"

namespace tfcompat::estimator_tool {

// The job's ranks when an MPI launcher started this process, else null.
// FailedPrecondition when one did but the tool was built without MPI.
// A collective waits at most `timeout_secs` for the other ranks.
[[nodiscard]] StatusOr<std::shared_ptr<distribute::Communicator>> JoinMpiJob(double timeout_secs);

}  // namespace tfcompat::estimator_tool

#endif  // TFCOMPAT_TOOLS_ESTIMATOR_MPI_JOB_H_
