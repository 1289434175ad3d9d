#include "summary/event_file_writer.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>

#include "base/status_macros.h"
#include "io/record_format.h"
#include "summary/summary_encoding.h"
#include "tensorflow/event.pb.h"

namespace tfcompat {
namespace {

constexpr char kFileVersion[] = "brain.Event:2";
constexpr char kWriterName[] = "tfcompat";

// Shared by every writer of the process, like TF's and TensorBoard's, so
// two writers created in the same second get different names.
std::atomic<uint64_t> g_file_counter{0};

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
      max_pending_bytes_(options.max_pending_bytes),
      flush_secs_(options.flush_secs),
      file_(std::move(file)) {
  thread_ = std::thread([this] { ThreadMain(); });
}

EventFileWriter::~EventFileWriter() { Close().IgnoreError(); }

double EventFileWriter::NowSeconds() const { return env_->NowSeconds(); }

Status EventFileWriter::WaitForRoom(std::unique_lock<std::mutex>& lock) {
  space_cv_.wait(lock, [&] { return !status_.ok() || closing_ || pending_.size() <= max_pending_bytes_; });
  if (!status_.ok()) return status_;
  if (closing_) return FailedPreconditionError(path_ + ": writer is closed");
  return Status::Ok();
}

void EventFileWriter::CountQueued() {
  if (++pending_events_ == max_queue_) work_cv_.notify_one();
}

Status EventFileWriter::WriteSerializedEvent(std::string_view event) {
  std::unique_lock<std::mutex> lock(mu_);
  TFCOMPAT_RETURN_IF_ERROR(WaitForRoom(lock));
  AppendRecord(event, &pending_);
  CountQueued();
  return Status::Ok();
}

Status EventFileWriter::WriteScalarEvent(std::string_view tag, int64_t step, float value) {
  const double now = env_->NowSeconds();
  std::unique_lock<std::mutex> lock(mu_);
  TFCOMPAT_RETURN_IF_ERROR(WaitForRoom(lock));
  // Encoded straight into the queue: no allocation in the common case.
  AppendFramedScalarEvent(now, step, tag, value, &pending_);
  CountQueued();
  return Status::Ok();
}

Status EventFileWriter::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  if (closing_) return status_.ok() ? FailedPreconditionError(path_ + ": writer is closed") : status_;
  const uint64_t ticket = ++flush_requested_;
  work_cv_.notify_one();
  space_cv_.wait(lock, [&] { return flush_done_ >= ticket; });
  return status_;
}

Status EventFileWriter::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return status_;
    closing_ = true;
    closed_ = true;
  }
  work_cv_.notify_one();
  space_cv_.notify_all();
  thread_.join();
  // The thread wrote and synced everything; only now is the file closed.
  Status close = file_->Close();
  std::lock_guard<std::mutex> lock(mu_);
  if (status_.ok() && !close.ok()) status_ = close;
  return status_;
}

void EventFileWriter::ThreadMain() {
  const auto period =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(flush_secs_));
  auto next_flush = std::chrono::steady_clock::now() + period;
  std::string batch;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait_until(lock, next_flush,
                        [&] { return closing_ || pending_events_ >= max_queue_ || flush_requested_ > flush_done_; });
    const bool timed = std::chrono::steady_clock::now() >= next_flush;
    const bool sync = closing_ || flush_requested_ > flush_done_ || timed;
    const uint64_t ticket = flush_requested_;
    const bool stop = closing_;
    batch.swap(pending_);
    pending_.clear();
    pending_events_ = 0;
    space_cv_.notify_all();
    if (status_.ok()) {
      lock.unlock();
      Status s;
      if (!batch.empty()) s = file_->Append(batch);
      if (s.ok() && sync) s = file_->Sync();
      lock.lock();
      if (status_.ok() && !s.ok()) status_ = s;
    }
    batch.clear();
    if (sync) {
      flush_done_ = ticket;
      next_flush = std::chrono::steady_clock::now() + period;
      space_cv_.notify_all();
    }
    if (stop) return;
  }
}

}  // namespace tfcompat
