// Early-return helpers for Status and StatusOr (internal).
#ifndef TFCOMPAT_SRC_BASE_STATUS_MACROS_H_
#define TFCOMPAT_SRC_BASE_STATUS_MACROS_H_

#include "tfcompat/base/status.h"

// Returns from the enclosing function if `expr` yields a non-OK Status.
#define TFCOMPAT_RETURN_IF_ERROR(expr)                 \
  do {                                                 \
    ::tfcompat::Status _tfcompat_status = (expr);      \
    if (!_tfcompat_status.ok()) return _tfcompat_status; \
  } while (0)

#define TFCOMPAT_CONCAT_INNER_(a, b) a##b
#define TFCOMPAT_CONCAT_(a, b) TFCOMPAT_CONCAT_INNER_(a, b)

// `lhs = *expr` when `expr` (a StatusOr) is OK; otherwise returns its status.
//   TFCOMPAT_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(path));
#define TFCOMPAT_ASSIGN_OR_RETURN(lhs, expr) \
  TFCOMPAT_ASSIGN_OR_RETURN_IMPL_(TFCOMPAT_CONCAT_(_tfcompat_statusor_, __LINE__), lhs, expr)

#define TFCOMPAT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  if (!statusor.ok()) return statusor.status();              \
  lhs = std::move(statusor).value()

#endif  // TFCOMPAT_SRC_BASE_STATUS_MACROS_H_
