# SPDX-License-Identifier: Apache-2.0
"""Our event reader against TensorBoard's own (tb venv): files written by
tensorboardX here, by TF/PyTorch/tensorboardX in tests/testdata, and by us
must read event for event the same."""
import struct

import numpy as np
import pytest
from tensorboard.backend.event_processing import event_accumulator, event_file_loader
from tensorboard.util import tensor_util
from tensorboardX import SummaryWriter

from events_common import expected_events, our_events
from conftest import run


def tensorboards_events(path):
    return expected_events(event_file_loader.LegacyEventFileLoader(str(path)).Load(), tensor_util.make_ndarray)


def event_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file() and "tfevents" in p.name)


def test_testdata_event_files_read_like_tensorboard(testdata, bin_dir):
    files = event_files(testdata / "tf")
    assert len(files) == 18  # those tests/testdata/tf/*/README.md list
    for path in files:
        assert our_events(bin_dir / "event_tool", path) == tensorboards_events(path), path


def test_tensorboardx_files_read_like_tensorboard(tmp_path, bin_dir):
    with SummaryWriter(str(tmp_path)) as w:
        for step in range(50):
            w.add_scalar("loss", 1.0 / (step + 1), step)
            w.add_scalar("train/acc", step / 50.0, step)
        w.add_histogram("weights", np.linspace(-1, 1, 1000), 3)
        w.add_text("note", "hello", 4)
        w.add_image("img", np.zeros((3, 4, 5), dtype=np.float32), 5)
    (path,) = event_files(tmp_path)
    ours = our_events(bin_dir / "event_tool", path)
    assert ours == tensorboards_events(path)
    scalars = [(e["step"], v["tag"], v["value"]) for e in ours if e["kind"] == "summary" for v in e["values"]
               if "value" in v]
    assert scalars[:2] == [(0, "loss", 1.0), (0, "train/acc", 0.0)]
    assert len(scalars) == 100


def test_our_demo_files_read_like_tensorboard(tmp_path, bin_dir):
    run([bin_dir / "summary_demo", tmp_path])
    files = event_files(tmp_path)
    assert len(files) == 3
    for path in files:
        assert our_events(bin_dir / "event_tool", path) == tensorboards_events(path), path


def test_scalars_csv_matches_tensorboardx(tmp_path, bin_dir):
    with SummaryWriter(str(tmp_path / "run")) as w:
        for step in range(10):
            w.add_scalar("x", step * 0.25, step)
    out = run([bin_dir / "event_tool", "scalars", tmp_path, "--tag", "x"]).stdout.splitlines()
    assert out[0] == "run,tag,step,wall_time,value"
    rows = [line.split(",") for line in out[1:]]
    assert [(r[0], r[1], int(r[2]), float(r[4])) for r in rows] == [("run", "x", s, s * 0.25) for s in range(10)]


def record_offsets(data):
    """Start offsets of the TFRecords in `data` (length, its CRC, payload,
    payload CRC), and the end of the last."""
    offsets, pos = [], 0
    while pos + 12 <= len(data):
        (length,) = struct.unpack("<Q", data[pos:pos + 8])
        offsets.append(pos)
        pos += 12 + length + 4
    assert pos == len(data)
    return offsets


def test_truncated_last_record_reads_like_tensorboard(tmp_path, bin_dir):
    """A file cut in the middle of its last record (a writer killed
    mid-write): TensorBoard's loader and ours both read every complete event
    and drop only the cut one."""
    run([bin_dir / "summary_demo", tmp_path])
    path = max(event_files(tmp_path / "train"), key=lambda p: p.stat().st_size)
    data = path.read_bytes()
    offsets = record_offsets(data)
    complete = tensorboards_events(path)
    assert len(complete) == len(offsets) > 100
    last = offsets[-1]
    cut_points = sorted({last + 1, last + 8, last + 12, (last + len(data)) // 2, len(data) - 1})
    for cut in cut_points:
        path.write_bytes(data[:cut])
        theirs = tensorboards_events(path)
        assert theirs == complete[:-1], cut
        result = run([bin_dir / "event_tool", "dump", "--json", path])
        assert "partial record" in result.stderr, cut
        assert our_events(bin_dir / "event_tool", path) == theirs, cut
    # TensorBoard's EventAccumulator (what the Scalars dashboard uses) over
    # the cut file: every loss point of the complete records.
    path.write_bytes(data[:(last + len(data)) // 2])
    accumulator = event_accumulator.EventAccumulator(str(path))
    accumulator.Reload()
    loss_steps = [e.step for e in accumulator.Scalars("loss")]
    expected_steps = [e["step"] for e in complete[:-1] if e["kind"] == "summary"
                      for v in e["values"] if v["tag"] == "loss"]
    assert len(loss_steps) >= 99
    assert loss_steps == expected_steps
