// SPDX-License-Identifier: Apache-2.0
// Early-return helpers for functions that return Status or StatusOr<T>, so a
// chain of fallible calls reads as straight-line code.
//
// Usage:
//   tfcompat::Status CopyFirstRecord(const std::string& from, const std::string& to) {
//     TFCOMPAT_ASSIGN_OR_RETURN(auto reader, tfcompat::RecordReader::Open(from));
//     std::string record;
//     TFCOMPAT_RETURN_IF_ERROR(reader->ReadRecord(&record));
//     TFCOMPAT_ASSIGN_OR_RETURN(auto writer, tfcompat::RecordWriter::Create(to));
//     TFCOMPAT_RETURN_IF_ERROR(writer->WriteRecord(record));
//     return writer->Close();
//   }
#ifndef TFCOMPAT_BASE_STATUS_MACROS_H_
#define TFCOMPAT_BASE_STATUS_MACROS_H_

#include <utility>

#include "tfcompat/base/status.h"

// Evaluates `expr` (a Status) once and returns it from the enclosing function
// when it is not OK. The enclosing function returns Status or StatusOr<T>.
#define TFCOMPAT_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::tfcompat::Status _tfcompat_status = (expr);        \
    if (!_tfcompat_status.ok()) return _tfcompat_status; \
  } while (0)

#define TFCOMPAT_CONCAT_INNER_(a, b) a##b
#define TFCOMPAT_CONCAT_(a, b) TFCOMPAT_CONCAT_INNER_(a, b)

// Evaluates `expr` (a StatusOr<T>) once; when it is OK, moves its value into
// `lhs` (a declaration such as `auto file` or an existing lvalue), otherwise
// returns its status from the enclosing function. It expands to more than one
// statement, so it cannot be the body of an unbraced `if`.
//   TFCOMPAT_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(path));
#define TFCOMPAT_ASSIGN_OR_RETURN(lhs, expr) \
  TFCOMPAT_ASSIGN_OR_RETURN_IMPL_(TFCOMPAT_CONCAT_(_tfcompat_statusor_, __LINE__), lhs, expr)

#define TFCOMPAT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  if (!statusor.ok()) return statusor.status();              \
  lhs = std::move(statusor).value()

#endif  // TFCOMPAT_BASE_STATUS_MACROS_H_
