// SPDX-License-Identifier: Apache-2.0
#include "util/fault_env.h"

#include <algorithm>
#include <cerrno>

namespace tfcompat::testing {

std::string_view FileOpName(FileOp op) {
  switch (op) {
    case FileOp::kNewWritableFile:
      return "NewWritableFile";
    case FileOp::kNewExclusiveFile:
      return "NewExclusiveFile";
    case FileOp::kNewRandomAccessFile:
      return "NewRandomAccessFile";
    case FileOp::kFileExists:
      return "FileExists";
    case FileOp::kGetFileSize:
      return "GetFileSize";
    case FileOp::kGetChildren:
      return "GetChildren";
    case FileOp::kIsDirectory:
      return "IsDirectory";
    case FileOp::kCreateDir:
      return "RecursivelyCreateDir";
    case FileOp::kDeleteFile:
      return "DeleteFile";
    case FileOp::kDeleteDir:
      return "DeleteDir";
    case FileOp::kRenameFile:
      return "RenameFile";
    case FileOp::kSyncDir:
      return "SyncDir";
    case FileOp::kAppend:
      return "Append";
    case FileOp::kFlush:
      return "Flush";
    case FileOp::kSync:
      return "Sync";
    case FileOp::kClose:
      return "Close";
  }
  return "?";
}

// A writable file whose every call goes through the Env's counter.
class FaultEnv::File final : public WritableFile {
 public:
  File(FaultEnv* env, std::unique_ptr<WritableFile> file) : env_(env), file_(std::move(file)) {}

  Status Append(std::string_view data) override {
    size_t allowed = 0;
    const int error = env_->CountAppend(path(), data.size(), &allowed);
    if (allowed > 0) {
      if (Status s = file_->Append(data.substr(0, allowed)); !s.ok()) return s;
    }
    return error != 0 ? ErrnoToStatus(error, path()) : OkStatus();
  }
  Status Flush() override {
    if (const int error = env_->Count(FileOp::kFlush, path())) return ErrnoToStatus(error, path());
    return file_->Flush();
  }
  Status Sync() override {
    if (const int error = env_->Count(FileOp::kSync, path())) return ErrnoToStatus(error, path());
    return file_->Sync();
  }
  // A failed close still releases the descriptor, as close(2) does.
  Status Close() override {
    const int error = env_->Count(FileOp::kClose, path());
    const Status closed = file_->Close();
    return error != 0 ? ErrnoToStatus(error, path()) : closed;
  }
  const std::string& path() const override { return file_->path(); }

 private:
  FaultEnv* const env_;
  std::unique_ptr<WritableFile> file_;
};

void FaultEnv::FailNth(int64_t n, int error) {
  std::lock_guard<std::mutex> lock(mu_);
  countdown_ = n;
  error_ = error;
}

void FaultEnv::SetSpaceLeft(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  space_left_ = bytes;
}

void FaultEnv::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  countdown_ = 0;
  space_left_.reset();
}

void FaultEnv::ClearLog() {
  std::lock_guard<std::mutex> lock(mu_);
  log_.clear();
  last_failure_.reset();
}

int64_t FaultEnv::ops() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(log_.size());
}

std::vector<FileOpRecord> FaultEnv::log() const {
  std::lock_guard<std::mutex> lock(mu_);
  return log_;
}

std::optional<FileOpRecord> FaultEnv::last_failure() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_failure_;
}

void FaultEnv::HoldNext(FileOp op) {
  std::lock_guard<std::mutex> lock(mu_);
  hold_ = op;
}

void FaultEnv::WaitUntilHeld() {
  std::unique_lock<std::mutex> lock(mu_);
  held_changed_.wait(lock, [this] { return held_; });
}

void FaultEnv::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  held_ = false;
  held_changed_.notify_all();
}

void FaultEnv::HoldIfAsked(FileOp op, std::unique_lock<std::mutex>& lock) {
  if (hold_ != op) return;
  hold_.reset();
  held_ = true;
  held_changed_.notify_all();
  held_changed_.wait(lock, [this] { return !held_; });
}

