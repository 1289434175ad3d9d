// SPDX-License-Identifier: Apache-2.0
#include "io/file.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <random>
#include <system_error>
#include <thread>
#include <utility>

#include "io/aligned_buffer_pool.h"
#include "io/wall_clock.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat {
namespace {

// Retries EINTR, as every blocking call here must.
template <typename F>
auto RetryOnEintr(F f) {
  decltype(f()) r;
  do {
    r = f();
  } while (r < 0 && errno == EINTR);
  return r;
}

// Pieces per writev(), well under IOV_MAX.
constexpr size_t kMaxPieces = 256;

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) Close().IgnoreError();
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return FailedPreconditionError(path_ + ": append to a closed file");
    while (!data.empty()) {
      const ssize_t n = RetryOnEintr([&] { return ::write(fd_, data.data(), data.size()); });
      if (n < 0) return ErrnoToStatus(errno, path_);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return OkStatus();
  }

  Status AppendPieces(std::span<const std::string_view> pieces) override {
    if (fd_ < 0) return FailedPreconditionError(path_ + ": append to a closed file");
    iovec iov[kMaxPieces];
    while (!pieces.empty()) {
      size_t count = 0;
      for (; count < pieces.size() && count < kMaxPieces; ++count) {
        iov[count] = {const_cast<char*>(pieces[count].data()), pieces[count].size()};
      }
      ssize_t n = RetryOnEintr([&] { return ::writev(fd_, iov, static_cast<int>(count)); });
      if (n < 0) return ErrnoToStatus(errno, path_);
      // A short write: finish the piece it stopped in, go on with the rest.
      size_t done = 0;
      while (done < count && static_cast<size_t>(n) >= pieces[done].size())
        n -= static_cast<ssize_t>(pieces[done++].size());
      if (done < count) {
        TFCOMPAT_RETURN_IF_ERROR(Append(pieces[done].substr(static_cast<size_t>(n))));
        ++done;
      }
      pieces = pieces.subspan(done);
    }
    return OkStatus();
  }

  // Nothing is buffered in user space.
  Status Flush() override { return OkStatus(); }

  Status Sync() override {
    if (fd_ < 0) return FailedPreconditionError(path_ + ": sync of a closed file");
    if (RetryOnEintr([&] { return ::fdatasync(fd_); }) < 0) return ErrnoToStatus(errno, path_);
    return OkStatus();
  }

  Status Close() override {
    if (fd_ < 0) return OkStatus();
    const int fd = fd_;
    fd_ = -1;
    // close() is not retried on EINTR: on Linux the descriptor is gone.
    if (::close(fd) < 0) return ErrnoToStatus(errno, path_);
    return OkStatus();
  }

  const std::string& path() const override { return path_; }

 private:
  const std::string path_;
  int fd_;
};

// Writes through two aligned staging buffers (huge pages, for larger disk
// requests: aligned_buffer_pool.h): a full buffer goes to disk with O_DIRECT
// (DMA from the buffer, no page-cache copy) on a thread of the file's own
// while the caller fills the other, so the copy into the buffer (and the
// checksum the caller computes before each Append) overlap the disk's write
// instead of adding to it. One write is in flight at a time, so the bytes
// land in order. The unaligned tail, and everything if the file system
// refuses O_DIRECT (tmpfs), goes through the page cache. A background
// write's error is returned by the next Append, Flush, Sync or Close, and by
// every call after it. Sync() ends direct writing: the tail needs an
// ordinary write, and fdatasync() then makes all of it durable (O_DIRECT
// alone does not flush the disk's cache or the file size).
class PosixStreamingFile final : public WritableFile {
 public:
  // Direct I/O wants block-aligned offsets, lengths and memory; 4 KiB covers
  // every common logical block size.
  static constexpr size_t kAlignment = kDirectIoAlignment;
  static constexpr size_t kBufferSize = size_t{8} << 20;

  PosixStreamingFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixStreamingFile() override {
    if (fd_ >= 0) Close().IgnoreError();
    StopWriter();
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return FailedPreconditionError(path_ + ": append to a closed file");
    TFCOMPAT_RETURN_IF_ERROR(status_);
    if (!staging_) return Fail(WriteAll(data));
    while (!data.empty()) {
      if (filling_ == nullptr) {
        TFCOMPAT_ASSIGN_OR_RETURN(filling_, FreeBuffer());
      }
      const size_t n = std::min(data.size(), kBufferSize - used_);
      std::memcpy(filling_ + used_, data.data(), n);
      used_ += n;
      data.remove_prefix(n);
      if (used_ == kBufferSize) TFCOMPAT_RETURN_IF_ERROR(WriteBehind());
    }
    return OkStatus();
  }

  // Appends are staged in the aligned buffers until one is full.
  bool buffers_appends() const override { return true; }

  // Waits for the write in flight and writes the staged bytes; from then on
  // the file is written as usual (its end is no longer block-aligned).
  Status Flush() override {
    if (fd_ < 0) return FailedPreconditionError(path_ + ": flush of a closed file");
    const Status written = WaitForWrite();
    StopWriter();  // before any return: Close() closes the descriptor next
    TFCOMPAT_RETURN_IF_ERROR(written);
    TFCOMPAT_RETURN_IF_ERROR(status_);
    staging_ = false;
    TFCOMPAT_RETURN_IF_ERROR(Fail(SetDirect(false)));
    const std::string_view staged(filling_, used_);
    used_ = 0;
    filling_ = nullptr;
    const Status status = WriteAll(staged);
    buffers_[0].reset();
    buffers_[1].reset();
    return Fail(status);
  }

  Status Sync() override {
    TFCOMPAT_RETURN_IF_ERROR(Flush());
    if (RetryOnEintr([&] { return ::fdatasync(fd_); }) < 0) return Fail(ErrnoToStatus(errno, path_));
    return OkStatus();
  }

