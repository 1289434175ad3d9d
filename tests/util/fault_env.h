// SPDX-License-Identifier: Apache-2.0
// An Env for tests that counts every file operation and fails the ones it
// is told to, as a failing or full disk would:
//
//   FaultEnv env;                       // wraps Env::Default()
//   ... one good run through &env ...
//   const int64_t n = env.ops();        // operations of that run
//   for (int64_t k = 1; k <= n; ++k) {
//     env.FailNth(k, ENOSPC);           // the k-th operation from now fails
//     ... the same run: it must fail cleanly ...
//     env.ClearFaults();                // the disk is fine again
//   }
//
//   env.SetSpaceLeft(1000);             // a disk that fills after 1000 bytes
//
//   env.HoldNext(FileOp::kNewWritableFile);  // a disk that stalls:
//   ... start a save on another thread ...
//   env.WaitUntilHeld();                // that thread waits in the operation
//   env.Release();                      // and goes on
//
// An operation that fails does nothing (a rename renames nothing), except
// a Close, which still releases the file as close(2) does, and an Append
// that runs out of space: it writes the bytes that still fit, as write(2)
// on a full disk does, then fails with ENOSPC.
#ifndef TFCOMPAT_TESTS_UTIL_FAULT_ENV_H_
#define TFCOMPAT_TESTS_UTIL_FAULT_ENV_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/file.h"

namespace tfcompat::testing {

// The operations a FaultEnv counts: every Env and WritableFile call but
// NowSeconds (reads through a RandomAccessFile are not counted: nothing
// here writes through them).
enum class FileOp {
  kNewWritableFile,
  kNewExclusiveFile,
  kNewRandomAccessFile,
  kFileExists,
  kGetFileSize,
  kGetChildren,
  kIsDirectory,
  kCreateDir,
  kDeleteFile,
  kDeleteDir,
  kRenameFile,
  kSyncDir,
  kAppend,
  kFlush,
  kSync,
  kClose,
};

std::string_view FileOpName(FileOp op);

struct FileOpRecord {
  FileOp op;
  std::string path;    // for a rename, the target
  uint64_t bytes = 0;  // for an Append, the bytes written
  bool failed = false;
};

class FaultEnv final : public Env {
 public:
  explicit FaultEnv(Env* base = Env::Default()) : base_(base) {}

  // The `n`-th operation counted from now (1-based) fails with `error`;
  // later ones succeed again (a transient fault).
  void FailNth(int64_t n, int error);
  // Appends succeed for `bytes` more bytes in all; the one that crosses the
  // limit writes what fits and fails with ENOSPC, as does every later one.
  void SetSpaceLeft(uint64_t bytes);
  // NowSeconds() returns `seconds` from now on: what a save writes (the
  // state file's timestamps) then has the same length in every run.
  void FreezeClock(double seconds) { frozen_now_ = seconds; }
  // The next operation `op` (not an Append) blocks the thread making it,
  // before it is counted, until Release(); WaitUntilHeld() returns once a
  // thread is so blocked.
  void HoldNext(FileOp op);
  void WaitUntilHeld();
  void Release();
  // No more faults; the log and the counts are kept.
  void ClearFaults();
  // Forgets the log (ops() starts again at 0).
  void ClearLog();

  // Operations since construction or ClearLog(), in order.
  int64_t ops() const;
  std::vector<FileOpRecord> log() const;
  // The operation that failed last, if any.
  std::optional<FileOpRecord> last_failure() const;

  StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  StatusOr<std::unique_ptr<WritableFile>> NewExclusiveFile(const std::string& path) override;
  StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  Status FileExists(const std::string& path) override;
  StatusOr<uint64_t> GetFileSize(const std::string& path) override;
  StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) override;
  Status IsDirectory(const std::string& path) override;
  Status RecursivelyCreateDir(const std::string& dir) override;
  Status DeleteFile(const std::string& path) override;
  Status DeleteDir(const std::string& dir) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override;
  double NowSeconds() override { return frozen_now_ ? *frozen_now_ : base_->NowSeconds(); }

 private:
  class File;

  // Records `op` on `path`; returns the errno to fail it with, or 0.
  int Count(FileOp op, const std::string& path);
  int CountLocked(FileOp op, const std::string& path);
  // Blocks while HoldNext asked to hold `op` (see there).
  void HoldIfAsked(FileOp op, std::unique_lock<std::mutex>& lock);
  // Count() for an Append of `size` bytes that also sets how many of them
  // may be written: all, unless the disk fills (then ENOSPC follows the
  // short write) or the Append is the one to fail (then none).
  int CountAppend(const std::string& path, size_t size, size_t* allowed);

  Env* const base_;
  mutable std::mutex mu_;
  std::vector<FileOpRecord> log_;
  int64_t countdown_ = 0;  // 0: no pending fault
  int error_ = 0;
  std::optional<uint64_t> space_left_;
  std::optional<FileOpRecord> last_failure_;
  std::optional<double> frozen_now_;
  std::condition_variable held_changed_;
  std::optional<FileOp> hold_;
  bool held_ = false;
};

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_FAULT_ENV_H_
