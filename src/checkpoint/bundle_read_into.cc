// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/bundle_read_into.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <span>
#include <tuple>
#include <utility>

#include "base/parallel_for.h"
#include "io/aligned_buffer_pool.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/io/crc32c.h"

namespace tfcompat::bundle {
namespace {

// ---- warm: through the page cache ----

// A read is one preadv straight into the destinations: a piece of one large
// tensor, or a run of neighbouring small tensors. 1 MiB: the CRC then reads
// what the read just wrote while it is still in the core's cache (8 MiB
// reads were a third slower). Each thread reads a chunk's reads in order, so
// the kernel's readahead fetches the next ones from the disk while the CRC
// runs; a reader thread running ahead of one checking measured no faster,
// but chunks read and checked on two cores were: 1 GiB of 100 000 tensors
// warm 0.154 -> 0.109 s, 64 tensors 0.200 -> 0.114 s.
constexpr uint64_t kReadBytes = uint64_t{1} << 20;
// Reads are handed to threads in chunks of at least this many bytes.
constexpr uint64_t kChunkBytes = uint64_t{32} << 20;
// A tensor at least this large is read in pieces of its own.
constexpr uint64_t kPieceBytes = uint64_t{256} << 10;
// Bytes between two tensors a run reads into the sink (or a window reads
// along) rather than start a new read.
constexpr uint64_t kMaxGap = uint64_t{64} << 10;
// Tensors in one run (each with the gap before it: two iovecs).
constexpr size_t kMaxRunTensors = 512;

// Targets [first_target, end_target) from `offset` on, `size` bytes; for a
// piece of a large tensor (one target) the bytes from `offset`, its CRC
// complete after the `last_piece`.
struct PlannedRead {
  const RandomAccessFile* file = nullptr;
  uint64_t offset = 0;
  uint64_t size = 0;
  size_t first_target = 0;
  size_t end_target = 0;
  bool piece = false;
  bool last_piece = false;
};

// `targets` sorted by file and offset.
std::vector<PlannedRead> PlanReads(const std::vector<ReadTarget>& targets) {
  std::vector<PlannedRead> reads;
  for (size_t t = 0; t < targets.size(); ++t) {
    const ReadTarget& target = targets[t];
    if (target.size >= kPieceBytes) {
      for (uint64_t done = 0; done < target.size; done += kReadBytes) {
        const uint64_t n = std::min(kReadBytes, target.size - done);
        reads.push_back({target.file, target.offset + done, n, t, t + 1, true, done + n == target.size});
      }
      continue;
    }
    PlannedRead* run = reads.empty() ? nullptr : &reads.back();
    if (run != nullptr && !run->piece && run->file == target.file) {
      const uint64_t run_end = run->offset + run->size;
      // Overlapping tensors (never written by TF) start a read of their own.
      if (target.offset >= run_end && target.offset - run_end <= kMaxGap &&
          target.offset + target.size - run->offset <= kReadBytes && t - run->first_target < kMaxRunTensors) {
        run->size = target.offset + target.size - run->offset;
        run->end_target = t + 1;
        continue;
      }
    }
    reads.push_back({target.file, target.offset, target.size, t, t + 1, false, false});
  }
  return reads;
}

Status ReadThroughPageCache(const std::vector<ReadTarget>& targets, const TargetChecks& checks) {
  const std::vector<PlannedRead> reads = PlanReads(targets);
  std::vector<uint32_t> running_crc(targets.size(), 0);  // of a large tensor's pieces so far

  const auto read = [&](size_t i, std::vector<char>& sink, std::vector<std::span<char>>& pieces) -> Status {
    const PlannedRead& r = reads[i];
    pieces.clear();
    if (r.piece) {
      const ReadTarget& target = targets[r.first_target];
      pieces.emplace_back(target.destination + (r.offset - target.offset), r.size);
    } else {
      uint64_t at = r.offset;
      for (size_t t = r.first_target; t < r.end_target; ++t) {
        const ReadTarget& target = targets[t];
        if (target.offset > at) pieces.emplace_back(sink.data(), target.offset - at);
        pieces.emplace_back(target.destination, target.size);
        at = target.offset + target.size;
      }
    }
    size_t got = 0;
    Status status = r.file->ReadPieces(r.offset, pieces, &got);
    if (status.ok() && got != r.size) {
      status = DataLossError("truncated read of " + r.file->path() + ": " + std::to_string(got) + " of " +
                             std::to_string(r.size) + " bytes at offset " + std::to_string(r.offset));
    }
    return status.ok() ? status : status.WithContext(checks.where(targets[r.first_target]));
  };
  const auto check = [&](size_t i) -> Status {
    const PlannedRead& r = reads[i];
    if (r.piece) {
      const ReadTarget& target = targets[r.first_target];
      uint32_t& crc = running_crc[r.first_target];
      crc = crc32c::Extend(crc, target.destination + (r.offset - target.offset), r.size);
      return r.last_piece ? checks.crc(target, crc) : OkStatus();
    }
    for (size_t t = r.first_target; t < r.end_target; ++t) {
      TFCOMPAT_RETURN_IF_ERROR(checks.crc(targets[t], crc32c::Value(targets[t].destination, targets[t].size)));
    }
    return OkStatus();
  };

  // The reads in chunks of at least kChunkBytes, cut between tensors (a
  // large tensor's CRC runs over its pieces in order), taken by the
  // threads: one core's copies out of the page cache and CRCs leave the
  // memory and the disk idle part of the time.
  std::vector<size_t> chunk_starts;
  uint64_t chunk_bytes = kChunkBytes;
  for (size_t i = 0; i < reads.size(); ++i) {
    const bool starts_tensor = !reads[i].piece || reads[i].offset == targets[reads[i].first_target].offset;
    if (chunk_bytes >= kChunkBytes && starts_tensor) {
      chunk_starts.push_back(i);
      chunk_bytes = 0;
    }
    chunk_bytes += reads[i].size;
  }
  chunk_starts.push_back(reads.size());
  const size_t chunks = chunk_starts.size() - 1;
  const int threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(ParallelThreads()), chunks));
  struct Scratch {
    std::vector<char> sink = std::vector<char>(kMaxGap);
    std::vector<std::span<char>> pieces;
  };
  std::vector<Scratch> scratch(static_cast<size_t>(threads));
  return ParallelFor(chunks, threads, [&](size_t chunk, int thread) -> Status {
    Scratch& mine = scratch[static_cast<size_t>(thread)];
    for (size_t i = chunk_starts[chunk]; i < chunk_starts[chunk + 1]; ++i) {
      TFCOMPAT_RETURN_IF_ERROR(read(i, mine.sink, mine.pieces));
      TFCOMPAT_RETURN_IF_ERROR(check(i));
    }
    return OkStatus();
  });
}

