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

// Whether `path` is a directory rather than a file; an error telling it
// is returned.
StatusOr<bool> IsDirectory(Env* env, const std::string& path) {
  const Status status = env->IsDirectory(path);
  if (status.code() == StatusCode::kFailedPrecondition) return false;
  TFCOMPAT_RETURN_IF_ERROR(status);
  return true;
}

// Deletes `dir` and everything in it (a temp export of ours).
Status RemoveTree(Env* env, const std::string& dir) {
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> children, env->GetChildren(dir));
  for (const std::string& child : children) {
    const std::string path = JoinPath(dir, child);
    TFCOMPAT_ASSIGN_OR_RETURN(const bool directory, IsDirectory(env, path));
    if (directory) {
      TFCOMPAT_RETURN_IF_ERROR(RemoveTree(env, path));
    } else {
      TFCOMPAT_RETURN_IF_ERROR(env->DeleteFile(path));
    }
  }
  return env->DeleteDir(dir);
}

// The name an export is renamed to before it is deleted.
std::string DeletedName(std::string_view export_name) { return "temp-" + std::string(export_name) + "-deleted"; }

// The seconds of the temp directory of an export: temp-<seconds>.
std::optional<int64_t> TempExportSeconds(std::string_view name) {
  if (!name.starts_with("temp-")) return std::nullopt;
  return ExportSeconds(name.substr(5));
}

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
  int64_t seconds = 0;
  std::string name, export_dir;
  for (int attempt = 0;; ++attempt) {
    seconds = static_cast<int64_t>(std::floor(env->NowSeconds()));
    name = std::to_string(seconds);
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
  TFCOMPAT_ASSIGN_OR_RETURN(const std::vector<std::string> children, env->GetChildren(export_dir_base));
  for (const std::string& child : children) {
    const std::optional<int64_t> started = TempExportSeconds(child);
    if (!started.has_value() || (*started != seconds && seconds - *started <= kStaleExportTempSeconds)) continue;
    const std::string path = JoinPath(export_dir_base, child);
    // A file of such a name is none of ours.
    TFCOMPAT_ASSIGN_OR_RETURN(const bool directory, IsDirectory(env, path));
    if (directory) TFCOMPAT_RETURN_IF_ERROR(RemoveTree(env, path));
  }
  const std::string temp_dir = JoinPath(export_dir_base, "temp-" + name);
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
    TFCOMPAT_ASSIGN_OR_RETURN(const bool directory, IsDirectory(env, path));
    if (!directory) continue;
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
