// SPDX-License-Identifier: Apache-2.0
#include "summary/event_file_writer.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>

#include "io/record_format.h"
#include "summary/summary_encoding.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/tensorflow/event.pb.h"

namespace tfcompat {
namespace {

constexpr char kFileVersion[] = "brain.Event:2";
constexpr char kWriterName[] = "tfcompat";

// Shared by every writer of the process, like TF's and TensorBoard's, so
// two writers created in the same second get different names.
std::atomic<uint64_t> g_file_counter{0};

// How long the thread polls for the next batch before it sleeps, while
// batches arrive at least this often: long enough to bridge the gap between
// two batches of a fast caller; a slow caller costs nothing, since the
// thread stops polling once a batch took longer than this to come.
constexpr std::chrono::microseconds kPollBeforeSleep{50};
// The thread's pause before writing again when batches keep coming while it
// writes, so that the next write carries many. With the kernel's timer slack
// (50 us by default) it bounds how late data reaches the OS under a flood of
// events to about 55 us; the ring holds more batches than fast callers fill
// in that time. (Measured: longer pauses fill the ring and are slower.)
constexpr std::chrono::microseconds kCoalescePause{5};

void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace

std::string EventFileName(int64_t seconds, std::string_view hostname, int64_t pid, uint64_t counter,
                          std::string_view suffix) {
  char secs[32];
  std::snprintf(secs, sizeof(secs), "%010lld", static_cast<long long>(seconds));
  std::string name = "events.out.tfevents.";
  name += secs;
  name += '.';
  name += hostname;
  name += '.' + std::to_string(pid) + '.' + std::to_string(counter);
  name += suffix;
  return name;
}

StatusOr<std::unique_ptr<EventFileWriter>> EventFileWriter::Create(Env* env, const std::string& logdir,
                                                                   const SummaryWriterOptions& options) {
  if (options.max_queue < 1) return InvalidArgumentError("max_queue must be at least 1");
  if (!(options.flush_secs > 0) || !std::isfinite(options.flush_secs)) {
    return InvalidArgumentError("flush_secs must be positive and finite");
  }
  TFCOMPAT_RETURN_IF_ERROR(env->RecursivelyCreateDir(logdir));
  const double now = env->NowSeconds();
  const std::string path = JoinPath(logdir, EventFileName(static_cast<int64_t>(now), HostName(), getpid(),
                                                          g_file_counter++, options.filename_suffix));
  TFCOMPAT_ASSIGN_OR_RETURN(auto file, env->NewExclusiveFile(path));

  tensorflow::Event first;
  first.set_wall_time(now);
  first.set_file_version(kFileVersion);
  first.mutable_source_metadata()->set_writer(kWriterName);
  std::string record;
  AppendRecord(first.SerializeAsString(), &record);
  TFCOMPAT_RETURN_IF_ERROR(file->Append(record));
  TFCOMPAT_RETURN_IF_ERROR(file->Flush());
  return std::unique_ptr<EventFileWriter>(new EventFileWriter(env, path, std::move(file), options));
}

EventFileWriter::EventFileWriter(Env* env, std::string path, std::unique_ptr<WritableFile> file,
                                 const SummaryWriterOptions& options)
    : env_(env),
      path_(std::move(path)),
      max_queue_(options.max_queue),
      batch_bytes_(std::max<size_t>(1, options.max_pending_bytes / kSlots)),
      flush_secs_(options.flush_secs),
      file_(std::move(file)) {
  thread_ = std::thread([this] { ThreadMain(); });
}

EventFileWriter::~EventFileWriter() { Close().IgnoreError(); }

double EventFileWriter::NowSeconds() const { return env_->NowSeconds(); }

Status EventFileWriter::FirstError() {
  std::lock_guard<std::mutex> lock(control_mu_);
  return status_;
}

Status EventFileWriter::WaitForFreeSlot(std::unique_lock<std::mutex>& append_lock) {
  for (;;) {
    if (failed_.load(std::memory_order_relaxed)) return FirstError();
    if (closing_) return FailedPreconditionError(path_ + ": writer is closed");
    // written_seen_ spares a load of the thread's cache line per event.
    const uint64_t sealed = sealed_.load(std::memory_order_relaxed);
    if (sealed - written_seen_ < kSlots) return OkStatus();
    const uint64_t written = written_.load(std::memory_order_acquire);
    written_seen_ = written;
    if (sealed - written < kSlots) return OkStatus();
    // Every slot waits for the thread: let other callers (and the thread's
    // periodic seal) have append_mu_ while this one sleeps.
    append_lock.unlock();
    callers_waiting_.fetch_add(1);
    {
      std::unique_lock<std::mutex> lock(control_mu_);
      done_cv_.wait(lock, [&] { return written_.load() != written || failed_.load(); });
    }
    callers_waiting_.fetch_sub(1);
    append_lock.lock();
  }
}

EventFileWriter::Batch& EventFileWriter::FillingBatch() {
  const uint64_t number = sealed_.load(std::memory_order_relaxed);
  Batch& batch = batches_[number % kSlots];
  if (batch.number != number) {
    batch.number = number;
    batch.events = 0;
    batch.records.clear();
    // One huge event (an image) must not pin its memory in the slot.
    if (batch.records.capacity() > 4 * batch_bytes_) std::string().swap(batch.records);
  }
  return batch;
}

void EventFileWriter::CountAppended(Batch& batch) {
  if (++batch.events >= max_queue_ || batch.records.size() >= batch_bytes_) Seal();
}

void EventFileWriter::Seal() {
  const uint64_t filling = sealed_.load(std::memory_order_relaxed);
  const Batch& batch = batches_[filling % kSlots];
  if (batch.number != filling || batch.events == 0) return;
  // Sequentially consistent with the thread's store of thread_sleeping_
  // and load of sealed_ (a Dekker pair): either the thread sees this batch
  // before it sleeps, or this caller sees it sleeping and wakes it.
  sealed_.store(filling + 1);
  if (thread_sleeping_.load()) {
    std::lock_guard<std::mutex> lock(control_mu_);
    work_cv_.notify_one();
  }
}

Status EventFileWriter::WriteSerializedEvent(std::string_view event) {
  std::unique_lock<std::mutex> lock(append_mu_);
  TFCOMPAT_RETURN_IF_ERROR(WaitForFreeSlot(lock));
  Batch& batch = FillingBatch();
  AppendRecord(event, &batch.records);
  CountAppended(batch);
  return OkStatus();
}

Status EventFileWriter::WriteScalarEvent(std::string_view tag, int64_t step, float value) {
  return WriteScalarEvent(tag, step, value, env_->NowSeconds());
}

Status EventFileWriter::WriteScalarEvent(std::string_view tag, int64_t step, float value, double wall_time) {
  // Encoded (both CRCs read it back) in a buffer of this thread's own, then
  // copied: the batch's cache lines were just read by the writer thread, and
  // the CRC loads would stall until this core owns them again.
  const size_t capacity = tag.size() + kMaxFramedScalarEventOverhead;
  char small[128];
  std::unique_ptr<char[]> large;
  char* const record = capacity <= sizeof(small) ? small : (large = std::make_unique<char[]>(capacity)).get();
  const size_t size = EncodeFramedScalarEvent(wall_time, step, tag, value, record);
  std::unique_lock<std::mutex> lock(append_mu_);
  TFCOMPAT_RETURN_IF_ERROR(WaitForFreeSlot(lock));
  Batch& batch = FillingBatch();
  batch.records.append(record, size);
  CountAppended(batch);
  return OkStatus();
}

Status EventFileWriter::Flush() {
  uint64_t target;
  {
    std::lock_guard<std::mutex> lock(append_mu_);
    if (failed_.load(std::memory_order_relaxed)) return FirstError();
    if (closing_) return FailedPreconditionError(path_ + ": writer is closed");
    Seal();
    target = sealed_.load(std::memory_order_relaxed);
  }
  return SyncThrough(target, /*stop=*/false);
}

Status EventFileWriter::Close() {
  uint64_t target;
  {
    std::lock_guard<std::mutex> lock(append_mu_);
    if (closing_) return FirstError();
    closing_ = true;
    Seal();
    target = sealed_.load(std::memory_order_relaxed);
  }
  SyncThrough(target, /*stop=*/true).IgnoreError();  // Kept in status_.
  thread_.join();
  // The thread wrote and synced everything; only now is the file closed.
  const Status close = file_->Close();
  if (!close.ok()) RecordError(close);
  return FirstError();
}

Status EventFileWriter::SyncThrough(uint64_t target, bool stop) {
  std::unique_lock<std::mutex> lock(control_mu_);
  sync_requested_ = std::max(sync_requested_, target);
  stop_requested_ = stop_requested_ || stop;
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return synced_ >= target; });
  return status_;
}

