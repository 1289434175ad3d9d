// EventFileWriter (internal): one TensorBoard event file, its queue and the
// background thread that writes it. SummaryWriter builds Events; this class
// frames and writes them.
//
// Queue: callers append framed records to `pending`; when it holds
// `max_queue` events the thread is woken and writes the whole batch with
// one Append (so every record is written whole, in one write()). While the
// thread writes, callers go on queueing, so under load each write() carries
// many events and callers never wait for a system call; a caller blocks
// only while more than `max_pending_bytes` wait, which bounds memory. The
// thread also writes every `flush_secs`, on Flush() and on Close().
#ifndef TFCOMPAT_SRC_SUMMARY_EVENT_FILE_WRITER_H_
#define TFCOMPAT_SRC_SUMMARY_EVENT_FILE_WRITER_H_

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
  Status Flush();
  Status Close();

  Env* env() const { return env_; }
  const std::string& path() const { return path_; }
  double NowSeconds() const;

 private:
  EventFileWriter(Env* env, std::string path, std::unique_ptr<WritableFile> file, const SummaryWriterOptions& options);
  // Blocks while the queue is full; the first error, or FailedPrecondition
  // once closing. `lock` holds mu_.
  Status WaitForRoom(std::unique_lock<std::mutex>& lock);
  // Counts an event appended to pending_ and wakes the thread at max_queue.
  void CountQueued();
  void ThreadMain();

  Env* const env_;
  const std::string path_;
  const int max_queue_;
  const size_t max_pending_bytes_;
  const double flush_secs_;

  std::mutex mu_;
  std::condition_variable work_cv_;   // Wakes the thread.
  std::condition_variable space_cv_;  // Wakes blocked callers and Flush().
  std::string pending_;               // Framed records not yet written.
  int pending_events_ = 0;
  uint64_t flush_requested_ = 0;  // Flush() calls so far.
  uint64_t flush_done_ = 0;       // Flushes the thread finished.
  bool closing_ = false;
  bool closed_ = false;
  Status status_;                       // The first error.
  std::unique_ptr<WritableFile> file_;  // Used by the thread only, until it stops.
  std::thread thread_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_SUMMARY_EVENT_FILE_WRITER_H_
