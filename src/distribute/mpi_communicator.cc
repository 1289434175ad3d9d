// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/distribute/mpi_communicator.h"

#include <sched.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "tfcompat/base/status_macros.h"

namespace tfcompat::distribute {
namespace {

using Clock = std::chrono::steady_clock;

std::string MpiErrorString(int error) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(error, text, &length) != MPI_SUCCESS) return "MPI error " + std::to_string(error);
  return std::string(text, static_cast<size_t>(length));
}

// Element counts as MPI takes them (int); larger buffers are refused rather
// than truncated.
Status ToMpiCount(size_t count, std::string_view what, int* out) {
  if (count > static_cast<size_t>(INT_MAX)) {
    return InvalidArgumentError(std::string(what) + " of " + std::to_string(count) +
                                " elements exceeds MPI's limit of INT_MAX per rank");
  }
  *out = static_cast<int>(count);
  return OkStatus();
}

// The share of rank r among `size` ranks of n elements: contiguous, the
// first n % size ranks one element more.
size_t ChunkBegin(size_t n, int size, int r) {
  const size_t base = n / static_cast<size_t>(size), extra = n % static_cast<size_t>(size);
  const size_t rr = static_cast<size_t>(r);
  return rr * base + std::min(rr, extra);
}

}  // namespace

StatusOr<std::shared_ptr<MpiCommunicator>> MpiCommunicator::World(Options options) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  bool finalize = false;
  if (initialized == 0) {
    int provided = 0;
    const int error = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    if (error != MPI_SUCCESS) return UnavailableError("MPI_Init_thread failed: " + MpiErrorString(error));
    finalize = true;
  }
  MPI_Comm comm;
  const int error = MPI_Comm_dup(MPI_COMM_WORLD, &comm);
  if (error != MPI_SUCCESS) return UnavailableError("MPI_Comm_dup of MPI_COMM_WORLD failed: " + MpiErrorString(error));
  return std::shared_ptr<MpiCommunicator>(new MpiCommunicator(comm, options, finalize));
}

StatusOr<std::shared_ptr<MpiCommunicator>> MpiCommunicator::Create(MPI_Comm comm, Options options) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized == 0) return FailedPreconditionError("MpiCommunicator::Create needs MPI initialised");
  MPI_Comm duplicate;
  const int error = MPI_Comm_dup(comm, &duplicate);
  if (error != MPI_SUCCESS) return UnavailableError("MPI_Comm_dup failed: " + MpiErrorString(error));
  return std::shared_ptr<MpiCommunicator>(new MpiCommunicator(duplicate, options, /*finalize=*/false));
}

MpiCommunicator::MpiCommunicator(MPI_Comm comm, Options options, bool finalize)
    : comm_(comm), options_(options), finalize_(finalize) {
  // Errors come back as codes, for a Status naming the operation, instead of
  // MPI's default of aborting the job.
  MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

MpiCommunicator::~MpiCommunicator() {
  if (failed_) {
    // A collective may be half done on other ranks; only ending the job
    // releases them.
    MPI_Abort(comm_, 1);
    return;
  }
  MPI_Comm_free(&comm_);
  if (finalize_) MPI_Finalize();
}

Status MpiCommunicator::CheckUsable() const {
  if (failed_) return FailedPreconditionError("the MPI communicator failed earlier; the job must end");
  return OkStatus();
}

Status MpiCommunicator::Check(int mpi_error, std::string_view what) {
  if (mpi_error == MPI_SUCCESS) return OkStatus();
  failed_ = true;
  return UnavailableError("rank " + std::to_string(rank_) + " of " + std::to_string(size_) + ": " + std::string(what) +
                          " failed: " + MpiErrorString(mpi_error));
}

Status MpiCommunicator::Wait(MPI_Request* request, std::string_view what) {
  // MPI progresses a non-blocking collective only inside MPI calls: poll,
  // spinning at first (the ranks of a step usually arrive together), then
  // sleeping ever longer up to a millisecond so a rank waiting for a save
  // leaves the core to the one saving.
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.timeout_secs));
  std::chrono::microseconds nap(0);
  while (true) {
    int done = 0;
    TFCOMPAT_RETURN_IF_ERROR(Check(MPI_Test(request, &done, MPI_STATUS_IGNORE), what));
    if (done != 0) return OkStatus();
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      failed_ = true;
      return DeadlineExceededError("rank " + std::to_string(rank_) + " of " + std::to_string(size_) + ": " +
                                   std::string(what) + " did not complete within " +
                                   std::to_string(static_cast<int64_t>(options_.timeout_secs)) +
                                   " s: another rank died, hangs, or is not running the same steps");
    }
    if (now - start < std::chrono::milliseconds(2)) {
      sched_yield();
      continue;
    }
    nap = std::min(std::chrono::microseconds(1000), nap + std::chrono::microseconds(50));
    std::this_thread::sleep_for(nap);
  }
}

