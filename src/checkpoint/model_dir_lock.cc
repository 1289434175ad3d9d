// SPDX-License-Identifier: Apache-2.0
// Lock file layout (text, one field a line, written by the holder):
//
//   pid <decimal pid>
//   host <hostname>
#include "tfcompat/checkpoint/model_dir_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>
#include <utility>

#include "io/file.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat {
namespace {

// The lock file holds a few dozen bytes; more is not ours to read.
constexpr size_t kMaxLockFileBytes = 4096;

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

struct Owner {
  std::string pid;
  std::string host;
  std::string ToString() const {
    return "pid " + (pid.empty() ? std::string("?") : pid) + " on host " + (host.empty() ? std::string("?") : host);
  }
};

Owner ParseOwner(std::string_view text) {
  Owner owner;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (line.substr(0, 4) == "pid ") owner.pid = std::string(line.substr(4));
    if (line.substr(0, 5) == "host ") owner.host = std::string(line.substr(5));
  }
  return owner;
}

StatusOr<std::string> ReadFd(int fd, const std::string& path) {
  std::string text(kMaxLockFileBytes, '\0');
  const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
  if (n < 0) return ErrnoToStatus(errno, path);
  text.resize(static_cast<size_t>(n));
  return text;
}

// Whether `fd` is still the file at `path` (a holder that released the lock
// unlinks the file first; a lock on the unlinked file would guard nothing).
bool IsCurrentFile(int fd, const std::string& path) {
  struct stat by_fd, by_path;
  return ::fstat(fd, &by_fd) == 0 && ::stat(path.c_str(), &by_path) == 0 && by_fd.st_dev == by_path.st_dev &&
         by_fd.st_ino == by_path.st_ino;
}

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

}  // namespace

StatusOr<std::unique_ptr<ModelDirLock>> ModelDirLock::Acquire(const std::string& dir) {
  TFCOMPAT_RETURN_IF_ERROR(Env::Default()->RecursivelyCreateDir(dir));
  const std::string path = JoinPath(dir, kFileName);
  const std::string host = HostName();
  // A holder releasing the lock between our open and flock makes us retry
  // on the new file; a handful of rounds is plenty.
  for (int attempt = 0; attempt < 8; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoToStatus(errno, "Cannot create lock file " + path);
    FdCloser closer(fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK) return ErrnoToStatus(errno, "Cannot lock " + path);
      TFCOMPAT_ASSIGN_OR_RETURN(const std::string text, ReadFd(fd, path));
      return FailedPreconditionError("Model directory " + dir + " is in use by " + ParseOwner(text).ToString() +
                                     " (lock file " + path + ")");
    }
    if (!IsCurrentFile(fd, path)) continue;
    TFCOMPAT_ASSIGN_OR_RETURN(const std::string text, ReadFd(fd, path));
    const Owner previous = ParseOwner(text);
    if (!previous.host.empty() && previous.host != host) {
      return FailedPreconditionError("Model directory " + dir + " is locked by " + previous.ToString() +
                                     ", another host; remove " + path + " if that process is gone");
    }
    const std::string content = "pid " + std::to_string(::getpid()) + "\nhost " + host + "\n";
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, content.data(), content.size(), 0) != static_cast<ssize_t>(content.size())) {
      return ErrnoToStatus(errno, "Cannot write lock file " + path);
    }
    return std::unique_ptr<ModelDirLock>(
        new ModelDirLock(path, closer.release(), text.empty() ? std::string() : previous.ToString()));
  }
  return AbortedError("Cannot lock " + path + ": it was replaced while being locked, repeatedly");
}

ModelDirLock::ModelDirLock(std::string path, int fd, std::string previous_owner)
    : path_(std::move(path)), fd_(fd), previous_owner_(std::move(previous_owner)) {}

ModelDirLock::~ModelDirLock() {
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace tfcompat
