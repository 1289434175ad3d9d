// SPDX-License-Identifier: Apache-2.0
// The event-file writer under tfcompat.SummaryWriter (tfcompat/summary.py),
// as the private class tfcompat._tfcompat._SummaryWriter: the C++
// SummaryWriter with tensorboardX's argument order and defaults. add_scalar
// is the hot path: summary.py inherits it unwrapped, and it keeps the GIL
// (queueing a record does not block while the queue has room); flush and
// close, which wait for the disk, release it.
#ifndef TFCOMPAT_PYTHON_SUMMARY_H_
#define TFCOMPAT_PYTHON_SUMMARY_H_

#include <nanobind/nanobind.h>

namespace tfcompat::python {

void RegisterSummary(nanobind::module_& m);

}  // namespace tfcompat::python

#endif  // TFCOMPAT_PYTHON_SUMMARY_H_