  Status Close() override {
    if (fd_ < 0) return OkStatus();
    Status status = Flush();
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) < 0 && status.ok()) status = ErrnoToStatus(errno, path_);
    return status;
  }

  const std::string& path() const override { return path_; }

 private:
  // Keeps the first error: after it the file's contents are unknown.
  Status Fail(Status status) {
    if (status_.ok()) status_ = status;
    return status;
  }

  // The buffers of every streaming file of the process: a process that
  // saves a checkpoint saves again, and the buffers of the last save are
  // faster to write from than new ones (aligned_buffer_pool.h). Two are
  // kept, one file's worth: 16 MiB for the life of the process.
  static AlignedBufferPool& Staging() {
    static auto* const pool = new AlignedBufferPool(kBufferSize, kAlignment, /*max_kept=*/2);
    return *pool;
  }

  // The buffer not being written, taken from the pool on first use.
  StatusOr<char*> FreeBuffer() {
    auto& buffer = buffers_[next_buffer_];
    next_buffer_ ^= 1;
    if (buffer == nullptr) {
      buffer = Staging().Take();
      if (buffer == nullptr) return Fail(ResourceExhaustedError(path_ + ": cannot allocate the write buffer"));
    }
    return buffer.get();
  }

  // Hands the full buffer to the writer thread, once the previous write is
  // done. Without a thread to be had, writes it here.
  Status WriteBehind() {
    TFCOMPAT_RETURN_IF_ERROR(WaitForWrite());
    const std::string_view full(filling_, used_);
    filling_ = nullptr;
    used_ = 0;
    if (!writer_.joinable()) {
      try {
        writer_ = std::thread([this] { RunWriter(); });
      } catch (const std::system_error&) {
        return Fail(WriteStaged(full));
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    pending_ = full;
    write_pending_ = true;
    cv_.notify_all();
    return OkStatus();
  }

  // The status of the write in flight, once it is done (OK if none is).
  Status WaitForWrite() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !write_pending_; });
    if (!direct_possible_) staging_ = false;
    return Fail(std::exchange(write_status_, OkStatus()));
  }

  void RunWriter() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return write_pending_ || stop_writer_; });
      if (!write_pending_) return;
      lock.unlock();
      Status status = WriteStaged(pending_);
      lock.lock();
      write_status_ = std::move(status);
      write_pending_ = false;
      cv_.notify_all();
    }
  }

  void StopWriter() {
    if (!writer_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_writer_ = true;
      cv_.notify_all();
    }
    writer_.join();
  }

  Status SetDirect(bool on) {
    if (direct_ == on) return OkStatus();
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0 || ::fcntl(fd_, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT) < 0) {
      if (on) return OkStatus();  // Not supported here: stay buffered.
      return ErrnoToStatus(errno, path_);
    }
    direct_ = on;
    return OkStatus();
  }

  // One full buffer, directly if the file system takes it. Runs on the
  // writer thread; the caller touches `direct_` and `direct_possible_` only
  // while no write is in flight.
  Status WriteStaged(std::string_view staged) {
    if (direct_possible_) TFCOMPAT_RETURN_IF_ERROR(SetDirect(true));
    if (direct_) {
      const ssize_t n = RetryOnEintr([&] { return ::write(fd_, staged.data(), staged.size()); });
      if (n == static_cast<ssize_t>(staged.size())) return OkStatus();
      // EINVAL: the file system accepted the flag but not the write. Any
      // other error or a short write: the rest goes the ordinary way, which
      // reports the error if there is one.
      if (n < 0 && errno != EINVAL) return ErrnoToStatus(errno, path_);
      direct_possible_ = false;
      TFCOMPAT_RETURN_IF_ERROR(SetDirect(false));
      return WriteAll(staged.substr(n > 0 ? static_cast<size_t>(n) : 0));
    }
    direct_possible_ = false;
    return WriteAll(staged);
  }

  Status WriteAll(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = RetryOnEintr([&] { return ::write(fd_, data.data(), data.size()); });
      if (n < 0) return ErrnoToStatus(errno, path_);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return OkStatus();
  }

  const std::string path_;
  int fd_;
  Status status_;  // The first error.

  // The caller's side.
  AlignedBufferPool::Buffer buffers_[2];  // kBufferSize bytes each, aligned; back to the pool at Flush.
  int next_buffer_ = 0;                   // FreeBuffer's next pick.
  char* filling_ = nullptr;               // The buffer Append copies into.
  size_t used_ = 0;                       // Bytes in it.
  bool staging_ = true;                   // Appends go through the buffers.

  // Shared with the writer thread, under mu_.
  std::thread writer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string_view pending_;  // The buffer being written.
  bool write_pending_ = false;
  bool stop_writer_ = false;
  Status write_status_;

  // Touched by whichever side writes; never by both at once.
  bool direct_ = false;          // O_DIRECT is set on fd_.
  bool direct_possible_ = true;  // Whole buffers may still go directly.
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override {
    ::close(fd_);
    if (direct_fd_ >= 0) ::close(direct_fd_);
  }

  Status Read(uint64_t offset, size_t n, char* scratch, std::string_view* result) const override {
    size_t done = 0;
    while (done < n) {
      const ssize_t r =
          RetryOnEintr([&] { return ::pread(fd_, scratch + done, n - done, static_cast<off_t>(offset + done)); });
      if (r < 0) return ErrnoToStatus(errno, path_);
      if (r == 0) break;  // End of file.
      done += static_cast<size_t>(r);
    }
    *result = std::string_view(scratch, done);
    return OkStatus();
  }

  Status ReadPieces(uint64_t offset, std::span<const std::span<char>> pieces, size_t* read) const override {
    *read = 0;
    iovec iov[kMaxPieces];
    while (!pieces.empty()) {
      size_t count = 0;
      size_t wanted = 0;
      for (; count < pieces.size() && count < kMaxPieces; ++count) {
        iov[count] = {pieces[count].data(), pieces[count].size()};
        wanted += pieces[count].size();
      }
      const ssize_t r =
          RetryOnEintr([&] { return ::preadv(fd_, iov, static_cast<int>(count), static_cast<off_t>(offset + *read)); });
      if (r < 0) return ErrnoToStatus(errno, path_);
      *read += static_cast<size_t>(r);
      if (static_cast<size_t>(r) == wanted) {
        pieces = pieces.subspan(count);
        continue;
      }
      // A short read: finish the piece it stopped in with pread (which
      // tells end of file apart), then go on with the rest.
      size_t got = static_cast<size_t>(r);
      size_t done = 0;
      while (got >= pieces[done].size()) got -= pieces[done++].size();
      const std::span<char> rest = pieces[done].subspan(got);
      std::string_view tail;
      TFCOMPAT_RETURN_IF_ERROR(Read(offset + *read, rest.size(), rest.data(), &tail));
      *read += tail.size();
      if (tail.size() < rest.size()) return OkStatus();  // End of file.
      pieces = pieces.subspan(done + 1);
    }
    return OkStatus();
  }

  // Asks the kernel's record of the page (mincore on a one-page mapping,
  // which reads nothing): a read that may not wait (RWF_NOWAIT) would tell
  // as well but starts readahead of the pages it finds missing.
  bool Cached(uint64_t offset) const override {
    static const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    void* mapped = ::mmap(nullptr, page, PROT_READ, MAP_SHARED, fd_, static_cast<off_t>(offset / page * page));
    if (mapped == MAP_FAILED) return true;  // not a file that can be asked: say cached, read as always
    unsigned char resident = 1;
    const bool asked = ::mincore(mapped, page, &resident) == 0;
    ::munmap(mapped, page);
    return !asked || (resident & 1) != 0;
  }

  Status ReadDirect(uint64_t offset, size_t n, char* aligned, size_t* read) const override {
    const int direct = DirectFd();
    const bool is_aligned = offset % kDirectIoAlignment == 0 && n % kDirectIoAlignment == 0 &&
                            reinterpret_cast<uintptr_t>(aligned) % kDirectIoAlignment == 0;
    *read = 0;
    while (direct >= 0 && is_aligned && *read < n) {
      const ssize_t r =
          RetryOnEintr([&] { return ::pread(direct, aligned + *read, n - *read, static_cast<off_t>(offset + *read)); });
      if (r == 0) return OkStatus();  // End of file.
      // EINVAL: the file system took the flag but not the read; the rest
      // goes through the page cache, which also reports any other error.
      if (r < 0) break;
      *read += static_cast<size_t>(r);
      // A short read ends at the end of file, possibly not block-aligned:
      // the next read tells.
      if (*read % kDirectIoAlignment != 0) break;
    }
    std::string_view rest;
    TFCOMPAT_RETURN_IF_ERROR(Read(offset + *read, n - *read, aligned + *read, &rest));
    *read += rest.size();
    return OkStatus();
  }

  StatusOr<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) < 0) return ErrnoToStatus(errno, path_);
    return static_cast<uint64_t>(st.st_size);
  }

  const std::string& path() const override { return path_; }

 private:
  // A second descriptor of the same file (even if renamed or deleted since)
  // with O_DIRECT, opened on first use; -1 where the file system refuses it.
  int DirectFd() const {
    std::call_once(direct_once_, [this] {
      const std::string self = "/proc/self/fd/" + std::to_string(fd_);
      direct_fd_ = RetryOnEintr([&] { return ::open(self.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC); });
    });
    return direct_fd_;
  }

  const std::string path_;
  const int fd_;
  mutable std::once_flag direct_once_;
  mutable int direct_fd_ = -1;
};

