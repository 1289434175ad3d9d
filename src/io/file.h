// SPDX-License-Identifier: Apache-2.0
// The small file interface all readers and writers do their I/O through
// (internal). Env::Default() is the POSIX file system; tests substitute an
// Env that injects faults.
#ifndef TFCOMPAT_SRC_IO_FILE_H_
#define TFCOMPAT_SRC_IO_FILE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"

namespace tfcompat {

// A file being written sequentially. Every error names the file.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends `data`; a short write is retried until all bytes are written or
  // an error occurs, so one Append is one write() on the happy path.
  virtual Status Append(std::string_view data) = 0;
  // Appends `pieces` in order, with one writev() on the happy path where
  // the file supports it; the default appends them one by one.
  virtual Status AppendPieces(std::span<const std::string_view> pieces);
  // Whether the file gathers small appends into large writes itself, so a
  // caller need not buffer them (a second copy of every byte).
  virtual bool buffers_appends() const { return false; }
  // Pushes user-space buffers (if any) to the OS.
  virtual Status Flush() = 0;
  // Flush() and then fdatasync().
  virtual Status Sync() = 0;
  // Flushes and closes; the file must not be used afterwards.
  virtual Status Close() = 0;
  virtual const std::string& path() const = 0;
};

// O_DIRECT wants block-aligned offsets, sizes and memory; 4 KiB covers
// every common logical block size.
inline constexpr size_t kDirectIoAlignment = 4096;

// A file read at arbitrary offsets; safe for concurrent readers.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset` into `scratch` and points `*result` at
  // them. Fewer than `n` bytes (possibly zero) means end of file: that is
  // not an error.
  virtual Status Read(uint64_t offset, size_t n, char* scratch, std::string_view* result) const = 0;
  // Reads the bytes from `offset` on into `pieces`, filling each in turn,
  // and sets `*read` to the bytes read: fewer than the pieces hold means end
  // of file. One preadv() on the happy path where the file supports it; the
  // default reads the pieces one by one.
  virtual Status ReadPieces(uint64_t offset, std::span<const std::span<char>> pieces, size_t* read) const;
  // Whether the page holding `offset` is in the page cache, so that reading
  // it would not wait for the disk; asking reads nothing. Default: true.
  virtual bool Cached(uint64_t offset) const;
  // Reads up to `n` bytes at `offset` past the page cache (O_DIRECT) into
  // `aligned` and sets `*read` (fewer than `n`: end of file). Offset, size
  // and memory aligned to kDirectIoAlignment go past the page cache where
  // the file system allows; anything else, like the default, is Read.
  virtual Status ReadDirect(uint64_t offset, size_t n, char* aligned, size_t* read) const;
  // The current size; it may grow while a writer appends.
  virtual StatusOr<uint64_t> Size() const = 0;
  virtual const std::string& path() const = 0;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX environment.
  static Env* Default();

  // Creates or truncates `path`.
  virtual StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Creates or truncates `path`, for a large file written once from start to
  // end and then synced (checkpoint data): the POSIX Env writes whole
  // aligned blocks past the page cache (O_DIRECT), where the file system
  // allows, because copying gigabytes through the page cache costs more CPU
  // than the disk takes to store them; each block is written on a thread of
  // the file's own while the caller fills the next, and an error of that
  // write is returned by the next call. Default: NewWritableFile.
  virtual StatusOr<std::unique_ptr<WritableFile>> NewStreamingFile(const std::string& path) {
    return NewWritableFile(path);
  }
  // Fails with AlreadyExists if `path` exists (O_EXCL).
  virtual StatusOr<std::unique_ptr<WritableFile>> NewExclusiveFile(const std::string& path) = 0;
  virtual StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) = 0;

  // OK if it exists, NotFound if not.
  virtual Status FileExists(const std::string& path) = 0;
  virtual StatusOr<uint64_t> GetFileSize(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, without "." and "..".
  virtual StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  virtual Status IsDirectory(const std::string& path) = 0;
  // Creates `dir` and missing parents; OK if it already exists.
  virtual Status RecursivelyCreateDir(const std::string& dir) = 0;
  virtual Status DeleteFile(const std::string& path) = 0;
  // Removes an empty directory (rmdir(2)).
  virtual Status DeleteDir(const std::string& dir) = 0;
  // Atomically replaces `to` with `from` (rename(2)).
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // fsync()s a directory so that renames and creations in it are durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Seconds since the epoch, with sub-second precision.
  virtual double NowSeconds() = 0;
};

// The files matching the glob(3) pattern, sorted; NotFound (TF's "No files
// matched pattern: P") when there is none.
StatusOr<std::vector<std::string>> MatchFiles(const std::string& pattern);

// Reads a whole (small) file. Fails with InvalidArgument rather than
// allocating when the file is larger than `max_bytes`.
StatusOr<std::string> ReadFileToString(Env* env, const std::string& path, uint64_t max_bytes);

// A file written under a temporary name in the directory of `path` and
// renamed over `path` by Commit(), for contents too large to hold in memory:
//
//   TFCOMPAT_ASSIGN_OR_RETURN(auto file, AtomicFileWriter::Create(env, path));
//   for (...) TFCOMPAT_RETURN_IF_ERROR(file->Append(chunk));
//   TFCOMPAT_RETURN_IF_ERROR(file->Commit());
//
// Readers of `path` see its old contents or the whole new ones. Destroying
// the writer before a successful Commit() deletes the temporary file.
class AtomicFileWriter {
 public:
  static StatusOr<std::unique_ptr<AtomicFileWriter>> Create(Env* env, const std::string& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  Status Append(std::string_view data);
  // fsync, rename over the path, fsync of the directory. `*replaced` (if
  // given) tells whether the rename happened: an error after it (the
  // directory's fsync failed) leaves the new contents, not yet known to be
  // durable.
  Status Commit(bool* replaced = nullptr);

 private:
  AtomicFileWriter(Env* env, std::string path, std::string temp, std::unique_ptr<WritableFile> file);
  Env* env_;
  std::string path_;
  std::string temp_;
  std::unique_ptr<WritableFile> file_;  // Null once committed or failed.
  bool temp_exists_ = true;
};

// Writes `contents` to `path` atomically (AtomicFileWriter): a temporary file in the same
// directory, fsync, rename over `path`, fsync of the directory. A crash at
// any moment leaves either the old or the new contents at `path`; so does
// an error, and the temporary file is deleted. `*replaced` (if given) tells
// which: an error after the rename (the directory's fsync failed) leaves
// the new contents, not yet known to be durable.
Status WriteFileAtomically(Env* env, const std::string& path, std::string_view contents, bool* replaced = nullptr);

// Whether the directory entry `name` is a temporary file of
// WriteFileAtomically for the file named `target` in the same directory,
// which a killed process can leave behind.
bool IsAtomicWriteTemp(std::string_view name, std::string_view target);
// Deletes those of `path` (call it only while no other writer of `path`
// can be running).
Status RemoveAtomicWriteTemps(Env* env, const std::string& path);

// "a/b" from "a/b/c"; "." for a bare name.
std::string Dirname(std::string_view path);
// "c" from "a/b/c".
std::string Basename(std::string_view path);
// Joins with one '/'; an absolute `b` is returned as is.
std::string JoinPath(std::string_view a, std::string_view b);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_IO_FILE_H_
