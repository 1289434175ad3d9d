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

Reading logs back: ``read(logdir, kinds)`` gives pandas DataFrames in
tbparse's layout (as ``event_tool export``), and ``events(path)`` the
events of one event file as plain tuples, without pandas::

    frame = tfcompat.summary.read("runs", "scalars")  # run, tag, step, wall_time, value
"""

import collections
import os
import time

import numpy as np

from . import _tfcompat
from .errors import UNIMPLEMENTED

__all__ = ["SummaryWriter", "read", "events", "Event", "Value", "KINDS"]


def _check_no_walltime(walltime):
    if walltime is not None:
        _tfcompat._raise_status(UNIMPLEMENTED, "walltime: events are stamped with the time they are added")


def _step(global_step):
    """tensorboardX writes an event without a step as step 0."""
    return 0 if global_step is None else int(global_step)


def _image_hwc(array, dataformats):
    """ARRAY, laid out as DATAFORMATS, as height x width x channels: one
    channel repeated to three, a batch drawn as a grid (8 per row)."""
    layout = dataformats.upper()
    if len(set(layout)) != len(layout) or array.ndim != len(layout) or set(layout) not in (
            set("HW"), set("HWC"), set("NHWC")):
        raise ValueError(f"add_image: dataformats {dataformats!r} does not describe an array of shape "
                         f"{array.shape}")
    if len(layout) == 2:
        return np.stack([array.transpose([layout.index(c) for c in "HW"])] * 3, axis=2)
    if len(layout) == 3:
        hwc = array.transpose([layout.index(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, axis=2) if hwc.shape[2] == 1 else hwc
    nhwc = array.transpose([layout.index(c) for c in "NHWC"])
    if nhwc.shape[3] == 1:
        nhwc = np.concatenate([nhwc] * 3, axis=3)
    count, height, width, channels = nhwc.shape
    if count == 0:
        raise ValueError("add_images: the batch has no image")
    cols = min(count, 8)
    rows = -(-count // cols)
    grid = np.zeros((rows * height, cols * width, channels), dtype=nhwc.dtype)
    for i in range(count):
        row, col = divmod(i, cols)
        grid[row * height:(row + 1) * height, col * width:(col + 1) * width] = nhwc[i]
    return grid


class SummaryWriter(_tfcompat._SummaryWriter):
    """Writes one event file in LOGDIR (created with its parents), as
    tensorboardX's ``SummaryWriter(logdir, max_queue=10, flush_secs=120,
    filename_suffix='', purge_step=None)``.

    ``purge_step``: the run restarts at that step; TensorBoard drops the
    values of earlier event files at steps >= ``purge_step`` (a SessionLog
    START, as tensorboardX writes). A ``global_step`` of None is step 0, as
    tensorboardX writes it. ``walltime`` (seconds since the epoch) is taken
    by add_scalar and add_scalars; the other methods raise
    UnimplementedError for one other than None: their events carry the time
    they are added."""

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
        TensorBoard draws them in one chart. All carry one wall time."""
        if walltime is None:
            walltime = time.time()
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
        step = _step(global_step)
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

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """Adds an image (a PNG) from an array laid out as DATAFORMATS:
        'CHW' (tensorboardX's default), 'HWC', 'HW', or with a batch axis
        'NCHW' / 'NHWC' (drawn as one grid image, 8 per row, as
        tensorboardX). uint8 pixels are written as they are; any other
        dtype is taken to be in [0, 1] and scaled by 255, clipped to
        [0, 255] and truncated, as tensorboardX. One channel is drawn as
        gray (repeated to RGB, as tensorboardX); 3 is RGB, 4 RGBA."""
        _check_no_walltime(walltime)
        pixels = _image_hwc(np.asarray(img_tensor), dataformats)
        if pixels.dtype != np.uint8:
            pixels = np.clip(pixels.astype(np.float32) * 255.0, 0, 255).astype(np.uint8)
        self._add_image(tag, np.ascontiguousarray(pixels), _step(global_step))

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        """add_image of a batch: one grid image of the N images (NCHW by
        default, or NHWC), as tensorboardX draws it."""
        self.add_image(tag, img_tensor, global_step, walltime, dataformats)

    def add_audio(self, tag, snd_tensor, global_step=None, sample_rate=44100, walltime=None):
        """Adds a 16-bit PCM WAV clip: SND_TENSOR is [frames] (mono) or
        [frames, channels] floats in [-1, 1] (values outside are clipped)."""
        _check_no_walltime(walltime)
        samples = np.asarray(snd_tensor, dtype=np.float32)
        if samples.ndim == 1:
            samples = samples[:, np.newaxis]
        if samples.ndim != 2:
            raise ValueError(f"add_audio: {tag}: expected [frames] or [frames, channels], got shape "
                             f"{samples.shape}")
        self._add_audio(tag, np.ascontiguousarray(samples), int(sample_rate), _step(global_step))

    def add_pr_curve(self, tag, labels, predictions, global_step=None, num_thresholds=127, weights=None,
                     walltime=None):
        """Adds a precision-recall curve (plugin "pr_curves") from binary
        LABELS and PREDICTIONS in [0, 1], at NUM_THRESHOLDS thresholds, as
        tensorboardX computes it. ``weights`` is not supported
        (NotImplementedError)."""
        _check_no_walltime(walltime)
        if weights is not None:
            raise NotImplementedError("add_pr_curve: weights are not supported")
        labels = np.asarray(labels).reshape(-1)
        predictions = np.asarray(predictions, dtype=np.float32).reshape(-1)
        self._add_pr_curve(tag, np.ascontiguousarray(labels.astype(bool).astype(np.uint8)),
                           np.ascontiguousarray(predictions), _step(global_step), int(num_thresholds))

    def add_embedding(self, mat, metadata=None, label_img=None, global_step=None, tag="default",
                      metadata_header=None):
        """Writes the Projector's files, as tensorboardX: MAT ([rows, dim])
        to LOGDIR/<global_step, 5 digits>/<tag>/tensors.tsv, METADATA (one
        label per row) to metadata.tsv there, and LOGDIR/projector_config.pbtxt
        listing every embedding of this writer. ``label_img`` and
        ``metadata_header`` (several metadata columns) are not supported
        (NotImplementedError)."""
        if label_img is not None or metadata_header is not None:
            raise NotImplementedError("add_embedding: label_img and metadata_header are not supported")
        mat = np.asarray(mat, dtype=np.float32)
        if mat.ndim != 2:
            raise ValueError(f"add_embedding: expected a [rows, dim] matrix, got shape {mat.shape}")
        labels = [] if metadata is None else [str(label) for label in metadata]
        self._add_embedding(tag, np.ascontiguousarray(mat), _step(global_step), labels)

    def add_custom_scalars(self, layout):
        """Lays out the Custom Scalars dashboard: LAYOUT is tensorboardX's
        ``{category: {chart title: ['Multiline', [tag regexes]]}}``.
        'Margin' charts are not supported (NotImplementedError)."""
        categories = []
        for category, charts in layout.items():
            converted = []
            for title, (kind, tags) in charts.items():
                if kind != "Multiline":
                    raise NotImplementedError(f"add_custom_scalars: {kind} charts are not supported")
                converted.append((title, list(tags)))
            categories.append((category, converted))
        self._add_custom_scalars(categories)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None, global_step=None):
        """Records one HParams session: the experiment of HPARAM_DICT's
        names (with the discrete domains of HPARAM_DOMAIN_DISCRETE, {name:
        [values]}) and METRIC_DICT's tags, the hparam values given, and
        each metric as a scalar at GLOBAL_STEP. Unlike tensorboardX, which
        always makes a sub-run, this is written into this writer's run, so
        the dashboard shows the metrics logged there; RUN_NAME writes it
        into the sub-run LOGDIR/RUN_NAME instead (made and closed here)."""
        if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
            raise TypeError("hparam_dict and metric_dict should be dictionaries")
        domains = {name: list(values) for name, values in (hparam_domain_discrete or {}).items()}
        unknown = sorted(set(domains) - set(hparam_dict))
        if unknown:
            raise ValueError(f"add_hparams: hparam_domain_discrete names unknown hparams {unknown}")
        if run_name:
            writer = _tfcompat._SummaryWriter(os.path.join(self.logdir, run_name), *self._options)
        else:
            writer = self
        try:
            writer._add_hparams_start(list(hparam_dict.items()), domains, list(metric_dict))
            for tag, value in metric_dict.items():
                writer.add_scalar(tag, value, global_step)
            writer._add_hparams_end()
        finally:
            if writer is not self:
                writer.close()

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