class PosixEnv final : public Env {
 public:
  StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    return Open(path, O_WRONLY | O_CREAT | O_TRUNC);
  }

  StatusOr<std::unique_ptr<WritableFile>> NewStreamingFile(const std::string& path) override {
    const int fd = RetryOnEintr([&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644); });
    if (fd < 0) return ErrnoToStatus(errno, path);
    return std::unique_ptr<WritableFile>(new PosixStreamingFile(path, fd));
  }

  StatusOr<std::unique_ptr<WritableFile>> NewExclusiveFile(const std::string& path) override {
    return Open(path, O_WRONLY | O_CREAT | O_EXCL);
  }

  StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    const int fd = RetryOnEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); });
    if (fd < 0) return ErrnoToStatus(errno, path);
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      return InvalidArgumentError(path + ": is a directory, not a file");
    }
    return std::unique_ptr<RandomAccessFile>(new PosixRandomAccessFile(path, fd));
  }

  Status FileExists(const std::string& path) override {
    if (::access(path.c_str(), F_OK) == 0) return OkStatus();
    return ErrnoToStatus(errno, path);
  }

  StatusOr<uint64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return ErrnoToStatus(errno, path);
    return static_cast<uint64_t>(st.st_size);
  }

  StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return ErrnoToStatus(errno, dir);
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(d)) {
      const std::string_view name(entry->d_name);
      if (name != "." && name != "..") names.emplace_back(name);
    }
    ::closedir(d);
    return names;
  }

  Status IsDirectory(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return ErrnoToStatus(errno, path);
    if (!S_ISDIR(st.st_mode)) return FailedPreconditionError(path + ": not a directory");
    return OkStatus();
  }

  Status RecursivelyCreateDir(const std::string& dir) override {
    if (dir.empty()) return OkStatus();
    struct stat st;
    if (::stat(dir.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return OkStatus();
      return FailedPreconditionError(dir + ": exists and is not a directory");
    }
    const std::string parent = Dirname(dir);
    if (parent != dir && parent != ".") TFCOMPAT_RETURN_IF_ERROR(RecursivelyCreateDir(parent));
    // Another process may create it concurrently: EEXIST is success.
    if (::mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST) return ErrnoToStatus(errno, dir);
    return OkStatus();
  }

  Status DeleteFile(const std::string& path) override {
    if (::unlink(path.c_str()) < 0) return ErrnoToStatus(errno, path);
    return OkStatus();
  }

  Status DeleteDir(const std::string& dir) override {
    if (::rmdir(dir.c_str()) < 0) return ErrnoToStatus(errno, dir);
    return OkStatus();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) < 0) return ErrnoToStatus(errno, "rename " + from + " to " + to);
    return OkStatus();
  }

  Status SyncDir(const std::string& dir) override {
    const int fd = RetryOnEintr([&] { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
    if (fd < 0) return ErrnoToStatus(errno, dir);
    const int r = RetryOnEintr([&] { return ::fsync(fd); });
    const int saved_errno = errno;
    ::close(fd);
    if (r < 0) return ErrnoToStatus(saved_errno, dir);
    return OkStatus();
  }

  double NowSeconds() override { return WallClockSeconds(); }

 private:
  static StatusOr<std::unique_ptr<WritableFile>> Open(const std::string& path, int flags) {
    const int fd = RetryOnEintr([&] { return ::open(path.c_str(), flags | O_CLOEXEC, 0644); });
    if (fd < 0) return ErrnoToStatus(errno, path);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd));
  }
};

}  // namespace

