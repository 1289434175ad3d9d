# SPDX-License-Identifier: Apache-2.0
"""tf.train.Example input against real TensorFlow: TF writes TFRecord files of
Examples with mixed features; our ExampleDataset (example_driver) reads them
completely and parses each batch to what tf.io.parse_example returns, feature
for feature; our errors are TF's; and TF reads the Examples SerializeExample
writes."""
import json
import random
import subprocess

import numpy as np
import pytest
import tensorflow as tf

from conftest import run

# key -> (our spec entry, TF's feature spec)
SPEC = {
    "f": ({"type": "fixed", "shape": [2], "dtype": "float32"}, tf.io.FixedLenFeature([2], tf.float32)),
    "emb": ({"type": "fixed", "shape": [2, 3], "dtype": "float32"}, tf.io.FixedLenFeature([2, 3], tf.float32)),
    "i": (
        {"type": "fixed", "shape": [], "dtype": "int64", "default": [-1]},
        tf.io.FixedLenFeature([], tf.int64, default_value=-1),
    ),
    "s": (
        {"type": "fixed", "shape": [1], "dtype": "string", "default": ["none"]},
        tf.io.FixedLenFeature([1], tf.string, default_value=["none"]),
    ),
    "vf": ({"type": "var", "dtype": "float32"}, tf.io.VarLenFeature(tf.float32)),
    "vi": ({"type": "var", "dtype": "int64"}, tf.io.VarLenFeature(tf.int64)),
    "vs": ({"type": "var", "dtype": "string"}, tf.io.VarLenFeature(tf.string)),
}


def feature(values, kind):
    if kind == "float":
        return tf.train.Feature(float_list=tf.train.FloatList(value=values))
    if kind == "int64":
        return tf.train.Feature(int64_list=tf.train.Int64List(value=values))
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=values))


def make_example(rng, record_id):
    """An Example of every SPEC key, the optional ones sometimes missing or empty."""
    features = {
        "id": feature([record_id], "int64"),
        "f": feature([rng.uniform(-1e6, 1e6), rng.choice([0.0, -0.0, 1e-30, 3.5])], "float"),
        "emb": feature([rng.gauss(0, 1) for _ in range(6)], "float"),
        "unused": feature([b"skipped"], "bytes"),
    }
    if rng.random() < 0.7:
        features["i"] = feature([rng.choice([0, -1, 2**62, -(2**63), rng.randrange(-1000, 1000)])], "int64")
    if rng.random() < 0.7:
        features["s"] = feature([rng.randbytes(rng.randrange(0, 40))], "bytes")
    if rng.random() < 0.8:
        features["vf"] = feature([rng.uniform(-5, 5) for _ in range(rng.randrange(0, 6))], "float")
    if rng.random() < 0.8:
        features["vi"] = feature([rng.randrange(-(2**63), 2**63) for _ in range(rng.randrange(0, 4))], "int64")
    if rng.random() < 0.8:
        features["vs"] = feature([rng.randbytes(rng.randrange(0, 20)) for _ in range(rng.randrange(0, 4))], "bytes")
    if rng.random() < 0.1:
        features["vf"] = tf.train.Feature()  # no list set: an empty feature
    return tf.train.Example(features=tf.train.Features(feature=features))


def write_files(tmp_path, compression, counts=(23, 17)):
    rng = random.Random(20261205)
    options = tf.io.TFRecordOptions(compression_type=compression)
    paths, record_id = [], 0
    for n, count in enumerate(counts):
        path = str(tmp_path / f"part-{n}.tfrecord")
        with tf.io.TFRecordWriter(path, options) as writer:
            for _ in range(count):
                writer.write(make_example(rng, record_id).SerializeToString())
                record_id += 1
        paths.append(path)
    return paths


def run_driver(test_bin_dir, spec, paths, check=True, **options):
    opts = {"compression": "", "batch_size": 7, "shuffle_buffer_size": 0, "seed": 0, "num_epochs": 1}
    opts.update(options)
    args = [test_bin_dir / "example_driver", "read", json.dumps(spec), json.dumps(opts), *paths]
    if not check:
        return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)
    return json.loads(run(args).stdout)


def as_numpy(values, dtype):
    if dtype == tf.string:
        return np.array([bytes.fromhex(v) for v in values], dtype=object)
    return np.array(values, dtype=dtype.as_numpy_dtype)


def assert_batch_equal(ours, theirs):
    assert sorted(ours) == sorted(theirs)
    for key, value in theirs.items():
        dtype = value.dtype
        if isinstance(value, tf.SparseTensor):
            assert ours[key]["indices"] == value.indices.numpy().reshape(-1).tolist(), key
            assert ours[key]["dense_shape"] == value.dense_shape.numpy().tolist(), key
            got, want = as_numpy(ours[key]["values"], dtype), value.values.numpy()
        else:
            assert ours[key]["shape"] == value.shape.as_list(), key
            got, want = as_numpy(ours[key]["values"], dtype), value.numpy().reshape(-1)
        if dtype == tf.float32:
            np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32), err_msg=key)
        else:
            assert got.tolist() == want.tolist(), key


