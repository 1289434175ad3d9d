// SPDX-License-Identifier: Apache-2.0
// How a tfcompat error reaches Python: a binding returns an error Status by
// throwing BadStatusOrAccess (ThrowIfError), and the translator registered
// here raises the tfcompat.errors class of its code (NotFoundError,
// DataLossError, ...; tfcompat/errors.py) with its message.
#ifndef TFCOMPAT_PYTHON_ERRORS_H_
#define TFCOMPAT_PYTHON_ERRORS_H_

#include <nanobind/nanobind.h>

#include "tfcompat/base/status.h"

namespace tfcompat::python {

// Throws BadStatusOrAccess(status) unless it is OK. Call it with or without
// the GIL: the exception is translated once the binding returns.
void ThrowIfError(const Status& status);

// The value of `result`, or ThrowIfError(result.status()).
template <typename T>
T ValueOrThrow(StatusOr<T>&& result) {
  if (!result.ok()) ThrowIfError(result.status());
  return std::move(result).value();
}

void RegisterErrors(nanobind::module_& m);

}  // namespace tfcompat::python

#endif  // TFCOMPAT_PYTHON_ERRORS_H_