# --- Reading ------------------------------------------------------------------

KINDS = ("scalars", "histograms", "text", "hparams", "hparams_metrics")
"""The kinds of table ``read`` gives, in the order of its dict."""

Event = collections.namedtuple("Event", ["wall_time", "step", "kind", "values"])
Event.__doc__ = """An event of an event file: ``kind`` what it carries ("summary",
"file_version", "graph_def", "session_log", ...), ``values`` its summary
values (a tuple of Value; empty for other kinds)."""

Value = collections.namedtuple("Value", ["tag", "kind", "value"])
Value.__doc__ = """A summary value: ``kind`` its dashboard ("scalar", "histogram",
"image", "audio", "text", "tensor" or "unknown"); ``value`` a scalar's
float, a text's str (the first string of a table), None for the others."""


def events(path):
    """The events of the event file PATH, in file order, as Event tuples.

    A partial last record (a file still being written) ends the iteration;
    a corrupt record raises DataLossError naming the file and offset. No
    restart is purged here: that is per run (``read``). Needs no pandas.
    The file is opened by the call (NotFoundError if it is missing)."""
    file = _tfcompat._EventFile(os.fspath(path))
    return (Event(wall_time, step, kind, tuple(Value(*v) for v in values)) for wall_time, step, kind, values in file)


