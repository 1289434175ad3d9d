// SPDX-License-Identifier: Apache-2.0
// A timestamped export directory written atomically (internal), as TF's
// Estimator.export_saved_model makes one and TF Serving's model base path
// expects: every export is a new <export_dir_base>/<unix seconds>/, never
// seen partially written. The SavedModel and the ONNX exports both write
// through it.
//
//   <export_dir_base>/temp-<seconds>/   built here by the caller's fill function
//   <export_dir_base>/<seconds>/        the same directory, renamed once complete
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(std::string dir, WriteExportDir(env, "export/iris", [&](const std::string& temp) {
//     return WriteSyncedFile(env, JoinPath(temp, "model.onnx"), bytes);
//   }));
#ifndef TFCOMPAT_SRC_IO_EXPORT_DIR_H_
#define TFCOMPAT_SRC_IO_EXPORT_DIR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "io/file.h"
#include "tfcompat/base/status.h"

namespace tfcompat {

// Fills the (existing, empty) temp directory it is given; every file it
// writes must be synced (WriteSyncedFile), and every subdirectory it makes
// synced after its files.
using ExportFillFn = std::function<Status(const std::string& temp_dir)>;

// A temp-<seconds> directory more than this older than a new export (by
// their seconds) is one a killed export left: no export takes a day. A
// younger one may be an export that another process is still writing.
inline constexpr int64_t kStaleExportTempSeconds = 24 * 60 * 60;

// Makes <export_dir_base>/<unix seconds> (creating export_dir_base if need
// be) and returns its path. `fill` writes the contents into
// <export_dir_base>/temp-<seconds> (which TF Serving ignores: not an
// integer), which is then fsynced and renamed into place, so a crash or an
// error never leaves a partial integer-named export; a failure removes the
// temp directory. The temp directories that killed exports left are removed
// first: the one of this export's second (no export of that name exists,
// so nothing refers to it) and those older than kStaleExportTempSeconds.
// The seconds are those of env->NowSeconds();
// when that export exists already, it waits a second and tries again, 10
// times at most, as TF's get_timestamped_export_dir (then AlreadyExists
// "Failed to obtain a unique export directory name after 10 attempts.").
// Only a failure of the final fsync of export_dir_base returns an error
// after the rename: the export is then complete but not known to be
// durable.
[[nodiscard]] StatusOr<std::string> WriteExportDir(Env* env, const std::string& export_dir_base,
                                                   const ExportFillFn& fill);

// The seconds an export directory's name gives: a decimal integer, as TF's
// export version parser reads the name (at most 18 digits); nullopt for any
// other name (temp-<seconds>, ...).
[[nodiscard]] std::optional<int64_t> ExportSeconds(std::string_view name);

// Deletes the exports of export_dir_base beyond the `exports_to_keep`
// newest, as TF's LatestExporter does after each export (keeping 5 by
// default). An export is a directory named by a decimal integer (its unix
// seconds); the largest numbers are the newest. Each export to delete is
// first renamed to temp-<seconds>-deleted, which TF Serving ignores, so a
// crash while deleting never leaves a partial integer-named export (the
// renames are synced before anything is deleted); such leftovers of an
// earlier crash are deleted first. Nothing else in
// export_dir_base is touched. InvalidArgument for exports_to_keep < 1.
[[nodiscard]] Status DeleteOldExports(Env* env, const std::string& export_dir_base, int exports_to_keep);

// Creates `path` (truncating an existing file), writes `contents`, fsyncs
// and closes it: for a file inside a directory that becomes visible by a
// rename as a whole, so the file itself needs no rename of its own.
[[nodiscard]] Status WriteSyncedFile(Env* env, const std::string& path, std::string_view contents);

}  // namespace tfcompat

#endif  // TFCOMPAT_SRC_IO_EXPORT_DIR_H_
