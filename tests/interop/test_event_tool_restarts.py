# SPDX-License-Identifier: Apache-2.0
"""Restarts in event files, as TensorBoard treats them. Runs written by
TensorFlow 2.15 itself -- tf.compat.v1.summary.FileWriter with SessionLog
START, version-1 files through tf.io.TFRecordWriter, tf.summary -- are read
by `event_tool scalars` (from $TFCOMPAT_BIN) and by TensorBoard's
plugin_event_accumulator.EventAccumulator: the same values, run for run, tag
for tag, step for step, with purge_orphaned_data on (the default of both)
and off; off, they are every value written."""
import json

import pytest
import tensorflow as tf
from tensorboard.backend.event_processing import plugin_event_accumulator
from tensorflow.core.util import event_pb2

from conftest import run


def value(tag, step, attempt):
    """Each tag, step and attempt its own value."""
    return 1000.0 * attempt + step + (0.5 if tag == "accuracy" else 0.0)


def scalars(step, tags, attempt):
    return ("scalars", step, {tag: value(tag, step, attempt) for tag in tags})


def steps(first, last, tags, attempt):
    return [scalars(step, tags, attempt) for step in range(first, last + 1)]


def write_with_file_writer(run_dir, suffix, items):
    """One event file by tf.compat.v1.summary.FileWriter (file_version
    brain.Event:2): ("start", step) is a SessionLog START, ("scalars",
    step, {tag: value}) one Summary."""
    with tf.Graph().as_default():
        writer = tf.compat.v1.summary.FileWriter(str(run_dir), filename_suffix=suffix)
        for item in items:
            if item[0] == "start":
                writer.add_session_log(tf.compat.v1.SessionLog(status=tf.compat.v1.SessionLog.START), item[1])
            else:
                _, step, values = item
                summary = tf.compat.v1.Summary(
                    value=[tf.compat.v1.Summary.Value(tag=tag, simple_value=v) for tag, v in values.items()]
                )
                writer.add_summary(summary, step)
        writer.close()


def write_version_1(path, items):
    """A file_version brain.Event:1 file by tf.io.TFRecordWriter, one event
    per tag and step; ("graph", step) is a graph_def event."""
    with tf.io.TFRecordWriter(str(path)) as writer:
        writer.write(event_pb2.Event(wall_time=1.0, file_version="brain.Event:1").SerializeToString())
        for n, item in enumerate(items):
            wall_time = 2.0 + n
            if item[0] == "graph":
                graph = tf.Graph().as_graph_def().SerializeToString()
                writer.write(event_pb2.Event(wall_time=wall_time, step=item[1], graph_def=graph).SerializeToString())
                continue
            _, step, values = item
            for tag, v in values.items():
                event = event_pb2.Event(wall_time=wall_time, step=step)
                event.summary.value.add(tag=tag, simple_value=v)
                writer.write(event.SerializeToString())


def write_with_tf_summary(run_dir, first, last, attempt):
    """tf.summary (TF 2) scalars: tensors, file_version 2, no SessionLog."""
    writer = tf.summary.create_file_writer(str(run_dir))
    with writer.as_default():
        for step in range(first, last + 1):
            tf.summary.scalar("loss", value("loss", step, attempt), step=step)
    writer.close()


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("restarts")
    both = ["loss", "accuracy"]
    # Crashed after step 99, resumed from step 60's checkpoint; accuracy is
    # written every other step afterwards and "lr" is new.
    write_with_file_writer(root / "restart", ".1", [("start", 0)] + steps(0, 99, both, 0))
    rerun = [scalars(s, ["loss", "lr"] + (["accuracy"] if s % 2 == 0 else []), 1) for s in range(60, 121)]
    write_with_file_writer(root / "restart", ".2", [("start", 60)] + rerun)
    # Two restarts inside one file.
    write_with_file_writer(
        root / "same_file",
        ".1",
        [("start", 0)] + steps(0, 49, both, 0) + [("start", 30)] + steps(30, 59, both, 1) + [("start", 10)]
        + steps(10, 19, both, 2),
    )
    # The run's first START marks no restart: nothing is purged.
    write_with_file_writer(root / "first_start_late", ".1", steps(0, 49, both, 0))
    write_with_file_writer(root / "first_start_late", ".2", [("start", 30)] + steps(30, 59, both, 1))
    # Version 1: step 60 goes back for loss, which is purged; accuracy's
    # own step 60 then follows loss's step 60, so accuracy keeps its old
    # steps 60..99 beside the new ones.
    (root / "version_1").mkdir()
    write_version_1(root / "version_1" / "events.out.tfevents.1", steps(0, 99, both, 0))
    write_version_1(root / "version_1" / "events.out.tfevents.2", steps(60, 80, both, 1))
    # Version 1 with a graph first: the graph (step 0) is the summary event
    # that steps go back from, so step 60 purges nothing.
    (root / "version_1_graph").mkdir()
    write_version_1(root / "version_1_graph" / "events.out.tfevents.1", steps(0, 99, ["loss"], 0))
    write_version_1(root / "version_1_graph" / "events.out.tfevents.2", [("graph", 0)] + steps(60, 80, ["loss"], 1))
    # TF 2 writers write no START: a second writer purges nothing.
    write_with_tf_summary(root / "tf_summary", 0, 49, 0)
    write_with_tf_summary(root / "tf_summary", 30, 59, 1)
    return root