// ---- cold: past the page cache ----

constexpr uint64_t kWindowBytes = uint64_t{16} << 20;

// Reads in flight at once: 128 MiB. The disk of the VM this was measured
// on delivers more the more bytes are queued (1 GiB cold, in turn with a
// raw O_DIRECT read of it in 16 MiB reads one at a time, medians of six:
// 0.91-1.13x its speed with eight 16 MiB reads in flight, 0.93-0.98x with
// sixteen of 8 MiB, 1.02-1.18x with four of 32 MiB; 0.80-1.02x with 64 MiB
// in flight; 0.63-0.89x with three threads each reading a window and then
// copying it, whose reads bunch and leave the disk idle while all copy).
// Those were reads into 4 KiB pages; into huge pages (aligned_buffer_pool.h)
// eight in flight measured 0.97-1.03x a raw one-at-a-time read into huge
// pages, four 0.92-1.01x (one run each).
constexpr int kReadsInFlight = 8;
// Threads: the readers, and the cores but one to copy and checksum (one
// core copies 16 MiB in about 2 ms, a read of it takes 5 ms alone).
int WindowThreads() { return kReadsInFlight + std::max(1, ParallelThreads() - 1); }
// A buffer for every read in flight and two for the copies (a copy holds
// its buffer for 2 ms, a read for 40 with eight in flight).
constexpr size_t kWindowBuffers = kReadsInFlight + 2;
// A window's bytes are copied out and checked in blocks this large, each
// still in the core's cache for its CRC.
constexpr size_t kCopyBytes = size_t{256} << 10;

