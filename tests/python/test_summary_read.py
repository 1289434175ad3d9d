# SPDX-License-Identifier: Apache-2.0
"""tfcompat.summary.read and tfcompat.summary.events: logs written by
tfcompat.SummaryWriter and by TensorFlow (tests/testdata/tf) read back, and
checked against what the files hold, decoded in pure Python
(event_files.py). tbparse giving the same tables:
tests/interop/test_python_read.py."""
import math
import sys

import numpy as np
import pytest

import tfcompat
from conftest import flip_byte
from event_files import event_file, events, records


def write_losses(logdir, steps, offset=0.0, **options):
    with tfcompat.SummaryWriter(logdir, **options) as writer:
        for step in steps:
            writer.add_scalar("loss", offset + 1.0 / (step + 1), step, walltime=1000.0 + step)
    return event_file(logdir)


def test_scalars_are_read_back_as_written_in_tbparses_dtypes(tmp_path):
    write_losses(tmp_path, range(10))
    frame = tfcompat.summary.read(tmp_path, "scalars")
    assert list(frame.columns) == ["run", "tag", "step", "wall_time", "value"]
    assert [str(t) for t in frame.dtypes] == ["object", "object", "int64", "float64", "float64"]
    assert frame["run"].tolist() == ["."] * 10
    assert frame["tag"].tolist() == ["loss"] * 10
    assert frame["step"].tolist() == list(range(10))
    assert frame["wall_time"].tolist() == [1000.0 + s for s in range(10)]
    # Written as float32 simple_values: read back as those, exactly.
    assert frame["value"].tolist() == [float(np.float32(1.0 / (s + 1))) for s in range(10)]


def test_runs_are_the_directories_with_event_files_named_relative_to_the_logdir(tmp_path):
    write_losses(tmp_path / "b" / "eval", [1])
    write_losses(tmp_path / "a", [2, 3])
    with tfcompat.SummaryWriter(tmp_path / "a", filename_suffix=".acc") as writer:
        writer.add_scalar("acc", 0.5, 3)
    frame = tfcompat.summary.read(tmp_path, "scalars")
    assert list(zip(frame["run"], frame["tag"], frame["step"])) == [("a", "acc", 3), ("a", "loss", 2),
                                                                     ("a", "loss", 3), ("b/eval", "loss", 1)]
    only = tfcompat.summary.read(tmp_path, "scalars", run="a", tag="loss")
    assert list(zip(only["run"], only["tag"], only["step"])) == [("a", "loss", 2), ("a", "loss", 3)]
    assert only.index.tolist() == [0, 1]
    several = tfcompat.summary.read(tmp_path, "scalars", run=["a", "b/eval"], tag=["acc"])
    assert several["step"].tolist() == [3]


def test_a_kind_name_gives_a_frame_and_a_list_or_none_a_dict(tmp_path):
    write_losses(tmp_path, [1])
    assert set(tfcompat.summary.read(tmp_path)) == set(tfcompat.summary.KINDS)
    frames = tfcompat.summary.read(tmp_path, ["text", "scalars"])
    assert sorted(frames) == ["scalars", "text"]
    assert len(frames["scalars"]) == 1 and len(frames["text"]) == 0
    assert list(frames["text"].columns) == ["run", "tag", "step", "wall_time", "value"]
    with pytest.raises(tfcompat.InvalidArgumentError, match="images"):
        tfcompat.summary.read(tmp_path, "images")


