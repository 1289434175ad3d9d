# SPDX-License-Identifier: Apache-2.0
"""tfcompat.SummaryWriter: what each method writes, read back from the event
files in pure Python (event_files.py), with tensorboardX's defaults and file
layout. TensorBoard reading them: tests/interop/test_python_summary.py."""
import os

import numpy as np
import pytest

import tfcompat
from event_files import event_file, events


def summary_events(logdir):
    """The events of LOGDIR's event file after its first (file_version) one."""
    got = events(event_file(logdir))
    assert got[0]["file_version"] == "brain.Event:2"
    return got[1:]


def test_add_scalar_writes_a_simple_value_at_its_step(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_scalar("loss", 0.25, 7)
        writer.add_scalar("loss", np.float32(0.5), global_step=np.int64(8))
    got = summary_events(tmp_path)
    assert [(e["step"], e["values"]) for e in got] == [(7, [{"tag": "loss", "simple_value": 0.25}]),
                                                     (8, [{"tag": "loss", "simple_value": 0.5}])]


def test_add_scalar_without_a_step_writes_step_zero_as_tensorboardx(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_scalar("loss", 3.0)
    (event,) = summary_events(tmp_path)
    assert event["step"] == 0
    assert event["values"][0]["simple_value"] == 3.0


def test_events_carry_the_time_they_were_added(tmp_path):
    import time
    before = time.time()
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_scalar("loss", 1.0, 1)
    after = time.time()
    (event,) = summary_events(tmp_path)
    assert before <= event["wall_time"] <= after


def test_an_explicit_walltime_is_refused_not_dropped(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        with pytest.raises(tfcompat.UnimplementedError, match="walltime"):
            writer.add_scalar("loss", 1.0, 1, walltime=1700000000.0)
        with pytest.raises(tfcompat.UnimplementedError, match="walltime"):
            writer.add_text("note", "x", 1, walltime=1700000000.0)
        with pytest.raises(tfcompat.UnimplementedError, match="walltime"):
            writer.add_histogram("w", [1.0], 1, walltime=1700000000.0)
    assert summary_events(tmp_path) == []


def test_a_value_that_is_not_a_number_is_a_type_error(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        with pytest.raises(TypeError):
            writer.add_scalar("loss", "high", 1)


def test_add_scalars_writes_each_tag_to_its_own_run_as_tensorboardx(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        for step in range(3):
            writer.add_scalars("loss/all", {"train": 1.0 + step, "eval": 2.0 + step}, step)
    assert sorted(p.name for p in (tmp_path / "loss" / "all").iterdir()) == ["eval", "train"]
    assert summary_events(tmp_path) == []
    for run, offset in [("loss/all/train", 1.0), ("loss/all/eval", 2.0)]:
        got = summary_events(tmp_path / run)
        assert [(e["step"], e["values"]) for e in got] == [
            (step, [{"tag": "loss/all", "simple_value": offset + step}]) for step in range(3)]


def test_add_text_writes_a_text_plugin_string_tagged_as_tensorboardx(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_text("notes", "**bold** café", 4)
    (event,) = summary_events(tmp_path)
    (value,) = event["values"]
    assert event["step"] == 4
    assert value["tag"] == "notes/text_summary"
    assert value["plugin_name"] == "text"
    assert value["string_val"] == ["**bold** café".encode()]


def test_add_histogram_tensorflow_bins_keeps_exact_statistics(tmp_path):
    values = np.array([[-1.5, 0.0], [2.0, 2.25]])
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_histogram("weights", values, 3)
    (event,) = summary_events(tmp_path)
    histo = event["values"][0]["histo"]
    assert event["step"] == 3
    assert (histo["min"], histo["max"], histo["num"]) == (-1.5, 2.25, 4.0)
    assert histo["sum"] == pytest.approx(2.75)
    assert histo["sum_squares"] == pytest.approx(1.5**2 + 2.0**2 + 2.25**2)
    assert sum(histo["bucket"]) == 4.0
    assert histo["bucket_limit"] == sorted(histo["bucket_limit"])
    # Every value lies in its bucket: previous limit <= v < limit, as TF's.
    for v in values.reshape(-1):
        i = next(i for i, limit in enumerate(histo["bucket_limit"]) if v < limit)
        assert histo["bucket"][i] > 0


def test_add_histogram_numpy_bins_drop_empty_end_buckets_as_tensorboardx(tmp_path):
    values = np.array([3.0, 3.5, 9.0])
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_histogram("h", values, 1, bins=np.arange(0.0, 12.0, 1.0))
    histo = summary_events(tmp_path)[0]["values"][0]["histo"]
    counts, limits = np.histogram(values, bins=np.arange(0.0, 12.0, 1.0))
    first, last = 3, 9  # the first and last non-empty buckets
    assert histo["bucket"] == counts[first - 1:last + 1].tolist()
    assert histo["bucket_limit"] == limits[first:last + 2].tolist()
    assert histo["bucket"][0] == 0 and histo["bucket"][-1] == 1


def test_add_histogram_refuses_empty_and_nonfinite_values(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        with pytest.raises(ValueError, match="no element"):
            writer.add_histogram("h", [], 1)
        with pytest.raises(ValueError, match="NaN or Inf"):
            writer.add_histogram("h", [1.0, np.inf], 1, bins=10)
        with pytest.raises(tfcompat.InvalidArgumentError):
            writer.add_histogram("h", [1.0, np.nan], 1)


def test_purge_step_starts_the_run_again_at_that_step(tmp_path):
    with tfcompat.SummaryWriter(tmp_path, purge_step=5) as writer:
        writer.add_scalar("loss", 1.0, 5)
    got = summary_events(tmp_path)
    assert got[0]["step"] == 5
    assert got[0]["session_log_status"] == 1  # SessionLog.START
    assert got[1]["values"][0]["tag"] == "loss"


def test_filename_suffix_ends_the_file_name(tmp_path):
    with tfcompat.SummaryWriter(tmp_path, filename_suffix=".v2") as writer:
        assert writer.get_logdir() == str(tmp_path)
    assert event_file(tmp_path).name.endswith(".v2")


def test_flush_writes_queued_events_before_close(tmp_path):
    writer = tfcompat.SummaryWriter(tmp_path, max_queue=1000, flush_secs=3600)
    writer.add_scalar("loss", 1.0, 1)
    writer.add_scalars("m", {"a": 1.0}, 1)
    writer.flush()
    assert len(summary_events(tmp_path)) == 1
    assert len(summary_events(tmp_path / "m" / "a")) == 1
    writer.close()
    writer.close()


def test_a_closed_writer_refuses_events(tmp_path):
    writer = tfcompat.SummaryWriter(tmp_path)
    writer.close()
    with pytest.raises(tfcompat.FailedPreconditionError, match="closed"):
        writer.add_scalar("loss", 1.0, 1)


def test_bad_options_are_invalid_arguments(tmp_path):
    with pytest.raises(tfcompat.InvalidArgumentError, match="max_queue"):
        tfcompat.SummaryWriter(tmp_path, max_queue=0)
    with pytest.raises(tfcompat.InvalidArgumentError, match="flush_secs"):
        tfcompat.SummaryWriter(tmp_path, flush_secs=0)


def test_a_logdir_that_cannot_be_made_is_an_error_naming_it(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(tfcompat.OpError, match=os.fspath(blocker)):
        tfcompat.SummaryWriter(blocker / "run")
