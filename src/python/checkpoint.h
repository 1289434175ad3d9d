// SPDX-License-Identifier: Apache-2.0
// Checkpoints for tfcompat.train (tfcompat/train.py): the reader, the
// writer, the manager and path resolution, as the private module
// tfcompat._tfcompat exposes them. Tensors cross as (dtype name, shape,
// data): data is a uint8 numpy array of the element bytes (row-major,
// little-endian) for fixed-width dtypes, a list of bytes for strings;
// train.py views the bytes as the numpy dtype. Every file read and write
// runs with the GIL released.
#ifndef TFCOMPAT_PYTHON_CHECKPOINT_H_
#define TFCOMPAT_PYTHON_CHECKPOINT_H_

#include <nanobind/nanobind.h>

namespace tfcompat::python {

void RegisterCheckpoint(nanobind::module_& m);

}  // namespace tfcompat::python

#endif  // TFCOMPAT_PYTHON_CHECKPOINT_H_