Status WritableFile::AppendPieces(std::span<const std::string_view> pieces) {
  for (const std::string_view piece : pieces) TFCOMPAT_RETURN_IF_ERROR(Append(piece));
  return OkStatus();
}

Status RandomAccessFile::ReadPieces(uint64_t offset, std::span<const std::span<char>> pieces, size_t* read) const {
  *read = 0;
  for (const std::span<char> piece : pieces) {
    std::string_view result;
    TFCOMPAT_RETURN_IF_ERROR(Read(offset + *read, piece.size(), piece.data(), &result));
    if (result.data() != piece.data()) std::memcpy(piece.data(), result.data(), result.size());
    *read += result.size();
    if (result.size() < piece.size()) break;  // End of file.
  }
  return OkStatus();
}

bool RandomAccessFile::Cached(uint64_t /*offset*/) const { return true; }

Status RandomAccessFile::ReadDirect(uint64_t offset, size_t n, char* aligned, size_t* read) const {
  std::string_view result;
  TFCOMPAT_RETURN_IF_ERROR(Read(offset, n, aligned, &result));
  if (result.data() != aligned) std::memcpy(aligned, result.data(), result.size());
  *read = result.size();
  return OkStatus();
}

Env* Env::Default() {
  static Env* const env = new PosixEnv();
  return env;
}

