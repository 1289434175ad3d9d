# SPDX-License-Identifier: Apache-2.0
"""TFRecord framing against real TensorFlow: TF reads what we write, we read
what TF writes, for every compression type TF offers."""
import random

import pytest
import tensorflow as tf

from conftest import run

COMPRESSIONS = ["NONE", "ZLIB", "GZIP"]


def sample_records():
    rng = random.Random(20261125)
    records = [b"", b"\x00", b"hello tfrecord", bytes(range(256)) * 4]
    records += [rng.randbytes(rng.randrange(0, 5000)) for _ in range(200)]
    records.append(rng.randbytes(3 << 20))  # Larger than zlib's 256 KiB buffers.
    return records


def tf_compression(name):
    return "" if name == "NONE" else name


@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_tensorflow_reads_what_we_write(tmp_path, test_bin_dir, compression):
    records = sample_records()
    path = tmp_path / "ours.tfrecord"
    stdin = "".join(r.hex() + "\n" for r in records)
    run([test_bin_dir / "tfrecord_cli", "write", path, compression], input=stdin)
    dataset = tf.data.TFRecordDataset(str(path), compression_type=tf_compression(compression))
    got = [t.numpy() for t in dataset]
    assert got == records


@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_we_read_what_tensorflow_writes(tmp_path, test_bin_dir, compression):
    records = sample_records()
    path = tmp_path / "theirs.tfrecord"
    options = tf.io.TFRecordOptions(compression_type=tf_compression(compression))
    with tf.io.TFRecordWriter(str(path), options) as writer:
        for r in records:
            writer.write(r)
    result = run([test_bin_dir / "tfrecord_cli", "read", path, compression])
    got = [bytes.fromhex(line) for line in result.stdout.splitlines()]
    assert got == records


def test_uncompressed_bytes_equal_tensorflows(tmp_path, test_bin_dir):
    records = sample_records()[:50]
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    run([test_bin_dir / "tfrecord_cli", "write", ours, "NONE"], input="".join(r.hex() + "\n" for r in records))
    with tf.io.TFRecordWriter(str(theirs)) as writer:
        for r in records:
            writer.write(r)
    assert ours.read_bytes() == theirs.read_bytes()
