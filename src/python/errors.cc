// SPDX-License-Identifier: Apache-2.0
#include "errors.h"

#include <nanobind/stl/string.h>

#include <exception>
#include <string>

namespace nb = nanobind;

namespace tfcompat::python {

void ThrowIfError(const Status& status) {
  if (!status.ok()) throw BadStatusOrAccess(status);
}

void RegisterErrors(nb::module_& m) {
  // Runs with the GIL held, after the binding returned. The classes live in
  // Python (tfcompat/errors.py), so that they can be subclassed and pickled
  // like any exception; errors.py imports nothing of this module.
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const BadStatusOrAccess& e) {
      const nb::object errors = nb::module_::import_("tfcompat.errors");
      const nb::object error = errors.attr("_from_status")(static_cast<int>(e.status().code()), e.status().message());
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
    }
  });
  m.def(
      "_raise_status", [](int code, const std::string& message) { ThrowIfError(Status(StatusCode(code), message)); },
      nb::arg("code"), nb::arg("message"), "Raises the error of a status (for the package's tests).");
}

}  // namespace tfcompat::python
