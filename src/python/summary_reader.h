// SPDX-License-Identifier: Apache-2.0
// Reading TensorBoard logs, under tfcompat.summary.read and
// tfcompat.summary.events (tfcompat/summary.py):
//   _read_tables(logdir, kinds, purge_orphaned_data): the tables of
//     LoadSummaryTables (src/summary/summary_tables.h) as whole columns, a
//     dict per kind: numbers as numpy arrays made here, strings once per
//     series with each series' row count, so that summary.py builds a
//     DataFrame of a million rows with a few numpy calls and no Python loop
//     per row. The files are read, and the columns filled, without the GIL.
//   _EventFile(path): the events of one event file, one tuple each.
#ifndef TFCOMPAT_PYTHON_SUMMARY_READER_H_
#define TFCOMPAT_PYTHON_SUMMARY_READER_H_

#include <nanobind/nanobind.h>

namespace tfcompat::python {

void RegisterSummaryReader(nanobind::module_& m);

}  // namespace tfcompat::python

#endif  // TFCOMPAT_PYTHON_SUMMARY_READER_H_
