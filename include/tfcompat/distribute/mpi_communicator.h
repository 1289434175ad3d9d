// SPDX-License-Identifier: Apache-2.0
// MpiCommunicator: the Communicator over MPI (Open MPI, MPICH, ...), for
// training one model on several processes or machines under `mpirun`.
// Part of the library `tfcompat::mpi` (libtfcompat_mpi), which is built when
// CMake finds MPI; a program using it links that target and MPI.
//
// Every collective is started non-blocking and waited for with a deadline:
// one that has not completed after Options::timeout_secs (a rank died, hangs
// or took another path) fails with DeadlineExceeded. MPI cannot cancel a
// collective once started, so a communicator that saw a failure aborts the
// MPI job when it is destroyed (MPI_Abort), which makes mpirun end every rank;
// otherwise its destructor finalizes MPI if World() initialised it.
//
// A rank that dies is noticed by mpirun itself, which kills the others at
// once ("mpirun noticed that process rank 1 ... exited on signal 9").
//
// Usage:
//   std::shared_ptr<distribute::Communicator> job;  // none: one process
//   if (distribute::LaunchedByMpirun()) {
//     TFCOMPAT_ASSIGN_OR_RETURN(job, distribute::MpiCommunicator::World());
//   }
//   estimator::RunConfig config;
//   config.train_distribute = job;  // Estimator::Train trains on every rank
#ifndef TFCOMPAT_DISTRIBUTE_MPI_COMMUNICATOR_H_
#define TFCOMPAT_DISTRIBUTE_MPI_COMMUNICATOR_H_

#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1  // the C API only: no libmpi_cxx
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/distribute/communicator.h"

namespace tfcompat::distribute {

struct MpiCommunicatorOptions {
  // How long a collective may wait for the other ranks (Options::timeout_secs
  // in the class comment). Rank 0 alone writes checkpoints and summaries while
  // the others wait at the step's end, so this must exceed the slowest save.
  double timeout_secs = 600;
};

class MpiCommunicator final : public Communicator {
 public:
  using Options = MpiCommunicatorOptions;

  // MPI_COMM_WORLD, initialising MPI (MPI_THREAD_FUNNELED: only the thread
  // that trains calls MPI) unless the program has.
  [[nodiscard]] static StatusOr<std::shared_ptr<MpiCommunicator>> World(Options options = {});
  // A duplicate of the program's `comm` (MPI_Comm_dup: the library's messages
  // never match the program's). MPI must be initialised.
  [[nodiscard]] static StatusOr<std::shared_ptr<MpiCommunicator>> Create(MPI_Comm comm, Options options = {});

  ~MpiCommunicator() override;
  MpiCommunicator(const MpiCommunicator&) = delete;
  MpiCommunicator& operator=(const MpiCommunicator&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  [[nodiscard]] Status AllreduceSum(std::span<float> values) override;
  [[nodiscard]] Status AllreduceSum(std::span<double> values) override;
  [[nodiscard]] Status Broadcast(std::span<char> bytes, int root) override;
  [[nodiscard]] StatusOr<std::vector<std::string>> Allgather(std::string_view bytes) override;

 private:
  MpiCommunicator(MPI_Comm comm, Options options, bool finalize);

  // Fails at once after an earlier failure.
  [[nodiscard]] Status CheckUsable() const;
  // The status of an MPI call; a failure makes the communicator unusable.
  [[nodiscard]] Status Check(int mpi_error, std::string_view what);
  // Waits for `request` until the deadline.
  [[nodiscard]] Status Wait(MPI_Request* request, std::string_view what);
  template <typename T>
  [[nodiscard]] Status SumInRankOrder(std::span<T> values, MPI_Datatype type);

  MPI_Comm comm_;
  Options options_;
  bool finalize_;
  int rank_ = 0;
  int size_ = 1;
  bool failed_ = false;
  std::vector<char> scratch_;  // SumInRankOrder's received chunks
};

}  // namespace tfcompat::distribute

#endif  // TFCOMPAT_DISTRIBUTE_MPI_COMMUNICATOR_H_
