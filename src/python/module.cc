// SPDX-License-Identifier: Apache-2.0
// tfcompat._tfcompat: the extension module under the Python package
// tfcompat (src/python/tfcompat). Each concept registers its own bindings.
#include <nanobind/nanobind.h>

#include "checkpoint.h"
#include "errors.h"
#include "summary.h"
#include "summary_reader.h"
#include "tfcompat/base/version.h"

NB_MODULE(_tfcompat, m) {
  m.doc() = "The C++ core of the tfcompat package; use tfcompat.train, tfcompat.SummaryWriter and tfcompat.errors.";
  m.attr("__version__") = TFCOMPAT_VERSION_STRING;
  tfcompat::python::RegisterErrors(m);
  tfcompat::python::RegisterCheckpoint(m);
  tfcompat::python::RegisterSummary(m);
  tfcompat::python::RegisterSummaryReader(m);
}
