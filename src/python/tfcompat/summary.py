# SPDX-License-Identifier: Apache-2.0
"""TensorBoard logging with tensorboardX's (and ``torch.utils.tensorboard``'s)
API, without TensorFlow or protobuf in Python::

    with tfcompat.SummaryWriter("runs/exp1") as writer:
        for step in range(100):
            writer.add_scalar("loss", 1.0 / (step + 1), step)

Events are queued and written to the event file by a background thread of
the C++ library (every ``max_queue`` events, every ``flush_secs``, on
``flush()`` and ``close()``). ``add_scalar`` is the C++ method itself, with
no Python code in between. Failures raise :mod:`tfcompat.errors` exceptions
(an I/O error of the background thread is raised by the next call).
"""

import os

import numpy as np

from . import _tfcompat
from .errors import UNIMPLEMENTED

__all__ = ["SummaryWriter"]


def _check_no_walltime(walltime):
    if walltime is not None:
        _tfcompat._raise_status(UNIMPLEMENTED, "walltime: events are stamped with the time they are added")


class SummaryWriter(_tfcompat._SummaryWriter):
    """Writes one event file in LOGDIR (created with its parents), as
    tensorboardX's ``SummaryWriter(logdir, max_queue=10, flush_secs=120,
    filename_suffix='', purge_step=None)``.

    ``purge_step``: the run restarts at that step; TensorBoard drops the
    values of earlier event files at steps >= ``purge_step`` (a SessionLog
    START, as tensorboardX writes). A ``global_step`` of None is step 0, as
    tensorboardX writes it. ``walltime`` other than None raises
    UnimplementedError: events carry the time they are added."""

    def __init__(self, logdir, max_queue=10, flush_secs=120, filename_suffix="", purge_step=None):
        logdir = os.fspath(logdir)
        super().__init__(logdir, max_queue, float(flush_secs), filename_suffix)
        self._options = (max_queue, float(flush_secs), filename_suffix)
        # add_scalars' runs, by directory, as tensorboardX's all_writers.
        self._scalars_writers = {}
        if purge_step is not None:
            self._add_session_start(int(purge_step))

    def get_logdir(self):
        """The directory of the event file."""
        return self.logdir

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Adds each value of TAG_SCALAR_DICT under the tag MAIN_TAG in its
        own run, LOGDIR/MAIN_TAG/<tag>, as tensorboardX does, so that
        TensorBoard draws them in one chart."""
        for tag, scalar_value in tag_scalar_dict.items():
            run = os.path.join(self.logdir, main_tag, tag)
            writer = self._scalars_writers.get(run)
            if writer is None:
                writer = _tfcompat._SummaryWriter(run, *self._options)
                self._scalars_writers[run] = writer
            writer.add_scalar(main_tag, scalar_value, global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        """Adds a histogram of VALUES (array-like; NaN and Inf are refused)
        as a HistogramProto. ``bins='tensorflow'``: TensorFlow's default
        exponential buckets; otherwise ``bins`` goes to ``numpy.histogram``
        (a count, edges or a method such as ``'auto'``) and the empty buckets
        at both ends are dropped, as tensorboardX does. ``max_bins`` is not
        supported (NotImplementedError)."""
        _check_no_walltime(walltime)
        if max_bins is not None:
            raise NotImplementedError("add_histogram: max_bins is not supported")
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if values.size == 0:
            raise ValueError("add_histogram: the input has no element")
        step = 0 if global_step is None else int(global_step)
        if isinstance(bins, str) and bins == "tensorflow":
            self._add_histogram_values(tag, np.ascontiguousarray(values), step)
            return
        if not np.all(np.isfinite(values)):
            raise ValueError(f"add_histogram: NaN or Inf in the values of {tag}")
        counts, limits = np.histogram(values, bins=bins)
        nonzero = np.flatnonzero(counts)
        first, last = int(nonzero[0]), int(nonzero[-1])
        # Buckets first..last, with the empty bucket before them kept (or a
        # zero one added) so that the first limit bounds an empty bucket.
        if first > 0:
            counts = counts[first - 1:last + 1]
        else:
            counts = np.concatenate([[0], counts[:last + 1]])
        limits = limits[first:last + 2]
        self._add_histogram_buckets(tag, float(values.min()), float(values.max()), float(values.size),
                                    float(values.sum()), float(values.dot(values)), limits.astype(float).tolist(),
                                    counts.astype(float).tolist(), step)

    def flush(self):
        """Writes every queued event (of this run and of add_scalars' runs)."""
        super().flush()
        for writer in self._scalars_writers.values():
            writer.flush()

    def close(self):
        """Flushes and closes every file; later calls do nothing more."""
        try:
            super().close()
        finally:
            for writer in self._scalars_writers.values():
                writer.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        self.close()
