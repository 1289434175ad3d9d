# SPDX-License-Identifier: Apache-2.0
"""`event_tool export` against tbparse (tb venv): on logdirs written by TF,
PyTorch and tensorboardX (tests/testdata/tf), by tensorboardX here and by
us, our CSV and JSON hold row for row what tbparse's SummaryReader gives:
scalars (its .scalars, and the rank-0 tensors of its .tensors, where TF 2's
scalars are), histograms (its .histograms, and [k, 3] tensors converted by
its tensor_to_histogram), text and hparams. tbparse gives no hparams
metrics: hparams_metrics is checked against TensorBoard's HParams plugin
itself (the metric values of each session its ListSessionGroups gives)."""
import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from tbparse import SummaryReader
from tensorboard import context
from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
from tensorboard.plugins import base_plugin
from tensorboard.plugins.hparams import api_pb2, backend_context, list_session_groups, plugin_data_pb2
from tensorboardX import SummaryWriter
from tensorboardX.proto.event_pb2 import Event, SessionLog
from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata

from conftest import run

TESTDATA_LOGDIRS = ["tensorboardX-mnist", "tensorboard-reducer", "go-tensorboard", "jupyter-talk", "estimator-basics"]


def export(bin_dir, logdir, kinds, fmt, *flags):
    out = run([bin_dir / "event_tool", "export", logdir, "--kinds", kinds, "--format", fmt, *flags]).stdout
    if fmt == "json":
        return json.loads(out)[kinds]
    frame = pd.read_csv(io.StringIO(out), keep_default_na=False, dtype={"run": str, "group": str, "tag": str})
    return frame.to_dict("records")


def number(x):
    """A number as CSV or JSON gives it (Python's float() reads the words
    NaN, Infinity and -Infinity)."""
    return float(x)


