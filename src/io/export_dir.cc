// SPDX-License-Identifier: Apache-2.0
#include "io/export_dir.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "tfcompat/base/status_macros.h"

namespace tfcompat {
namespace {

// TF's MAX_DIRECTORY_CREATION_ATTEMPTS (get_timestamped_export_dir).
constexpr int kMaxDirectoryCreationAttempts = 10;

// Deletes `dir` and everything in it (a temp export of ours).
Status RemoveTree(Env* env, const std::string& dir) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> children, env->GetChildren(dir));
  for (const std::string& child : children) {
    const std::string path = JoinPath(dir, child);
    if (env->IsDirectory(path).ok()) {
      TFCOMPAT_RETURN_IF_ERROR(RemoveTree(env, path));
    } else {
      TFCOMPAT_RETURN_IF_ERROR(env->DeleteFile(path));
    }
  }
  return env->DeleteDir(dir);
}

}  // namespace

StatusOr<std::string> WriteExportDir(Env* env, const std::string& export_dir_base, const ExportFillFn& fill) {
  TFCOMPAT_RETURN_IF_ERROR(env->RecursivelyCreateDir(export_dir_base));
  std::string name, export_dir;
  for (int attempt = 0;; ++attempt) {
    name = std::to_string(static_cast<int64_t>(std::floor(env->NowSeconds())));
    export_dir = JoinPath(export_dir_base, name);
    const Status exists = env->FileExists(export_dir);
    if (exists.code() == StatusCode::kNotFound) break;
    TFCOMPAT_RETURN_IF_ERROR(exists);
    if (attempt + 1 == kMaxDirectoryCreationAttempts) {
      return AlreadyExistsError("Failed to obtain a unique export directory name after " +
                                std::to_string(kMaxDirectoryCreationAttempts) + " attempts.");
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  const std::string temp_dir = JoinPath(export_dir_base, "temp-" + name);
  // Left by an export killed in this very second: no export of that name
  // exists, so nothing refers to it.
  const Status stale = env->FileExists(temp_dir);
  if (stale.ok()) TFCOMPAT_RETURN_IF_ERROR(RemoveTree(env, temp_dir));
  if (stale.code() != StatusCode::kNotFound) TFCOMPAT_RETURN_IF_ERROR(stale);
  Status status = env->RecursivelyCreateDir(temp_dir);
  if (status.ok()) status = fill(temp_dir);
  if (status.ok()) status = env->SyncDir(temp_dir);
  if (status.ok()) status = env->RenameFile(temp_dir, export_dir);
  if (!status.ok()) {
    // Best effort: the error that stopped the export is the one to report.
    if (env->FileExists(temp_dir).ok()) RemoveTree(env, temp_dir).IgnoreError();
    return status;
  }
  TFCOMPAT_RETURN_IF_ERROR(env->SyncDir(export_dir_base));
  return export_dir;
}

Status WriteSyncedFile(Env* env, const std::string& path, std::string_view contents) {
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(path));
  Status status = file->Append(contents);
  if (status.ok()) status = file->Sync();
  // Closed whatever happened, so the descriptor is released.
  const Status closed = file->Close();
  TFCOMPAT_RETURN_IF_ERROR(status);
  return closed;
}

}  // namespace tfcompat