// The windows' buffers, kept for the next restore (what the last one took,
// at most kWindowBuffers: 160 MiB for the life of a process):
// a process that restores once restores again (evaluate after train), and
// kept buffers are faster to read into than new ones
// (aligned_buffer_pool.h).
AlignedBufferPool& WindowBuffers() {
  static auto* const pool = new AlignedBufferPool(kWindowBytes, kDirectIoAlignment, kWindowBuffers);
  return *pool;
}

constexpr uint64_t AlignDown(uint64_t offset) { return offset / kDirectIoAlignment * kDirectIoAlignment; }
constexpr uint64_t AlignUp(uint64_t offset) { return AlignDown(offset + kDirectIoAlignment - 1); }

// The bytes [offset, offset + size) of the file, all of target `target` or
// its part inside one window.
struct Slice {
  size_t target = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
};

// One read: [begin, AlignUp(end)) of `file`, begin aligned, at most
// kWindowBytes; its slices are [first_slice, end_slice).
struct Window {
  const RandomAccessFile* file = nullptr;
  uint64_t begin = 0;
  uint64_t end = 0;
  size_t first_slice = 0;
  size_t end_slice = 0;
};

struct WindowPlan {
  std::vector<Window> windows;
  std::vector<Slice> slices;  // in file order, a target's slices together
};

// `targets` sorted by file and offset. A window starts at the first byte
// not yet planned (aligned down) and takes every slice that fits in
// kWindowBytes, unless more than kMaxGap unread bytes would come before it.
WindowPlan PlanWindows(const std::vector<ReadTarget>& targets) {
  WindowPlan plan;
  for (size_t t = 0; t < targets.size(); ++t) {
    const ReadTarget& target = targets[t];
    const uint64_t end = target.offset + target.size;
    uint64_t at = target.offset;
    do {  // once for an empty tensor
      Window* window = plan.windows.empty() ? nullptr : &plan.windows.back();
      if (window == nullptr || window->file != target.file || at >= window->begin + kWindowBytes ||
          at > window->end + kMaxGap) {
        plan.windows.push_back({target.file, AlignDown(at), at, plan.slices.size(), plan.slices.size()});
        window = &plan.windows.back();
      }
      const uint64_t n = std::min(end, window->begin + kWindowBytes) - at;
      plan.slices.push_back({t, at, n});
      window->end = std::max(window->end, at + n);
      window->end_slice = plan.slices.size();
      at += n;
    } while (at < end);
  }
  return plan;
}

// The windows of one restore, handed out to the threads: a thread copies a
// window that has been read if there is one, else reads the next window if
// fewer than kReadsInFlight are in flight and a buffer is free, else waits.
// Any thread does either, so the restore finishes with however many threads
// could be started, one included.
class WindowQueue {
 public:
  WindowQueue(size_t windows, std::vector<AlignedBufferPool::Buffer> buffers)
      : windows_(windows), buffers_(std::move(buffers)) {
    for (size_t b = 0; b < buffers_.size(); ++b) free_.push_back(b);
  }

  // What a thread does next: read window `window` into buffer `buffer`, or
  // copy it out of there.
  struct Job {
    enum { kRead, kCopy, kStop } what = kStop;
    size_t window = 0;
    size_t buffer = 0;
  };
  Job Next() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      if (failed_ || copied_ == windows_) return {};
      if (!read_.empty()) {  // the window read first
        const Job copy = {Job::kCopy, read_.front().window, read_.front().buffer};
        read_.pop_front();
        return copy;
      }
      if (next_read_ < windows_ && in_flight_ < kReadsInFlight && !free_.empty()) {
        const size_t b = free_.back();
        free_.pop_back();
        ++in_flight_;
        return {Job::kRead, next_read_++, b};
      }
      cv_.wait(lock);
    }
  }
  // Reports a job done (or failed: every thread then stops).
  void Done(const Job& job, bool ok) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!ok) {
        failed_ = true;
      } else if (job.what == Job::kRead) {
        --in_flight_;
        read_.push_back(job);
      } else {
        ++copied_;
        free_.push_back(job.buffer);
      }
    }
    cv_.notify_all();
  }

  char* buffer(const Job& job) const { return buffers_[job.buffer].get(); }

 private:
  const size_t windows_;
  const std::vector<AlignedBufferPool::Buffer> buffers_;
  std::mutex mu_;
  std::condition_variable cv_;
  // Under mu_.
  std::vector<size_t> free_;  // buffers
  std::deque<Job> read_;      // reads done, in the order they finished
  size_t next_read_ = 0;
  int in_flight_ = 0;
  size_t copied_ = 0;
  bool failed_ = false;
};

