# SPDX-License-Identifier: Apache-2.0
"""tfcompat.summary.read against tbparse (tb venv): on logdirs written by TF,
PyTorch and tensorboardX (tests/testdata/tf) and by tensorboardX here, our
DataFrames hold row for row what tbparse's SummaryReader(logdir,
extra_columns={'wall_time', 'dir_name'}) gives, in the same dtypes. tbparse's
quirks are handled as in test_export_tbparse.py (whose helpers this uses):
TF 2's scalars and histograms are in its .tensors; its dir_name is our run
("" there is "." here); it reads each file on its own, so a restart that
begins a new file is compared with purge_orphaned_data=False. tbparse has
no hparams metrics: those are compared with TensorBoard's HParams plugin."""
import math

import pandas as pd
import pytest

from test_export_tbparse import (TESTDATA_LOGDIRS, run_name, tbparse_histograms, tbparse_reader, tbparse_scalars,
                                 tensorboard_session_metrics, write_restarted_run)


def same_value(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


def rows(frame, columns):
    return sorted(zip(*(frame[c] for c in columns)), key=lambda r: r[:4])


def assert_scalars_match(tfcompat, logdir, **options):
    ours = rows(tfcompat.summary.read(logdir, "scalars", **options), ["run", "tag", "step", "wall_time", "value"])
    theirs = tbparse_scalars(logdir)
    assert theirs and len(ours) == len(theirs), logdir
    for a, b in zip(ours, theirs):
        assert a[:4] == b[:4] and same_value(a[4], b[4]), (a, b)


def assert_histograms_match(tfcompat, logdir):
    frame = tfcompat.summary.read(logdir, "histograms")
    ours = rows(frame, ["run", "tag", "step", "wall_time", "limits", "counts"])
    theirs = tbparse_histograms(logdir)
    assert theirs and len(ours) == len(theirs), logdir
    for a, b in zip(ours, theirs):
        assert a[:4] == b[:4], (a, b)
        assert a[4].tolist() == b[4] and a[5].tolist() == b[5], (a, b)


@pytest.mark.parametrize("name", TESTDATA_LOGDIRS)
def test_testdata_scalars_match_tbparse(tfcompat, testdata, name):
    assert_scalars_match(tfcompat, testdata / "tf" / name)


def test_testdata_histograms_match_tbparse(tfcompat, testdata):
    assert_histograms_match(tfcompat, testdata / "tf" / "jupyter-talk")  # TF 1's histograms


def tbparse_frame(logdir, kind, columns):
    """tbparse's table of KIND with dir_name as our run, in our column order
    and row order."""
    theirs = getattr(tbparse_reader(logdir, {kind}), kind)
    theirs = theirs.assign(run=theirs["dir_name"].map(run_name))[columns]
    keys = [c for c in ("run", "tag", "step") if c in columns]
    return theirs.sort_values(keys, kind="stable").reset_index(drop=True)


def test_tensorboardx_scalars_and_text_are_tbparses_frames(tfcompat, tensorboardx_logdir):
    # Whole frames: values, column dtypes and row order (by run, tag, step).
    for kind in ("scalars", "text"):
        ours = tfcompat.summary.read(tensorboardx_logdir, kind)
        pd.testing.assert_frame_equal(ours, tbparse_frame(tensorboardx_logdir, kind, list(ours.columns)))


def test_tensorboardx_histograms_match_tbparse(tfcompat, tensorboardx_logdir):
    assert_histograms_match(tfcompat, tensorboardx_logdir)
    ours = tfcompat.summary.read(tensorboardx_logdir, "histograms")
    theirs = tbparse_frame(tensorboardx_logdir, "histograms", ["run", "tag", "step", "wall_time", "limits"])
    assert all(a.dtype == b.dtype for a, b in zip(ours["limits"], theirs["limits"]))


def test_tensorboardx_hparams_match_tbparse(tfcompat, tensorboardx_logdir):
    ours = tfcompat.summary.read(tensorboardx_logdir, "hparams")
    theirs = tbparse_frame(tensorboardx_logdir, "hparams", ["run", "tag", "value"])
    assert len(ours) == len(theirs) == 4
    for a, b in zip(rows(ours, ["run", "tag", "value"]), rows(theirs, ["run", "tag", "value"])):
        assert a == b and type(a[2]) is type(b[2]), (a, b)


def test_tensorboardx_hparams_metrics_are_tensorboards(tfcompat, tensorboardx_logdir):
    frame = tfcompat.summary.read(tensorboardx_logdir, "hparams_metrics")
    ours = sorted(zip(*(frame[c] for c in ["run", "group", "tag", "step", "wall_time", "value"])))
    theirs = tensorboard_session_metrics(tensorboardx_logdir)
    assert theirs and len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a[:4] == b[:4] and a[4] == pytest.approx(b[4], abs=1e-6) and same_value(a[5], b[5]), (a, b)


def test_restart_within_a_file_is_purged_as_tbparse_purges_it(tfcompat, tmp_path):
    write_restarted_run(tmp_path / "run", [[(0, 9), (5, 7)]])
    assert_scalars_match(tfcompat, tmp_path)
    assert tfcompat.summary.read(tmp_path, "scalars")["step"].tolist() == list(range(8))


def test_restart_in_a_new_file_is_purged_where_tbparse_does_not(tfcompat, tmp_path):
    write_restarted_run(tmp_path / "run", [[(0, 9)], [(5, 7)]])
    assert_scalars_match(tfcompat, tmp_path, purge_orphaned_data=False)
    frame = tfcompat.summary.read(tmp_path, "scalars")
    assert list(zip(frame["step"], frame["value"])) == [(s, float(s)) for s in range(5)] + [
        (s, 100.0 + s) for s in range(5, 8)]