StatusOr<std::string> ReadFileToString(Env* env, const std::string& path, uint64_t max_bytes) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, env->NewRandomAccessFile(path));
  TFCOMPAT_ASSIGN_OR_RETURN(const uint64_t size, file->Size());
  if (size > max_bytes) {
    return InvalidArgumentError(path + ": file of " + std::to_string(size) + " bytes exceeds the limit of " +
                                std::to_string(max_bytes) + " bytes");
  }
  std::string contents(size, '\0');
  std::string_view result;
  TFCOMPAT_RETURN_IF_ERROR(file->Read(0, size, contents.data(), &result));
  contents.resize(result.size());
  return contents;
}

StatusOr<std::unique_ptr<AtomicFileWriter>> AtomicFileWriter::Create(Env* env, const std::string& path) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  std::string temp = path + ".tmp" + std::to_string(rng());
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewExclusiveFile(temp));
  return std::unique_ptr<AtomicFileWriter>(new AtomicFileWriter(env, path, std::move(temp), std::move(file)));
}

AtomicFileWriter::AtomicFileWriter(Env* env, std::string path, std::string temp, std::unique_ptr<WritableFile> file)
    : env_(env), path_(std::move(path)), temp_(std::move(temp)), file_(std::move(file)) {}

AtomicFileWriter::~AtomicFileWriter() {
  file_.reset();  // Closes it.
  if (temp_exists_) env_->DeleteFile(temp_).IgnoreError();
}

Status AtomicFileWriter::Append(std::string_view data) {
  if (file_ == nullptr) return FailedPreconditionError(path_ + ": already committed");
  return file_->Append(data);
}

Status AtomicFileWriter::Commit(bool* replaced) {
  if (replaced != nullptr) *replaced = false;
  if (file_ == nullptr) return FailedPreconditionError(path_ + ": already committed");
  TFCOMPAT_RETURN_IF_ERROR(file_->Sync());
  const std::unique_ptr<WritableFile> file = std::move(file_);
  TFCOMPAT_RETURN_IF_ERROR(file->Close());
  TFCOMPAT_RETURN_IF_ERROR(env_->RenameFile(temp_, path_));
  temp_exists_ = false;
  if (replaced != nullptr) *replaced = true;
  return env_->SyncDir(Dirname(path_));
}

Status WriteFileAtomically(Env* env, const std::string& path, std::string_view contents, bool* replaced) {
  if (replaced != nullptr) *replaced = false;
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFileWriter> file, AtomicFileWriter::Create(env, path));
  TFCOMPAT_RETURN_IF_ERROR(file->Append(contents));
  return file->Commit(replaced);
}

bool IsAtomicWriteTemp(std::string_view name, std::string_view target) {
  if (!name.starts_with(target) || !name.substr(target.size()).starts_with(".tmp")) return false;
  const std::string_view number = name.substr(target.size() + 4);
  return !number.empty() && std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status RemoveAtomicWriteTemps(Env* env, const std::string& path) {
  const std::string dir = Dirname(path);
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> children, env->GetChildren(dir));
  for (const std::string& child : children) {
    if (IsAtomicWriteTemp(child, Basename(path))) TFCOMPAT_RETURN_IF_ERROR(env->DeleteFile(JoinPath(dir, child)));
  }
  return OkStatus();
}

std::string Dirname(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string Basename(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty() || (!b.empty() && b.front() == '/')) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  if (out.back() != '/') out += '/';
  out += b;
  return out;
}

StatusOr<std::vector<std::string>> MatchFiles(const std::string& pattern) {
  glob_t matches{};
  const int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &matches);
  std::vector<std::string> files;
  if (rc == 0) files.assign(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
  ::globfree(&matches);
  if (rc == GLOB_NOMATCH || (rc == 0 && files.empty())) {
    return NotFoundError("No files matched pattern: " + pattern);
  }
  if (rc != 0) return UnknownError("Could not list the files matching " + pattern);
  return files;
}

}  // namespace tfcompat