@pytest.mark.parametrize("compression", ["", "GZIP"])
def test_batches_equal_tf_parse_example(tmp_path, test_bin_dir, compression):
    paths = write_files(tmp_path, compression)
    spec = {k: ours for k, (ours, _) in SPEC.items()}
    tf_spec = {k: theirs for k, (_, theirs) in SPEC.items()}
    ours = run_driver(test_bin_dir, spec, paths, compression=compression)
    dataset = tf.data.TFRecordDataset(paths, compression_type=compression).batch(7)
    theirs = [tf.io.parse_example(batch, tf_spec) for batch in dataset]
    assert [b["f"]["shape"][0] for b in ours] == [7, 7, 7, 7, 7, 5]
    assert len(ours) == len(theirs)
    for got, want in zip(ours, theirs):
        assert_batch_equal(got, want)


def test_shuffled_epochs_hold_every_record_once(tmp_path, test_bin_dir):
    paths = write_files(tmp_path, "")
    spec = {"id": {"type": "fixed", "shape": [], "dtype": "int64"}}
    batches = run_driver(test_bin_dir, spec, paths, batch_size=16, shuffle_buffer_size=10, seed=5, num_epochs=2)
    ids = [i for b in batches for i in b["id"]["values"]]
    assert len(ids) == 80
    assert sorted(ids[:40]) == list(range(40)) and sorted(ids[40:]) == list(range(40))
    assert ids[:40] != list(range(40)) and ids[:40] != ids[40:]


def tf_error(records, tf_spec):
    with pytest.raises(tf.errors.InvalidArgumentError) as error:
        tf.io.parse_example(records, tf_spec)
    # TF's message, less its op prefix and suffix and the record's name.
    message = error.value.message
    return message[message.index(", ", message.index("Name: ")) + 2 :].split(" [Op:")[0]


@pytest.mark.parametrize(
    "record, key",
    [
        (tf.train.Example(), "f"),  # a required feature missing
        (tf.train.Example(features=tf.train.Features(feature={"f": feature([1, 2], "int64")})), "f"),  # wrong type
        (tf.train.Example(features=tf.train.Features(feature={"f": feature([1.0], "float")})), "f"),  # wrong count
        (tf.train.Example(features=tf.train.Features(feature={"vf": feature([b"x"], "bytes")})), "vf"),  # var type
    ],
)
def test_errors_are_tfs(tmp_path, test_bin_dir, record, key):
    path = str(tmp_path / "bad.tfrecord")
    with tf.io.TFRecordWriter(path) as writer:
        writer.write(record.SerializeToString())
    result = run_driver(test_bin_dir, {key: SPEC[key][0]}, [path], check=False)
    assert result.returncode == 2
    want = tf_error([record.SerializeToString()], {key: SPEC[key][1]})
    assert f"INVALID_ARGUMENT: Name: {path}:record 0, {want}" in result.stderr


def as_json(example):
    """Our writer's input line for `example`, less features without a list."""
    line = {}
    for key, value in example.features.feature.items():
        kind = value.WhichOneof("kind")
        if kind == "float_list":
            line[key] = {"float": [float(v) for v in value.float_list.value]}
        elif kind == "int64_list":
            line[key] = {"int64": list(value.int64_list.value)}
        elif kind == "bytes_list":
            line[key] = {"bytes": [v.hex() for v in value.bytes_list.value]}
    return line


@pytest.mark.parametrize("compression", ["", "GZIP"])
def test_tensorflow_reads_what_we_write(tmp_path, test_bin_dir, compression):
    rng = random.Random(7)
    lines = [as_json(make_example(rng, i)) for i in range(30)]
    path = tmp_path / "ours.tfrecord"
    stdin = "".join(json.dumps(line) + "\n" for line in lines)
    run([test_bin_dir / "example_driver", "write", path, compression or "NONE"], input=stdin)
    records = [r.numpy() for r in tf.data.TFRecordDataset(str(path), compression_type=compression)]
    assert len(records) == len(lines)
    for record, line in zip(records, lines):
        assert as_json(tf.train.Example.FromString(record)) == line
    tf_spec = {k: theirs for k, (_, theirs) in SPEC.items()}
    parsed = tf.io.parse_example(records, tf_spec)
    for i, line in enumerate(lines):
        assert parsed["f"][i].numpy().tolist() == line["f"]["float"]
        assert parsed["i"][i].numpy() == (line["i"]["int64"][0] if "i" in line else -1)
        assert parsed["vs"].values[parsed["vs"].indices[:, 0] == i].numpy().tolist() == [
            bytes.fromhex(v) for v in line.get("vs", {"bytes": []})["bytes"]
        ]