int FaultEnv::Count(FileOp op, const std::string& path) {
  std::unique_lock<std::mutex> lock(mu_);
  HoldIfAsked(op, lock);
  return CountLocked(op, path);
}

int FaultEnv::CountLocked(FileOp op, const std::string& path) {
  FileOpRecord& record = log_.emplace_back(FileOpRecord{op, path});
  if (countdown_ == 0 || --countdown_ > 0) return 0;
  record.failed = true;
  last_failure_ = record;
  return error_;
}

int FaultEnv::CountAppend(const std::string& path, size_t size, size_t* allowed) {
  std::lock_guard<std::mutex> lock(mu_);
  *allowed = 0;
  if (const int error = CountLocked(FileOp::kAppend, path)) return error;
  *allowed = space_left_.has_value() ? static_cast<size_t>(std::min<uint64_t>(*space_left_, size)) : size;
  if (space_left_.has_value()) *space_left_ -= *allowed;
  log_.back().bytes = *allowed;
  if (*allowed == size) return 0;
  log_.back().failed = true;
  last_failure_ = log_.back();
  return ENOSPC;
}

StatusOr<std::unique_ptr<WritableFile>> FaultEnv::NewWritableFile(const std::string& path) {
  if (const int error = Count(FileOp::kNewWritableFile, path)) return ErrnoToStatus(error, path);
  auto file = base_->NewWritableFile(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(new File(this, std::move(*file)));
}

StatusOr<std::unique_ptr<WritableFile>> FaultEnv::NewExclusiveFile(const std::string& path) {
  if (const int error = Count(FileOp::kNewExclusiveFile, path)) return ErrnoToStatus(error, path);
  auto file = base_->NewExclusiveFile(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(new File(this, std::move(*file)));
}

StatusOr<std::unique_ptr<RandomAccessFile>> FaultEnv::NewRandomAccessFile(const std::string& path) {
  if (const int error = Count(FileOp::kNewRandomAccessFile, path)) return ErrnoToStatus(error, path);
  return base_->NewRandomAccessFile(path);
}

Status FaultEnv::FileExists(const std::string& path) {
  if (const int error = Count(FileOp::kFileExists, path)) return ErrnoToStatus(error, path);
  return base_->FileExists(path);
}

StatusOr<uint64_t> FaultEnv::GetFileSize(const std::string& path) {
  if (const int error = Count(FileOp::kGetFileSize, path)) return ErrnoToStatus(error, path);
  return base_->GetFileSize(path);
}

StatusOr<std::vector<std::string>> FaultEnv::GetChildren(const std::string& dir) {
  if (const int error = Count(FileOp::kGetChildren, dir)) return ErrnoToStatus(error, dir);
  return base_->GetChildren(dir);
}

Status FaultEnv::IsDirectory(const std::string& path) {
  if (const int error = Count(FileOp::kIsDirectory, path)) return ErrnoToStatus(error, path);
  return base_->IsDirectory(path);
}

Status FaultEnv::RecursivelyCreateDir(const std::string& dir) {
  if (const int error = Count(FileOp::kCreateDir, dir)) return ErrnoToStatus(error, dir);
  return base_->RecursivelyCreateDir(dir);
}

Status FaultEnv::DeleteFile(const std::string& path) {
  if (const int error = Count(FileOp::kDeleteFile, path)) return ErrnoToStatus(error, path);
  return base_->DeleteFile(path);
}

Status FaultEnv::DeleteDir(const std::string& dir) {
  if (const int error = Count(FileOp::kDeleteDir, dir)) return ErrnoToStatus(error, dir);
  return base_->DeleteDir(dir);
}

Status FaultEnv::RenameFile(const std::string& from, const std::string& to) {
  if (const int error = Count(FileOp::kRenameFile, to)) return ErrnoToStatus(error, "rename " + from + " to " + to);
  return base_->RenameFile(from, to);
}

Status FaultEnv::SyncDir(const std::string& dir) {
  if (const int error = Count(FileOp::kSyncDir, dir)) return ErrnoToStatus(error, dir);
  return base_->SyncDir(dir);
}

}  // namespace tfcompat::testing