// Any failure is only reported as such: ReadTargets then reads the warm
// way, which names it.
Status ReadPastPageCache(const std::vector<ReadTarget>& targets, const TargetChecks& checks) {
  const WindowPlan plan = PlanWindows(targets);
  std::vector<uint32_t> slice_crc(plan.slices.size());  // of slices of tensors cut by windows
  std::vector<AlignedBufferPool::Buffer> buffers(std::min(kWindowBuffers, plan.windows.size()));
  for (AlignedBufferPool::Buffer& buffer : buffers) {
    buffer = WindowBuffers().Take();
    if (buffer == nullptr) return ResourceExhaustedError("no memory for a read buffer");
  }
  WindowQueue queue(plan.windows.size(), std::move(buffers));
  const auto read = [&](const Window& window, char* buffer) -> Status {
    size_t got = 0;
    TFCOMPAT_RETURN_IF_ERROR(window.file->ReadDirect(window.begin, AlignUp(window.end) - window.begin, buffer, &got));
    return window.begin + got < window.end ? DataLossError("truncated read") : OkStatus();
  };
  const auto copy = [&](const Window& window, const char* buffer) -> Status {
    for (size_t s = window.first_slice; s < window.end_slice; ++s) {
      const Slice& slice = plan.slices[s];
      const ReadTarget& target = targets[slice.target];
      const char* from = buffer + (slice.offset - window.begin);
      char* to = target.destination + (slice.offset - target.offset);
      uint32_t crc = 0;
      for (uint64_t done = 0; done < slice.size; done += kCopyBytes) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(kCopyBytes, slice.size - done));
        std::memcpy(to + done, from + done, n);
        crc = crc32c::Extend(crc, from + done, n);
      }
      if (slice.size == target.size) {
        TFCOMPAT_RETURN_IF_ERROR(checks.crc(target, crc));
      } else {
        slice_crc[s] = crc;
      }
    }
    return OkStatus();
  };
  const int threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(WindowThreads()), plan.windows.size()));
  TFCOMPAT_RETURN_IF_ERROR(ParallelFor(static_cast<size_t>(threads), threads, [&](size_t, int) -> Status {
    for (WindowQueue::Job job = queue.Next(); job.what != WindowQueue::Job::kStop; job = queue.Next()) {
      const Window& window = plan.windows[job.window];
      char* buffer = queue.buffer(job);
      Status status = job.what == WindowQueue::Job::kRead ? read(window, buffer) : copy(window, buffer);
      queue.Done(job, status.ok());
      TFCOMPAT_RETURN_IF_ERROR(status);
    }
    return OkStatus();
  }));
  for (size_t s = 0; s < plan.slices.size();) {
    const size_t t = plan.slices[s].target;
    if (plan.slices[s].size == targets[t].size) {
      ++s;
      continue;
    }
    uint32_t crc = slice_crc[s];
    for (++s; s < plan.slices.size() && plan.slices[s].target == t; ++s) {
      crc = crc32c::Combine(crc, slice_crc[s], plan.slices[s].size);
    }
    TFCOMPAT_RETURN_IF_ERROR(checks.crc(targets[t], crc));
  }
  return OkStatus();
}

}  // namespace

Status ReadTargets(std::vector<ReadTarget> targets, const TargetChecks& checks) {
  if (targets.empty()) return OkStatus();
  std::sort(targets.begin(), targets.end(), [](const ReadTarget& a, const ReadTarget& b) {
    return std::tie(a.file, a.offset) < std::tie(b.file, b.offset);
  });
  uint64_t bytes = 0;
  for (const ReadTarget& target : targets) bytes += target.size;
  const ReadTarget& first = targets.front();
  if (bytes >= kWindowBytes && !first.file->Cached(first.offset) && ReadPastPageCache(targets, checks).ok()) {
    return OkStatus();
  }
  return ReadThroughPageCache(targets, checks);
}

}  // namespace tfcompat::bundle