void EventFileWriter::RecordError(const Status& error) {
  std::lock_guard<std::mutex> lock(control_mu_);
  if (status_.ok()) status_ = error;
  failed_.store(true);
  done_cv_.notify_all();
}

Status EventFileWriter::WriteBatches(uint64_t written, uint64_t sealed) {
  std::string_view pieces[kSlots];
  size_t count = 0;
  for (uint64_t i = written; i < sealed; ++i) pieces[count++] = batches_[i % kSlots].records;
  if (failed_.load(std::memory_order_relaxed)) return OkStatus();  // Dropped: callers have the error.
  return file_->AppendPieces(std::span<const std::string_view>(pieces, count));
}

void EventFileWriter::WaitForWork(uint64_t written, std::chrono::steady_clock::time_point deadline) {
  using Clock = std::chrono::steady_clock;
  if (poll_before_sleep_) {
    const Clock::time_point poll_end = std::min(Clock::now() + kPollBeforeSleep, deadline);
    do {
      for (int i = 0; i < 64; ++i) {
        if (sealed_.load(std::memory_order_acquire) != written) return;
        CpuRelax();
      }
    } while (Clock::now() < poll_end);
  }
  std::unique_lock<std::mutex> lock(control_mu_);
  thread_sleeping_.store(true);
  const Clock::time_point slept = Clock::now();
  work_cv_.wait_until(lock, deadline,
                      [&] { return sealed_.load() != written || sync_requested_ > synced_ || stop_requested_; });
  thread_sleeping_.store(false);
  poll_before_sleep_ = Clock::now() - slept < kPollBeforeSleep;
}