def _pandas():
    try:
        import pandas
    except ImportError as e:
        raise ImportError("tfcompat.summary.read returns pandas DataFrames: install pandas "
                          "(pip install pandas), or read event files with tfcompat.summary.events") from e
    return pandas


def _series_column(columns, key):
    """A per-row column of names given once per series."""
    names = np.empty(len(columns[key]), dtype=object)
    names[:] = columns[key]
    return np.repeat(names, columns["series_rows"])


def _objects(values):
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _split(flat, ends):
    """Rows of a flat array, row i ending at ends[i]."""
    parts = np.split(flat, ends[:-1]) if len(ends) else []
    return _objects(parts) if parts else np.empty(0, dtype=object)


def _frame(pd, kind, c):
    if kind in ("scalars", "text"):
        data = {"run": _series_column(c, "series_run"), "tag": _series_column(c, "series_tag"),
                "step": c["step"], "wall_time": c["wall_time"],
                "value": c["value"] if kind == "scalars" else _objects(c["value"])}
    elif kind == "histograms":
        data = {"run": _series_column(c, "series_run"), "tag": _series_column(c, "series_tag"),
                "step": c["step"], "wall_time": c["wall_time"]}
        for name in ("min", "max", "num", "sum", "sum_squares"):
            data[name] = c[name]
        data["limits"] = _split(c["limits"], c["limits_end"])
        data["counts"] = _split(c["counts"], c["counts_end"])
    elif kind == "hparams":
        data = {"run": _objects(c["run"]), "tag": _objects(c["tag"]), "value": _objects(c["value"])}
    else:
        data = {"run": _objects(c["run"]), "group": _objects(c["group"]), "tag": _objects(c["tag"]),
                "step": c["step"], "wall_time": c["wall_time"], "value": c["value"]}
    return pd.DataFrame(data, copy=False)


def read(logdir, kinds=None, run=None, tag=None, purge_orphaned_data=True):
    """The runs of LOGDIR as pandas DataFrames in tbparse's layout, the
    tables of ``event_tool export`` (docs/python.md):

    - scalars: run, tag, step, wall_time, value
    - histograms: run, tag, step, wall_time, min, max, num, sum, sum_squares,
      limits, counts (a float64 array per row, as tbparse)
    - text: run, tag, step, wall_time, value
    - hparams: run, tag (the hparam's name), value
    - hparams_metrics: run (a session), group, tag, step, wall_time, value

    KINDS: one kind's name gives its DataFrame; a list of names, or None
    (all five), a dict name -> DataFrame. A run is a directory under LOGDIR
    holding event files, named relative to LOGDIR ("." for LOGDIR itself).
    RUN, TAG: keep only the rows of that run, that tag (a str, or a
    collection of them). PURGE_ORPHANED_DATA: leave out what a restart
    orphaned, as TensorBoard does. NotFoundError for a LOGDIR that is no
    directory or holds no event file; DataLossError naming the file and
    offset for a corrupt record."""
    pd = _pandas()
    single = isinstance(kinds, str)
    wanted = list(KINDS) if kinds is None else [kinds] if single else list(kinds)
    tables = _tfcompat._read_tables(os.fspath(logdir), wanted, bool(purge_orphaned_data))
    frames = {}
    for kind, columns in tables.items():
        frame = _frame(pd, kind, columns)
        for column, keep in (("run", run), ("tag", tag)):
            if keep is not None:
                keep = [keep] if isinstance(keep, str) else list(keep)
                frame = frame[frame[column].isin(keep)].reset_index(drop=True)
        frames[kind] = frame
    return frames[wanted[0]] if single else frames