def same_number(a, b):
    a, b = number(a), number(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    # Our float32 values are their shortest text: equal once read as float32.
    return a == b or np.float32(a) == np.float32(b)


def run_name(dir_name):
    return dir_name or "."


def tbparse_reader(logdir, event_types):
    return SummaryReader(str(logdir), extra_columns={"wall_time", "dir_name"}, event_types=event_types)


def tbparse_scalars(logdir):
    reader = tbparse_reader(logdir, {"scalars", "tensors"})
    rows = []
    for frame in (reader.scalars, reader.tensors):
        for r in frame.to_dict("records"):
            if isinstance(r["value"], float):  # Rank-0 tensors: TF 2's scalars.
                rows.append((run_name(r["dir_name"]), r["tag"], r["step"], r["wall_time"], r["value"]))
    return sorted(rows, key=lambda r: r[:4])


def our_scalars(bin_dir, logdir, fmt, *flags):
    rows = export(bin_dir, logdir, "scalars", fmt, *flags)
    return sorted(((r["run"], r["tag"], r["step"], float(r["wall_time"]), r["value"]) for r in rows),
                  key=lambda r: r[:4])


def assert_same_rows(ours, theirs, compare_values):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a[:3] == b[:3], (a, b)
        assert a[3] == pytest.approx(b[3], abs=1e-6), (a, b)
        assert compare_values(a[4:], b[4:]), (a, b)


def assert_scalars_match(bin_dir, logdir, *flags):
    theirs = tbparse_scalars(logdir)
    assert theirs, logdir
    for fmt in ("csv", "json"):
        assert_same_rows(our_scalars(bin_dir, logdir, fmt, *flags), theirs, lambda a, b: same_number(a[0], b[0]))


def tbparse_histograms(logdir):
    reader = tbparse_reader(logdir, {"histograms", "tensors"})
    rows = []
    for r in reader.histograms.to_dict("records"):
        rows.append((run_name(r["dir_name"]), r["tag"], r["step"], r["wall_time"], list(r["limits"]),
                     list(r["counts"])))
    for r in reader.tensors.to_dict("records"):
        value = r["value"]
        if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[1] == 3 and len(value) > 0:
            h = SummaryReader.tensor_to_histogram(value)
            rows.append((run_name(r["dir_name"]), r["tag"], r["step"], r["wall_time"], list(h["limits"]),
                         list(h["counts"])))
    return sorted(rows, key=lambda r: r[:4])


def our_histograms(bin_dir, logdir, fmt):
    rows = []
    for r in export(bin_dir, logdir, "histograms", fmt):
        limits, counts = (json.loads(r[c]) if fmt == "csv" else r[c] for c in ("limits", "counts"))
        rows.append((r["run"], r["tag"], r["step"], float(r["wall_time"]), limits, counts))
    return sorted(rows, key=lambda r: r[:4])


def same_lists(a, b):
    return all(len(x) == len(y) and all(same_number(p, q) for p, q in zip(x, y)) for x, y in zip(a, b))


def assert_histograms_match(bin_dir, logdir):
    theirs = tbparse_histograms(logdir)
    assert theirs, logdir
    for fmt in ("csv", "json"):
        assert_same_rows(our_histograms(bin_dir, logdir, fmt), theirs, same_lists)


def assert_text_matches(bin_dir, logdir):
    theirs = sorted((run_name(r["dir_name"]), r["tag"], r["step"], r["wall_time"], r["value"])
                    for r in tbparse_reader(logdir, {"text"}).text.to_dict("records"))
    assert theirs, logdir
    for fmt in ("csv", "json"):
        ours = sorted((r["run"], r["tag"], r["step"], float(r["wall_time"]), r["value"])
                      for r in export(bin_dir, logdir, "text", fmt))
        assert_same_rows(ours, theirs, lambda a, b: a == b)


def hparam_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def assert_hparams_match(bin_dir, logdir):
    theirs = sorted((run_name(r["dir_name"]), r["tag"], hparam_text(r["value"]))
                    for r in tbparse_reader(logdir, {"hparams"}).hparams.to_dict("records"))
    assert theirs, logdir
    for fmt in ("csv", "json"):
        ours = sorted((r["run"], r["tag"], r["value"]) for r in export(bin_dir, logdir, "hparams", fmt))
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert a[:2] == b[:2]
            # A bool is true/false in the CSV and a JSON boolean in the JSON.
            assert same_number(a[2], b[2]) if isinstance(b[2], float) else str(hparam_text(a[2])) == b[2], (a, b)


@pytest.mark.parametrize("name", TESTDATA_LOGDIRS)
def test_testdata_scalars_match_tbparse(testdata, bin_dir, name):
    assert_scalars_match(bin_dir, testdata / "tf" / name)


def test_testdata_histograms_match_tbparse(testdata, bin_dir):
    assert_histograms_match(bin_dir, testdata / "tf" / "jupyter-talk")  # TF 1's histograms


def test_tensorboardx_logdir_matches_tbparse(bin_dir, tensorboardx_logdir):
    assert_scalars_match(bin_dir, tensorboardx_logdir)
    assert_histograms_match(bin_dir, tensorboardx_logdir)
    assert_text_matches(bin_dir, tensorboardx_logdir)
    assert_hparams_match(bin_dir, tensorboardx_logdir)


def test_our_logdir_matches_tbparse(tmp_path, bin_dir):
    # summary_demo writes scalars (simple_value and TF 2 tensors),
    # histograms of both forms, text and hparams (and a text table, which
    # tbparse cannot read: text is checked on the tensorboardX logdir).
    run([bin_dir / "summary_demo", tmp_path])
    assert_scalars_match(bin_dir, tmp_path)
    assert_histograms_match(bin_dir, tmp_path)
    assert_hparams_match(bin_dir, tmp_path)


def write_restarted_run(run_dir, attempts):
    """tensorboardX files in `run_dir`: each attempt (a list of (start step,
    last step)) one file that begins with a SessionLog START at its first
    step and writes "loss" = 100 * attempt + step; a second pair in one
    attempt is a START inside that file."""
    for attempt, spans in enumerate(attempts):
        with SummaryWriter(str(run_dir), filename_suffix=f".{attempt}") as w:
            for first, last in spans:
                w.file_writer.add_event(Event(step=first, session_log=SessionLog(status=SessionLog.START)))
                for step in range(first, last + 1):
                    w.add_scalar("loss", 100.0 * attempt + step, step)


def test_restart_within_a_file_is_purged_as_tbparse_purges_it(tmp_path, bin_dir):
    write_restarted_run(tmp_path / "run", [[(0, 9), (5, 7)]])
    assert_scalars_match(bin_dir, tmp_path)
    steps = [r[2] for r in our_scalars(bin_dir, tmp_path, "csv")]
    assert steps == [0, 1, 2, 3, 4, 5, 6, 7]


def test_restart_in_a_new_file_is_purged_where_tbparse_does_not(tmp_path, bin_dir):
    # tbparse reads each file with its own accumulator: a restart that began
    # a new file purges nothing there. TensorBoard, reading the run, drops
    # the first file's steps 5..9, as export does by default.
    write_restarted_run(tmp_path / "run", [[(0, 9)], [(5, 7)]])
    assert_scalars_match(bin_dir, tmp_path, "--purge_orphaned_data=false")
    ours = our_scalars(bin_dir, tmp_path, "csv")
    assert [(r[2], r[4]) for r in ours] == [(s, float(s)) for s in range(5)] + [(s, 100.0 + s) for s in range(5, 8)]


def tensorboard_session_metrics(logdir):
    """(session, group, tag, step, wall_time, value) of every metric value
    of every session, as TensorBoard's HParams plugin lists its session
    groups (Python loader, restarts purged)."""
    multiplexer = plugin_event_multiplexer.EventMultiplexer(purge_orphaned_data=True)
    multiplexer.AddRunsFromDirectory(str(logdir))
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, str(logdir))
    tb_context = base_plugin.TBContext(data_provider=provider, multiplexer=multiplexer, logdir=str(logdir))
    request = api_pb2.ListSessionGroupsRequest(
        allowed_statuses=[api_pb2.STATUS_UNKNOWN, api_pb2.STATUS_SUCCESS, api_pb2.STATUS_FAILURE,
                          api_pb2.STATUS_RUNNING],
        start_index=0, slice_size=1 << 30)
    response = list_session_groups.Handler(context.RequestContext(), backend_context.Context(tb_context), "",
                                           request).run()
    return sorted((session.name, m.name.group, m.name.tag, m.training_step, m.wall_time_secs, m.value)
                  for group in response.session_groups for session in group.sessions
                  for m in session.metric_values)