void EventFileWriter::ThreadMain() {
  using Clock = std::chrono::steady_clock;
  const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(flush_secs_));
  Clock::time_point next_flush = Clock::now() + period;
  uint64_t written = 0;
  for (;;) {
    const uint64_t sealed = sealed_.load(std::memory_order_acquire);
    if (sealed != written) {
      const Status status = WriteBatches(written, sealed);
      written = sealed;
      written_.store(written);
      if (!status.ok()) RecordError(status);
      if (callers_waiting_.load() > 0) {
        std::lock_guard<std::mutex> lock(control_mu_);
        done_cv_.notify_all();
      }
      // More batches came while this one was written: the callers are
      // fast. Letting them fill more slots first makes the next system call
      // carry many batches; the data is at most a pause late.
      if (sealed_.load(std::memory_order_relaxed) != written && callers_waiting_.load() == 0) {
        std::this_thread::sleep_for(kCoalescePause);
      }
      continue;  // Write all there is before syncing or sleeping.
    }
    if (Clock::now() >= next_flush) {
      // flush_secs: what callers queued since goes out now, as in TF.
      {
        std::lock_guard<std::mutex> lock(append_mu_);
        Seal();
      }
      std::lock_guard<std::mutex> lock(control_mu_);
      sync_requested_ = std::max(sync_requested_, sealed_.load(std::memory_order_relaxed));
      next_flush = Clock::now() + period;
      continue;
    }
    uint64_t sync_to;
    bool stop;
    {
      std::lock_guard<std::mutex> lock(control_mu_);
      sync_to = sync_requested_ > synced_ ? sync_requested_ : 0;
      stop = stop_requested_;
    }
    if (sync_to > written) continue;  // Sealed after this loop's look at sealed_.
    if (sync_to > 0) {
      if (!failed_.load(std::memory_order_relaxed)) {
        const Status status = file_->Sync();
        if (!status.ok()) RecordError(status);
      }
      std::lock_guard<std::mutex> lock(control_mu_);
      synced_ = written;
      done_cv_.notify_all();
      continue;
    }
    if (stop) return;
    WaitForWork(written, next_flush);
  }
}

}  // namespace tfcompat