RUNS = ["restart", "same_file", "first_start_late", "version_1", "version_1_graph", "tf_summary"]


def event_tool_scalars(bin_dir, logdir, purge):
    """{run: {tag: [(step, wall_time, value)]}} from `event_tool scalars`."""
    args = [bin_dir / "event_tool", "scalars", logdir, "--format", "json"]
    if not purge:
        args.append("--purge_orphaned_data=false")
    out = {}
    for row in json.loads(run(args).stdout):
        out.setdefault(row["run"], {}).setdefault(row["tag"], []).append((row["step"], row["wall_time"], row["value"]))
    return out


def tensorboard_scalars(run_dir, purge):
    """The same from TensorBoard's accumulator, keeping every value."""
    acc = plugin_event_accumulator.EventAccumulator(
        str(run_dir), size_guidance={"tensors": 0}, purge_orphaned_data=purge
    )
    acc.Reload()
    return {
        tag: [(e.step, e.wall_time, float(tf.make_ndarray(e.tensor_proto))) for e in acc.Tensors(tag)]
        for tag in acc.PluginTagToContent("scalars")
    }


def written_scalars(run_dir):
    """Every scalar in the run's files, in name order, as written."""
    out = {}
    for path in sorted(p for p in run_dir.iterdir() if "tfevents" in p.name):
        for e in tf.compat.v1.train.summary_iterator(str(path)):
            for v in e.summary.value:
                x = v.simple_value if v.HasField("simple_value") else float(tf.make_ndarray(v.tensor))
                out.setdefault(v.tag, []).append((e.step, e.wall_time, x))
    return out


@pytest.mark.parametrize("purge", [True, False], ids=["purged", "raw"])
def test_event_tool_shows_what_tensorboard_shows(bin_dir, logdir, purge):
    ours = event_tool_scalars(bin_dir, logdir, purge)
    assert sorted(ours) == sorted(RUNS)
    for name in RUNS:
        assert ours[name] == tensorboard_scalars(logdir / name, purge), name


def test_without_purging_every_value_written_is_read(bin_dir, logdir):
    ours = event_tool_scalars(bin_dir, logdir, purge=False)
    for name in RUNS:
        assert ours[name] == written_scalars(logdir / name), name


def test_restart_keeps_the_steps_before_the_restart_and_the_rerun(bin_dir, logdir):
    ours = event_tool_scalars(bin_dir, logdir, purge=True)
    loss = ours["restart"]["loss"]
    assert [(step, v) for step, _, v in loss] == [(s, value("loss", s, 0 if s < 60 else 1)) for s in range(121)]
    assert [step for step, _, _ in ours["restart"]["accuracy"]] == list(range(60)) + list(range(60, 121, 2))
    assert [step for step, _, _ in ours["same_file"]["loss"]] == list(range(10)) + list(range(10, 20))
    version_1 = ours["version_1"]
    assert [step for step, _, _ in version_1["loss"]] == list(range(0, 81))
    assert [step for step, _, _ in version_1["accuracy"]] == list(range(100)) + list(range(60, 81))