def assert_metrics_match(bin_dir, logdir):
    theirs = tensorboard_session_metrics(logdir)
    assert theirs, logdir
    for fmt in ("csv", "json"):
        ours = sorted((r["run"], r["group"], r["tag"], r["step"], float(r["wall_time"]), r["value"])
                      for r in export(bin_dir, logdir, "hparams_metrics", fmt))
        assert_same_rows([(a[0], a[1] + "|" + a[2], a[3], a[4], a[5]) for a in ours],
                         [(b[0], b[1] + "|" + b[2], b[3], b[4], b[5]) for b in theirs],
                         lambda a, b: same_number(a[0], b[0]))


def add_hparams_data(writer, tag, **data):
    """An HParamsPluginData (`experiment=` or `session_start_info=`) as the
    hparams plugin's summary value `tag`, as its summary.py writes it."""
    content = plugin_data_pb2.HParamsPluginData(version=0, **data).SerializeToString()
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="hparams", content=content))
    writer.file_writer.add_summary(Summary(value=[Summary.Value(tag=tag, metadata=metadata)]), 0)


def add_experiment(writer, metrics):
    """An experiment naming `metrics`, (group, tag) pairs."""
    add_hparams_data(writer, "_hparams_/experiment", experiment=api_pb2.Experiment(metric_infos=[
        api_pb2.MetricInfo(name=api_pb2.MetricName(group=group, tag=tag)) for group, tag in metrics]))


def add_session_start(writer, hparams):
    start = plugin_data_pb2.SessionStartInfo()
    for name, value in hparams.items():
        if isinstance(value, bool):
            start.hparams[name].bool_value = value
        elif isinstance(value, str):
            start.hparams[name].string_value = value
        else:
            start.hparams[name].number_value = value
    add_hparams_data(writer, "_hparams_/session_start_info", session_start_info=start)


def test_tensorboardx_hparams_metrics_match_tensorboard(bin_dir, tensorboardx_logdir):
    # add_hparams: an experiment naming the metrics, in a session run of
    # its own that also holds them.
    assert_metrics_match(bin_dir, tensorboardx_logdir)


def test_our_hparams_metrics_match_tensorboard(tmp_path, bin_dir):
    # An experiment in train/, sessions session_a/ and session_b/.
    run([bin_dir / "summary_demo", tmp_path])
    assert_metrics_match(bin_dir, tmp_path)


