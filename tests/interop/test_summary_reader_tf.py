# SPDX-License-Identifier: Apache-2.0
"""Real TensorFlow 2.15 and our event files, both ways: our reader reads
what tf.summary writes with equal values, and TF's summary_iterator reads
what we write."""
import numpy as np
import tensorflow as tf

from events_common import expected_events, our_events
from conftest import run


def tf_events(path):
    return expected_events(tf.compat.v1.train.summary_iterator(str(path)), tf.make_ndarray)


def test_we_read_tf_summary_files(tmp_path, bin_dir):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        for step in range(20):
            tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
        tf.summary.histogram("weights", tf.linspace(-1.0, 1.0, 100), step=1)
        tf.summary.image("img", tf.zeros([2, 4, 5, 3]), step=2)
        tf.summary.text("note", "hello **tf**", step=3)
        tf.summary.audio("tone", tf.zeros([1, 800, 1]), 8000, step=4)
    writer.close()
    (path,) = [p for p in tmp_path.iterdir() if "tfevents" in p.name]
    ours = our_events(bin_dir / "event_tool", path)
    assert ours == tf_events(path)
    losses = [v["value"] for e in ours if e["kind"] == "summary" for v in e["values"] if v["tag"] == "loss"]
    assert losses == [float(np.float32(1.0 / (s + 1))) for s in range(20)]


def test_tensorflow_reads_our_files(tmp_path, bin_dir):
    run([bin_dir / "summary_demo", tmp_path])
    (path,) = [p for p in (tmp_path / "train").iterdir() if "tfevents" in p.name]
    events = list(tf.compat.v1.train.summary_iterator(str(path)))
    assert events[0].file_version == "brain.Event:2"
    assert our_events(bin_dir / "event_tool", path) == tf_events(path)
    loss = [(e.step, v.simple_value) for e in events for v in e.summary.value if v.tag == "loss"]
    assert loss == [(s, float(np.float32(1) / np.float32(1 + s))) for s in range(100)]
