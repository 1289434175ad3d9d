// SPDX-License-Identifier: Apache-2.0
// EventFileWriter (internal): one TensorBoard event file, its queue and the
// background thread that writes it. SummaryWriter builds Events; this class
// frames and writes them.
//
// The queue is a ring of kSlots batches. Callers append framed records to
// the batch being filled, under `append_mu_`; a batch is sealed (handed to
// the thread) when it holds `max_queue` events or its share of
// `max_pending_bytes`, on Flush(), on Close() and every `flush_secs`. The
// thread writes every sealed batch with one writev() (each record whole, in
// one system call) and frees their slots. While it writes, callers fill the
// next slots, so under load one system call carries many batches and
// callers never wait for one; a caller blocks only when every slot is
// sealed and unwritten, which bounds memory.
//
// Why a ring and not a locked queue: at TF's max_queue of 10 a fast caller
// seals a batch every microsecond. A mutex and a condition variable shared
// with the thread cost a futex wake or a contended cache line per batch,
// more than the ten events themselves. Here the two sides share only the
// counters `sealed_` and `written_` (each on its own cache line) and the
// batches themselves; the thread polls `sealed_` for a short while before it
// sleeps (only while batches have been arriving that quickly), and a caller
// takes `control_mu_` to wake it only when it sleeps. Under a flood the
// thread pauses briefly between writes, so that each write() carries many
// batches and the hand-over costs are paid once per write, not per batch.
#ifndef TFCOMPAT_SRC_SUMMARY_EVENT_FILE_WRITER_H_
#define TFCOMPAT_SRC_SUMMARY_EVENT_FILE_WRITER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "io/file.h"
#include "tfcompat/base/status.h"
#include "tfcompat/summary/summary_writer.h"

namespace tfcompat {

// "events.out.tfevents.<%010d secs>.<host>.<pid>.<counter><suffix>".
std::string EventFileName(int64_t seconds, std::string_view hostname, int64_t pid, uint64_t counter,
                          std::string_view suffix);

class EventFileWriter {
 public:
  // Creates `logdir` and a new event file in it (never an existing one) and
  // writes the file_version event at once.
  static StatusOr<std::unique_ptr<EventFileWriter>> Create(Env* env, const std::string& logdir,
                                                           const SummaryWriterOptions& options);
  ~EventFileWriter();
  EventFileWriter(const EventFileWriter&) = delete;
  EventFileWriter& operator=(const EventFileWriter&) = delete;

  // Queues one serialized tensorflow.Event. Returns the first I/O error,
  // if one happened, without queueing.
  Status WriteSerializedEvent(std::string_view event);
  // Queues a simple_value scalar event, encoded without protobuf.
  Status WriteScalarEvent(std::string_view tag, int64_t step, float value);
  // The same with the event's wall_time given.
  Status WriteScalarEvent(std::string_view tag, int64_t step, float value, double wall_time);
  Status Flush();
  Status Close();

  Env* env() const { return env_; }
  const std::string& path() const { return path_; }
  double NowSeconds() const;

 private:
  // A batch of framed records: filled by callers, then written by the thread.
  // Written by callers only (the thread only reads a sealed batch), and on a
  // cache line of its own, so no line goes back and forth needlessly.
  struct alignas(64) Batch {
    std::string records;
    int events = 0;
    uint64_t number = 0;  // Which batch the slot holds.
  };
  static constexpr uint64_t kSlots = 256;

  EventFileWriter(Env* env, std::string path, std::unique_ptr<WritableFile> file, const SummaryWriterOptions& options);

  // Callers' side; `append_lock` holds append_mu_.
  // Waits (without append_mu_) until the batch to fill has a free slot;
  // returns the first error, or FailedPrecondition once closing.
  Status WaitForFreeSlot(std::unique_lock<std::mutex>& append_lock);
  // The batch to append to, emptied first if its slot held an older one.
  Batch& FillingBatch();
  // Counts an event appended to `batch` and seals it when full.
  void CountAppended(Batch& batch);
  // Hands the filling batch to the thread if it holds anything.
  void Seal();
  // Waits until the thread has written and synced batches [0, target);
  // `stop` makes it exit afterwards. Returns the first error.
  Status SyncThrough(uint64_t target, bool stop);
  Status FirstError();

  // The thread's side.
  void ThreadMain();
  // Waits until a batch is sealed after `written`, a sync or stop is
  // requested, or `deadline`.
  void WaitForWork(uint64_t written, std::chrono::steady_clock::time_point deadline);
  // Writes the batches [written, sealed) with one system call, unless an
  // error happened before.
  Status WriteBatches(uint64_t written, uint64_t sealed);
  void RecordError(const Status& error);

  Env* const env_;
  const std::string path_;
  const int max_queue_;
  const size_t batch_bytes_;  // A batch is sealed once this big.
  const double flush_secs_;
  std::unique_ptr<WritableFile> file_;  // Used by the thread only, until it stops.
  Batch batches_[kSlots];               // Slot i % kSlots holds batch i.

  std::mutex append_mu_;
  bool closing_ = false;       // No more appends (append_mu_).
  uint64_t written_seen_ = 0;  // A recent value of written_ (append_mu_).

  // Batches [0, sealed_) are complete and batch sealed_ is being filled;
  // [0, written_) are written and their slots free again. sealed_ is
  // written by callers (under append_mu_) and written_ by the thread.
  alignas(64) std::atomic<uint64_t> sealed_{0};
  alignas(64) std::atomic<uint64_t> written_{0};
  alignas(64) std::atomic<bool> failed_{false};  // status_ holds an error.
  std::atomic<bool> thread_sleeping_{false};
  std::atomic<int> callers_waiting_{0};  // Callers blocked for a free slot.
  bool poll_before_sleep_ = true;        // Batches came quickly of late (thread only).

  std::mutex control_mu_;
  std::condition_variable work_cv_;  // Wakes the thread.
  std::condition_variable done_cv_;  // Wakes callers: a slot freed, a sync done.
  uint64_t sync_requested_ = 0;      // Batches [0, n) are to be synced (control_mu_).
  uint64_t synced_ = 0;              // Batches [0, n) are written and synced (control_mu_).
  bool stop_requested_ = false;      // The thread exits once synced (control_mu_).
  Status status_;                    // The first error (control_mu_).
  std::thread thread_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_SUMMARY_EVENT_FILE_WRITER_H_