def test_hparams_metrics_without_experiment_match_tensorboard(tmp_path, bin_dir):
    # Without an experiment TensorBoard takes every scalar tag of the
    # sessions and of the runs under them, grouped by that run's path below
    # its session. s1/eval's steps go back: the last value read counts, not
    # the last step; s2 restarts at step 3, and its loss at steps 3..5 is
    # purged.
    for session, lr in (("s1", 0.1), ("s2", 0.01)):
        with SummaryWriter(str(tmp_path / session)) as w:
            w.file_writer.add_event(Event(step=0, session_log=SessionLog(status=SessionLog.START)))
            add_session_start(w, {"lr": lr, "opt": "adam", "deep": True})
            for step in range(6):
                w.add_scalar("loss", lr * step, step)
        with SummaryWriter(str(tmp_path / session / "eval")) as w:
            for step in (0, 1, 2, 3, 4, 5, 2):
                w.add_scalar("acc", 0.5 + lr * step, step)
            w.add_scalar("eval/only", 7.0, 9)
    with SummaryWriter(str(tmp_path / "s2"), filename_suffix=".restart") as w:
        w.file_writer.add_event(Event(step=3, session_log=SessionLog(status=SessionLog.START)))
    with SummaryWriter(str(tmp_path / "s2" / "eval" / "deeper")) as w:
        w.add_scalar("acc", 1.0, 1)
    with SummaryWriter(str(tmp_path / "unrelated")) as w:
        w.add_scalar("loss", 9.0, 1)
    assert_metrics_match(bin_dir, tmp_path)
    rows = export(bin_dir, tmp_path, "hparams_metrics", "json")
    assert {(r["run"], r["group"], r["tag"]) for r in rows} == {
        (s, g, t) for s in ("s1", "s2") for g, t in (("", "loss"), ("eval", "acc"), ("eval", "eval/only"))
    } | {("s2", "eval/deeper", "acc")}
    assert next(r for r in rows if r["run"] == "s1" and r["tag"] == "acc")["step"] == 2
    assert next(r for r in rows if r["run"] == "s2" and r["tag"] == "loss")["step"] == 2


def test_hparams_metrics_of_an_experiment_with_groups_match_tensorboard(tmp_path, bin_dir):
    # The experiment in the parent run names eval/acc and loss; a session
    # without an eval run has only loss; "missing" is in no run.
    with SummaryWriter(str(tmp_path)) as w:
        add_experiment(w, [("eval", "acc"), ("", "loss"), ("", "missing")])
        w.add_scalar("loss", 5.0, 0)
    for session, lr in (("runs/a", 0.1), ("runs/b", 0.2)):
        with SummaryWriter(str(tmp_path / session)) as w:
            add_session_start(w, {"lr": lr})
            w.add_scalar("loss", lr, 10)
        if session == "runs/a":
            with SummaryWriter(str(tmp_path / session / "eval")) as w:
                w.add_scalar("acc", 0.75, 10)
    assert_metrics_match(bin_dir, tmp_path)
    rows = export(bin_dir, tmp_path, "hparams_metrics", "csv")
    assert [(r["run"], r["group"], r["tag"]) for r in rows] == [
        ("runs/a", "eval", "acc"), ("runs/a", "", "loss"), ("runs/b", "", "loss")]


def write_root_session(logdir, metrics):
    """A session at the logdir itself with scalar "loss", its eval/ run
    with "acc", and an experiment naming `metrics` if any."""
    with SummaryWriter(str(logdir)) as w:
        if metrics:
            add_experiment(w, metrics)
        add_session_start(w, {"lr": 0.1})
        w.add_scalar("loss", 0.5, 1)
    with SummaryWriter(str(logdir / "eval")) as w:
        w.add_scalar("acc", 0.75, 1)


def test_a_session_at_the_logdir_root_has_only_its_own_metrics_as_in_tensorboard(tmp_path, bin_dir):
    # TensorBoard joins "." and "eval" into "./eval", which is no run.
    write_root_session(tmp_path / "experiment", [("eval", "acc"), ("", "loss")])
    assert_metrics_match(bin_dir, tmp_path / "experiment")
    rows = export(bin_dir, tmp_path / "experiment", "hparams_metrics", "json")
    assert [(r["run"], r["tag"]) for r in rows] == [(".", "loss")]
    # Without an experiment the root's own tags are in group ".", and
    # "./." is no run either: no metric value at all.
    write_root_session(tmp_path / "computed", [])
    assert tensorboard_session_metrics(tmp_path / "computed") == []
    assert export(bin_dir, tmp_path / "computed", "hparams_metrics", "json") == []
