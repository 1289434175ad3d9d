// SPDX-License-Identifier: Apache-2.0
#include "io/export_dir.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

// The name an export is renamed to before it is deleted.
std::string DeletedName(std::string_view export_name) { return "temp-" + std::string(export_name) + "-deleted"; }

bool IsDeletedName(std::string_view name) {
  return name.starts_with("temp-") && name.ends_with("-deleted") && name.size() > 13 &&
         ExportSeconds(name.substr(5, name.size() - 13)).has_value();
}

}  // namespace

std::optional<int64_t> ExportSeconds(std::string_view name) {
  // 18 digits always fit an int64_t; more is not the seconds of any clock.
  if (name.empty() || name.size() > 18) return std::nullopt;
  int64_t seconds = 0;
  for (const char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

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

Status DeleteOldExports(Env* env, const std::string& export_dir_base, int exports_to_keep) {
  if (exports_to_keep < 1) {
    return InvalidArgumentError("exports_to_keep must be at least 1, got " + std::to_string(exports_to_keep));
  }
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> children, env->GetChildren(export_dir_base));
  std::vector<std::pair<int64_t, std::string>> exports;
  for (const std::string& child : children) {
    const std::optional<int64_t> seconds = ExportSeconds(child);
    if (!seconds.has_value() && !IsDeletedName(child)) continue;
    const std::string path = JoinPath(export_dir_base, child);
    // A file of such a name is not an export; a directory that cannot be
    // told is an error, not a reason to keep fewer than asked.
    const Status is_directory = env->IsDirectory(path);
    if (is_directory.code() == StatusCode::kFailedPrecondition) continue;
    TFCOMPAT_RETURN_IF_ERROR(is_directory);
    if (seconds.has_value()) {
      exports.emplace_back(*seconds, child);
    } else {
      TFCOMPAT_RETURN_IF_ERROR(RemoveTree(env, path));
    }
  }
  if (exports.size() <= static_cast<size_t>(exports_to_keep)) return OkStatus();
  std::sort(exports.begin(), exports.end(), std::greater<>());
  exports.erase(exports.begin(), exports.begin() + exports_to_keep);
  for (const auto& [seconds, name] : exports) {
    TFCOMPAT_RETURN_IF_ERROR(
        env->RenameFile(JoinPath(export_dir_base, name), JoinPath(export_dir_base, DeletedName(name))));
  }
  TFCOMPAT_RETURN_IF_ERROR(env->SyncDir(export_dir_base));
  for (const auto& [seconds, name] : exports) {
    TFCOMPAT_RETURN_IF_ERROR(RemoveTree(env, JoinPath(export_dir_base, DeletedName(name))));
  }
  return env->SyncDir(export_dir_base);
}

}  // namespace tfcompat