template <typename T>
Status MpiCommunicator::SumInRankOrder(std::span<T> values, MPI_Datatype type) {
  TFCOMPAT_RETURN_IF_ERROR(CheckUsable());
  // Every rank passes the same size, so all return here alike.
  if (size_ == 1 || values.empty()) return OkStatus();
  // Rank r owns chunk r: all-to-all sends every rank's copy of chunk r to
  // rank r, which sums them in rank order; an all-gather then hands every
  // chunk to every rank. Both are pure data movement, so the order of the
  // additions is ours whatever algorithms MPI picks.
  const size_t n = values.size();
  const size_t my_begin = ChunkBegin(n, size_, rank_);
  const size_t my_size = ChunkBegin(n, size_, rank_ + 1) - my_begin;
  std::vector<int> counts(static_cast<size_t>(size_)), offsets(static_cast<size_t>(size_));
  std::vector<int> my_counts(static_cast<size_t>(size_)), my_offsets(static_cast<size_t>(size_));
  for (int r = 0; r < size_; ++r) {
    const size_t begin = ChunkBegin(n, size_, r), end = ChunkBegin(n, size_, r + 1);
    const size_t i = static_cast<size_t>(r);
    TFCOMPAT_RETURN_IF_ERROR(ToMpiCount(begin, "an all-reduce", &offsets[i]));
    TFCOMPAT_RETURN_IF_ERROR(ToMpiCount(end - begin, "an all-reduce", &counts[i]));
    TFCOMPAT_RETURN_IF_ERROR(ToMpiCount(my_size * i, "an all-reduce", &my_offsets[i]));
    my_counts[i] = static_cast<int>(my_size);
  }
  scratch_.resize(my_size * static_cast<size_t>(size_) * sizeof(T));
  T* received = reinterpret_cast<T*>(scratch_.data());
  MPI_Request request;
  TFCOMPAT_RETURN_IF_ERROR(Check(MPI_Ialltoallv(values.data(), counts.data(), offsets.data(), type, received,
                                                my_counts.data(), my_offsets.data(), type, comm_, &request),
                                 "MPI_Ialltoallv"));
  TFCOMPAT_RETURN_IF_ERROR(Wait(&request, "the all-reduce's all-to-all"));
  T* sum = values.data() + my_begin;
  if (my_size > 0) std::memcpy(sum, received, my_size * sizeof(T));
  for (int r = 1; r < size_; ++r) {
    const T* part = received + my_size * static_cast<size_t>(r);
    for (size_t k = 0; k < my_size; ++k) sum[k] += part[k];
  }
  TFCOMPAT_RETURN_IF_ERROR(
      Check(MPI_Iallgatherv(MPI_IN_PLACE, 0, type, values.data(), counts.data(), offsets.data(), type, comm_, &request),
            "MPI_Iallgatherv"));
  return Wait(&request, "the all-reduce's all-gather");
}

Status MpiCommunicator::AllreduceSum(std::span<float> values) { return SumInRankOrder(values, MPI_FLOAT); }
Status MpiCommunicator::AllreduceSum(std::span<double> values) { return SumInRankOrder(values, MPI_DOUBLE); }

Status MpiCommunicator::Broadcast(std::span<char> bytes, int root) {
  TFCOMPAT_RETURN_IF_ERROR(CheckUsable());
  if (root < 0 || root >= size_) {
    return InvalidArgumentError("broadcast from rank " + std::to_string(root) + " of " + std::to_string(size_));
  }
  // In pieces of at most INT_MAX bytes, MPI's count type.
  for (size_t done = 0; done < bytes.size();) {
    const size_t piece = std::min(bytes.size() - done, static_cast<size_t>(INT_MAX));
    MPI_Request request;
    TFCOMPAT_RETURN_IF_ERROR(
        Check(MPI_Ibcast(bytes.data() + done, static_cast<int>(piece), MPI_BYTE, root, comm_, &request), "MPI_Ibcast"));
    TFCOMPAT_RETURN_IF_ERROR(Wait(&request, "a broadcast"));
    done += piece;
  }
  return OkStatus();
}

StatusOr<std::vector<std::string>> MpiCommunicator::Allgather(std::string_view bytes) {
  TFCOMPAT_RETURN_IF_ERROR(CheckUsable());
  const uint64_t my_size = bytes.size();
  std::vector<uint64_t> sizes(static_cast<size_t>(size_));
  MPI_Request request;
  TFCOMPAT_RETURN_IF_ERROR(Check(
      MPI_Iallgather(&my_size, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, comm_, &request), "MPI_Iallgather"));
  TFCOMPAT_RETURN_IF_ERROR(Wait(&request, "an all-gather of sizes"));
  std::vector<int> counts(static_cast<size_t>(size_)), offsets(static_cast<size_t>(size_));
  size_t total = 0;
  for (size_t r = 0; r < sizes.size(); ++r) {
    TFCOMPAT_RETURN_IF_ERROR(ToMpiCount(total, "an all-gather", &offsets[r]));
    TFCOMPAT_RETURN_IF_ERROR(ToMpiCount(sizes[r], "an all-gather", &counts[r]));
    total += sizes[r];
  }
  int total_count = 0;
  TFCOMPAT_RETURN_IF_ERROR(ToMpiCount(total, "an all-gather", &total_count));
  std::string gathered(total, '\0');
  TFCOMPAT_RETURN_IF_ERROR(Check(MPI_Iallgatherv(bytes.data(), static_cast<int>(my_size), MPI_BYTE, gathered.data(),
                                                 counts.data(), offsets.data(), MPI_BYTE, comm_, &request),
                                 "MPI_Iallgatherv"));
  TFCOMPAT_RETURN_IF_ERROR(Wait(&request, "an all-gather"));
  std::vector<std::string> result;
  for (size_t r = 0; r < sizes.size(); ++r) {
    result.push_back(gathered.substr(static_cast<size_t>(offsets[r]), sizes[r]));
  }
  return result;
}

}  // namespace tfcompat::distribute
