# SPDX-License-Identifier: Apache-2.0
"""Checkpoints with TensorFlow's ``tf.train`` names, without TensorFlow::

    reader = tfcompat.train.load_checkpoint("model_dir")      # a directory, prefix or SavedModel
    kernel = reader.get_tensor("dense/kernel")                  # a numpy array
    tfcompat.train.save_checkpoint("out/model.ckpt-1", {"dense/kernel": kernel})

Checkpoints are TensorFlow's V2 format (``PREFIX.index``, ``PREFIX.data-*``),
read and written by the C++ library; files are read and written with the
GIL released. Failures raise :mod:`tfcompat.errors` exceptions. See
:mod:`tfcompat.dtypes` for how dtypes map to numpy.
"""

import os
import re

from . import _tfcompat
from . import dtypes as _dtypes
from . import errors as _errors

__all__ = ["CheckpointReader", "CheckpointManager", "load_checkpoint", "list_variables", "latest_checkpoint",
           "save_checkpoint"]


class CheckpointReader:
    """A checkpoint opened for reading (``tf.train.load_checkpoint``'s
    reader). Its index is read when it is opened; each ``get_tensor`` reads
    one tensor and checks its checksum. Partitioned variables are read whole."""

    def __init__(self, path):
        path = os.fspath(path)
        self._reader = _tfcompat.CheckpointReader(path)
        self._entries = {name: (dtype, shape) for name, dtype, shape, _ in self._reader.entries()}

    @property
    def prefix(self):
        """The checkpoint prefix the path resolved to."""
        return self._reader.prefix

    def get_tensor(self, name):
        """The tensor NAME as a numpy array (a numpy scalar, or ``bytes`` for
        a string, when it is a scalar). NotFoundError "Key NAME not found in
        checkpoint"; DataLossError for a damaged data file."""
        return _dtypes.from_bytes(*self._reader.read(name))

    def has_tensor(self, name):
        return name in self._entries

    def get_variable_to_shape_map(self):
        """{name: shape as a list of ints} of every tensor."""
        return {name: list(shape) for name, (_, shape) in self._entries.items()}

    def get_variable_to_dtype_map(self):
        """{name: numpy dtype} of every tensor (see :mod:`tfcompat.dtypes`;
        strings are ``object``)."""
        return {name: _dtypes.as_numpy_dtype(dtype) for name, (dtype, _) in self._entries.items()}

    def get_variable_to_dtype_name_map(self):
        """{name: TF's dtype name ("float32", "bfloat16", "string", ...)}."""
        return {name: dtype for name, (dtype, _) in self._entries.items()}


def load_checkpoint(ckpt_dir_or_file):
    """A CheckpointReader for a checkpoint prefix, a directory's latest
    checkpoint, or a SavedModel directory's variables (as ``ckpt_tool``
    resolves paths). Unlike TensorFlow, which raises ValueError for a
    directory without checkpoints, this raises NotFoundError."""
    return CheckpointReader(ckpt_dir_or_file)


def list_variables(ckpt_dir_or_file):
    """[(name, shape)] of every tensor, sorted by name."""
    reader = _tfcompat.CheckpointReader(os.fspath(ckpt_dir_or_file))
    return [(name, list(shape)) for name, _, shape, _ in reader.entries()]


def latest_checkpoint(checkpoint_dir):
    """The prefix of the latest checkpoint the directory's ``checkpoint``
    file names, or None when there is none (no state file, or its
    checkpoint's index is missing)."""
    try:
        return _tfcompat.latest_checkpoint(os.fspath(checkpoint_dir))
    except _errors.NotFoundError:
        return None


def _tensor_list(tensors):
    if not hasattr(tensors, "items"):
        raise TypeError(f"tensors must be a mapping of name to array, got {type(tensors).__name__}")
    out = []
    for name, value in tensors.items():
        if not isinstance(name, str):
            raise TypeError(f"a tensor name must be a str, got {type(name).__name__}")
        out.append((name, *_dtypes.to_bytes(name, value)))
    return out


def save_checkpoint(prefix, tensors, max_shard_bytes=0):
    """Writes TENSORS ({name: array-like}) as the checkpoint PREFIX
    (PREFIX.index and PREFIX.data-*; the directory is created) and returns
    PREFIX. C-contiguous arrays are written from their own memory, without a
    copy. MAX_SHARD_BYTES > 0 starts a new data file before a tensor that
    would make the current one larger."""
    return _tfcompat.save_checkpoint(os.fspath(prefix), _tensor_list(tensors), max_shard_bytes)


class CheckpointManager:
    """Numbered checkpoints in a directory, keeping the newest MAX_TO_KEEP
    (None keeps all), listed in the directory's ``checkpoint`` state file as
    ``tf.train.CheckpointManager`` and Estimator keep them: DIRECTORY/
    CHECKPOINT_NAME-N. Checkpoints the state file already lists are adopted.
    A checkpoint dropped from the list is deleted, unless
    KEEP_CHECKPOINT_EVERY_N_HOURS have passed since the last one so kept."""

    def __init__(self, directory, max_to_keep=5, keep_checkpoint_every_n_hours=None, checkpoint_name="ckpt"):
        if max_to_keep is not None and max_to_keep < 1:
            raise ValueError(f"max_to_keep must be at least 1 or None, got {max_to_keep}")
        self._manager = _tfcompat.CheckpointManager(os.fspath(directory), max_to_keep or 0,
                                                    float(keep_checkpoint_every_n_hours or 0.0), checkpoint_name)
        self._checkpoint_name = checkpoint_name

    @property
    def directory(self):
        return self._manager.directory

    @property
    def checkpoints(self):
        """The prefixes kept, oldest first."""
        return list(self._manager.checkpoints)

    @property
    def latest_checkpoint(self):
        """The newest prefix, or None before the first save."""
        checkpoints = self._manager.checkpoints
        return checkpoints[-1] if checkpoints else None

    def save(self, tensors, checkpoint_number=None):
        """Writes TENSORS ({name: array-like}) as CHECKPOINT_NAME-N, N being
        CHECKPOINT_NUMBER or one more than the latest checkpoint's (1 at
        first), updates the state file, deletes checkpoints beyond
        MAX_TO_KEEP, and returns the new prefix."""
        if checkpoint_number is None:
            checkpoint_number = 1
            latest = self.latest_checkpoint
            match = re.search(r"-(\d+)$", latest) if latest else None
            if match:
                checkpoint_number = int(match.group(1)) + 1
        return self._manager.save(int(checkpoint_number), _tensor_list(tensors))
