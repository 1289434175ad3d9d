// SPDX-License-Identifier: Apache-2.0
// Communicator: the collective operations synchronous data-parallel
// training needs (Horovod's model: every rank computes the gradient of its
// share of a batch, the gradients are summed across ranks, every rank applies
// the same update, rank 0 alone writes files).
//
// A Communicator joins `size()` processes, numbered 0 .. size() - 1 by
// `rank()`. Every rank calls the same operations in the same order with
// buffers of the same size (the ops are collective: one rank's call waits for
// the others'). The library's implementation runs on MPI
// (tfcompat/distribute/mpi_communicator.h, tfcompat::mpi); a program may
// implement the interface over its own transport.
//
// Errors (a dead or hung rank, the transport's own) are returned as a
// Status; after one, the communicator is unusable (MPI cannot cancel a
// collective half done) and the job should end.
//
// Usage (`world`: an MpiCommunicator::World() under `mpirun -np 2`, say):
//   tfcompat::Status SumOverRanks(tfcompat::distribute::Communicator& world) {
//     std::vector<float> gradient = {static_cast<float>(world.rank()), 1.0f};
//     return world.AllreduceSum(std::span<float>(gradient));  // {1, 2} on both ranks
//   }
#ifndef TFCOMPAT_DISTRIBUTE_COMMUNICATOR_H_
#define TFCOMPAT_DISTRIBUTE_COMMUNICATOR_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"

namespace tfcompat::distribute {

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;

  // Replaces `values` on every rank by their element-wise sum over the ranks.
  // Each element's sum is taken in rank order, ((v0 + v1) + v2) + ..., on
  // every rank, so the result is the same bits on every rank and in every
  // rerun with the same inputs, whatever the transport's algorithms.
  [[nodiscard]] virtual Status AllreduceSum(std::span<float> values) = 0;
  [[nodiscard]] virtual Status AllreduceSum(std::span<double> values) = 0;

  // Copies `root`'s bytes into every other rank's `bytes` (of the same size).
  [[nodiscard]] virtual Status Broadcast(std::span<char> bytes, int root) = 0;

  // Every rank's `bytes`, indexed by rank (the sizes may differ).
  [[nodiscard]] virtual StatusOr<std::vector<std::string>> Allgather(std::string_view bytes) = 0;
};

// Whether an MPI launcher started this process (Open MPI's mpirun sets
// OMPI_COMM_WORLD_SIZE; PMI and PMIx launchers, PMI_SIZE or PMIX_RANK), so a
// program knows to join the job (MpiCommunicator::World()).
bool LaunchedByMpirun();

}  // namespace tfcompat::distribute

#endif  // TFCOMPAT_DISTRIBUTE_COMMUNICATOR_H_