def test_histograms_are_the_files_buckets_one_array_per_row(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        for step in range(3):
            writer.add_histogram("weights", np.linspace(-1, 1, 50) * (step + 1), step)
    written = [e["values"][0]["histo"] for e in events(event_file(tmp_path)) if "values" in e]
    frame = tfcompat.summary.read(tmp_path, "histograms")
    assert list(frame.columns) == ["run", "tag", "step", "wall_time", "min", "max", "num", "sum", "sum_squares",
                                   "limits", "counts"]
    assert frame["step"].tolist() == [0, 1, 2]
    for (_, row), histo in zip(frame.iterrows(), written):
        assert [row[c] for c in ("min", "max", "num", "sum", "sum_squares")] == [
            histo[c] for c in ("min", "max", "num", "sum", "sum_squares")]
        assert isinstance(row["limits"], np.ndarray) and row["limits"].dtype == np.float64
        assert row["limits"].tolist() == histo["bucket_limit"]
        assert row["counts"].tolist() == histo["bucket"]


def test_text_tags_lose_tensorboardx_suffix_as_in_tbparse(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_text("notes", "a, \"quoted\"\nline", 4)
        writer.add_text("notes", "ünïcode", 5)
    frame = tfcompat.summary.read(tmp_path, "text")
    assert list(zip(frame["tag"], frame["step"], frame["value"])) == [("notes", 4, "a, \"quoted\"\nline"),
                                                                       ("notes", 5, "ünïcode")]


def test_hparams_and_their_metrics(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_hparams({"lr": 0.1, "optimizer": "adam", "batch_norm": True}, {"accuracy": 0.75},
                           run_name="trial")
    frames = tfcompat.summary.read(tmp_path, ["hparams", "hparams_metrics"])
    hparams = frames["hparams"]
    assert list(hparams.columns) == ["run", "tag", "value"]
    assert list(zip(hparams["run"], hparams["tag"], hparams["value"])) == [("trial", "batch_norm", True),
                                                                           ("trial", "lr", 0.1),
                                                                           ("trial", "optimizer", "adam")]
    metrics = frames["hparams_metrics"]
    assert list(metrics.columns) == ["run", "group", "tag", "step", "wall_time", "value"]
    assert list(zip(metrics["run"], metrics["group"], metrics["tag"], metrics["value"])) == [
        ("trial", "", "accuracy", 0.75)]


def test_a_restart_purges_the_orphaned_steps_as_tensorboard(tmp_path):
    # The second file restarts at step 5: steps 5..9 of the first are gone.
    # (TensorBoard takes a run's first SessionLog START for its start, not
    # a restart: the first file has one at step 0.)
    # The files are renamed into reading order (the writer's counter in
    # the name is not zero-padded: ".10" would sort before ".9").
    run = tmp_path / "run"
    run.mkdir()
    for attempt, (steps, offset, purge_step) in enumerate([(range(10), 0.0, 0), (range(5, 8), 100.0, 5)]):
        path = write_losses(tmp_path / str(attempt), steps, offset=offset, purge_step=purge_step)
        path.rename(run / f"events.out.tfevents.1700000000.host.{attempt}")
    frame = tfcompat.summary.read(tmp_path, "scalars")
    assert frame["step"].tolist() == list(range(8))
    assert frame["value"].tolist() == [float(np.float32((100.0 if s >= 5 else 0.0) + 1.0 / (s + 1)))
                                       for s in range(8)]
    every = tfcompat.summary.read(tmp_path, "scalars", purge_orphaned_data=False)
    assert every["step"].tolist() == sorted(list(range(10)) + list(range(5, 8)))


def test_events_of_one_file_in_file_order(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_scalar("loss", 0.25, 7, walltime=1234.5)
        writer.add_text("notes", "hello", 8)
        writer.add_histogram("weights", [1.0, 2.0], 9)
    got = list(tfcompat.summary.events(event_file(tmp_path)))
    assert got[0].kind == "file_version" and got[0].values == ()
    assert got[1] == tfcompat.summary.Event(1234.5, 7, "summary", (tfcompat.summary.Value("loss", "scalar", 0.25),))
    assert (got[2].step, got[2].values) == (8, (tfcompat.summary.Value("notes/text_summary", "text", "hello"),))
    assert (got[3].step, got[3].values) == (9, (tfcompat.summary.Value("weights", "histogram", None),))
    assert len(got) == len(records(event_file(tmp_path)))


def test_a_partial_last_record_ends_the_file_without_error(tmp_path):
    path = write_losses(tmp_path, range(5))
    data = path.read_bytes()
    path.write_bytes(data[:-3])  # A writer still writing the last event.
    assert [e.step for e in tfcompat.summary.events(path)][1:] == [0, 1, 2, 3]
    assert tfcompat.summary.read(tmp_path, "scalars")["step"].tolist() == [0, 1, 2, 3]


def test_a_corrupt_record_is_data_loss_naming_the_file(tmp_path):
    path = write_losses(tmp_path, range(5))
    first = len(records(path)[0]) + 16
    flip_byte(path, first + 12 + 3)  # In the data of the second record.
    where = f"{path}: .* at offset {first}"
    with pytest.raises(tfcompat.DataLossError, match=where):
        list(tfcompat.summary.events(path))
    with pytest.raises(tfcompat.DataLossError, match=where):
        tfcompat.summary.read(tmp_path, "scalars")


def test_a_missing_or_empty_logdir_is_not_found(tmp_path):
    with pytest.raises(tfcompat.NotFoundError, match="missing"):
        tfcompat.summary.read(tmp_path / "missing")
    with pytest.raises(tfcompat.NotFoundError, match="no event files"):
        tfcompat.summary.read(tmp_path)
    with pytest.raises(tfcompat.NotFoundError):
        tfcompat.summary.events(tmp_path / "events.out.tfevents.missing")


def scalars_in_files(logdir):
    """(run, tag, step, wall_time, value) of every simple_value under
    LOGDIR, from the files themselves."""
    rows = []
    for path in sorted(logdir.rglob("*tfevents*")):
        run = path.parent.relative_to(logdir).as_posix()
        for e in events(path):
            for v in e.get("values", []):
                if "simple_value" in v:
                    rows.append((run, v["tag"], e["step"], e["wall_time"], v["simple_value"]))
    return rows


@pytest.mark.parametrize("name", ["tensorboardX-mnist", "jupyter-talk"])
def test_tensorflow_written_scalars_are_those_of_the_files(testdata, name):
    logdir = testdata / "tf" / name
    frame = tfcompat.summary.read(logdir, "scalars", purge_orphaned_data=False)
    ours = sorted(zip(frame["run"], frame["tag"], frame["step"], frame["wall_time"], frame["value"]))
    theirs = sorted(scalars_in_files(logdir))
    assert ours and len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a[:4] == b[:4] and (a[4] == b[4] or math.isnan(a[4]) and math.isnan(b[4])), (a, b)


def test_tensorflow_written_histograms_are_those_of_the_files(testdata):
    logdir = testdata / "tf" / "jupyter-talk"
    frame = tfcompat.summary.read(logdir, "histograms", purge_orphaned_data=False)
    theirs = sorted((path.parent.relative_to(logdir).as_posix(), v["tag"], e["step"], v["histo"]["bucket_limit"])
                    for path in sorted(logdir.rglob("*tfevents*")) for e in events(path)
                    for v in e.get("values", []) if "histo" in v)
    ours = sorted(zip(frame["run"], frame["tag"], frame["step"], (a.tolist() for a in frame["limits"])))
    assert ours and ours == theirs


def test_read_without_pandas_says_what_to_install_and_events_need_none(tmp_path, monkeypatch):
    path = write_losses(tmp_path, [1])
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    with pytest.raises(ImportError, match="install pandas"):
        tfcompat.summary.read(tmp_path)
    assert [e.step for e in tfcompat.summary.events(path)] == [0, 1]


def test_events_of_a_tensorflow_written_file_are_those_of_its_records(testdata):
    path = next((testdata / "tf" / "jupyter-talk" / "model").glob("events.out.tfevents.*"))
    ours = list(tfcompat.summary.events(path))
    theirs = events(path)
    assert len(ours) == len(theirs) > 1
    for a, b in zip(ours, theirs):
        assert (a.wall_time, a.step) == (b["wall_time"], b["step"])
        assert [v.tag for v in a.values] == [v["tag"] for v in b.get("values", [])]
        for v, w in zip(a.values, b.get("values", [])):
            if "simple_value" in w:
                assert v.kind == "scalar" and same_float(v.value, w["simple_value"])


def same_float(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))
