# SPDX-License-Identifier: Apache-2.0
"""Checkpoints against real TensorFlow 2.15: TF reads what we write (every
dtype, strings, partitioned tensors, several shards, a model_dir that
tf.compat.v1 Saver restores from), and our reader and ckpt_tool read what
TF writes (TF1 Saver with a partitioned variable and strings, TF2
tf.train.Checkpoint with optimizer slots, the TF-written files in
tests/testdata, a large one read past the page cache)."""
import ctypes
import json
import mmap
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from checkpoint_arrays import BFLOAT16, dense_trained_one_adam_step, every_fixed_width_dtype
from conftest import run


# One array of every dtype a checkpoint stores as plain bytes.
def every_dtype():
    return every_fixed_width_dtype(20261125)


STRINGS = np.array([[b"", b"hello"], [b"\x00\xff binary", "ünïcode".encode()]], dtype=object)


def tensor_spec(name, array):
    dtype = "float32" if name == "empty" else str(array.dtype)
    return {"name": name, "dtype": dtype, "shape": list(array.shape), "hex": array.tobytes().hex()}


def string_spec(name, array):
    return {"name": name, "dtype": "string", "shape": list(array.shape),
            "strings_hex": [bytes(v).hex() for v in array.flatten()]}


def write_spec(tmp_path, test_bin_dir, spec):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    return run([test_bin_dir / "ckpt_writer", path]).stdout.strip()


def ckpt_tool(bin_dir, *args):
    return json.loads(run([bin_dir / "ckpt_tool", *args]).stdout)


def values_from_json(entry):
    """numpy values of one `ckpt_tool print --json` tensor."""
    values = entry["values"]
    if entry["dtype"] == "string":
        return [bytes.fromhex(v["hex"]) if isinstance(v, dict) else v.encode() for v in values]
    def number(v):
        return float(v) if isinstance(v, str) else v
    if entry["dtype"].startswith("complex"):
        return [complex(number(re), number(im)) for re, im in values]
    return [number(v) for v in values]


def assert_same_as_tensorflow(bin_dir, prefix):
    """ckpt_tool list/print --json agree with tf.train.list_variables / get_tensor."""
    listed = ckpt_tool(bin_dir, "list", prefix, "--json")
    ours = [(t["name"], t["shape"]) for t in listed["tensors"]]
    assert ours == [(name, list(shape)) for name, shape in tf.train.list_variables(str(prefix))]
    reader = tf.train.load_checkpoint(str(prefix))
    dtypes = reader.get_variable_to_dtype_map()
    printed = ckpt_tool(bin_dir, "print", prefix, "--json")
    assert [t["name"] for t in printed["tensors"]] == [name for name, _ in ours]
    for entry in printed["tensors"]:
        expected = reader.get_tensor(entry["name"])
        assert entry["dtype"] == dtypes[entry["name"]].name
        got = values_from_json(entry)
        if entry["dtype"] == "string":
            assert got == [bytes(v) for v in np.asarray(expected, dtype=object).flatten()]
        else:
            want = np.asarray(expected).flatten()
            if want.dtype == BFLOAT16 or want.dtype == np.float16:
                want = want.astype(np.float64)
            np.testing.assert_array_equal(np.array(got, dtype=want.dtype), want)
    run([bin_dir / "ckpt_tool", "validate", prefix])


@pytest.mark.parametrize("max_shard_bytes", [0, 64])
def test_tensorflow_reads_every_dtype_we_write(tmp_path, test_bin_dir, max_shard_bytes):
    arrays = every_dtype()
    full = np.arange(42, dtype=np.float32).reshape(7, 6)
    tensors = [tensor_spec(name, a) for name, a in arrays.items()]
    tensors.append(string_spec("strings", STRINGS))
    # A partitioned variable, three row slices, added out of order.
    for start, length in [(5, 2), (0, 3), (3, 2)]:
        spec = tensor_spec("partitioned", full[start:start + length])
        spec.update(full_shape=[7, 6], slice=[[start, length], [0, -1]])
        tensors.append(spec)
    prefix = tmp_path / "ours" / "model.ckpt-1"
    write_spec(tmp_path, test_bin_dir, {"prefix": str(prefix), "max_shard_bytes": max_shard_bytes,
                                        "tensors": tensors})

    reader = tf.train.load_checkpoint(str(prefix))
    shapes = reader.get_variable_to_shape_map()
    expected_names = sorted(list(arrays) + ["strings", "partitioned"])
    assert sorted(shapes) == expected_names
    assert [name for name, _ in tf.train.list_variables(str(prefix))] == expected_names
    for name, array in arrays.items():
        value = reader.get_tensor(name)
        assert value.shape == array.shape, name
        if name != "empty":
            assert value.dtype == array.dtype, name
        np.testing.assert_array_equal(value, array)
    assert reader.get_tensor("strings").tolist() == STRINGS.tolist()
    np.testing.assert_array_equal(reader.get_tensor("partitioned"), full)
    if max_shard_bytes:
        assert len(list(prefix.parent.glob("model.ckpt-1.data-*-of-*"))) > 1


def test_tf1_saver_restores_our_model_dir(tmp_path, test_bin_dir):
    model_dir = tmp_path / "model"
    kernel = np.arange(12, dtype=np.float32).reshape(4, 3) / 7
    bias = np.array([0.5, -0.25, 2.0], dtype=np.float32)
    for step in (100, 200):
        write_spec(tmp_path, test_bin_dir, {
            "model_dir": str(model_dir), "step": step, "tensors": [
                tensor_spec("dnn/hiddenlayer_0/kernel", kernel * step),
                tensor_spec("dnn/hiddenlayer_0/bias", bias),
                tensor_spec("global_step", np.array(step, dtype=np.int64)),
            ]})
    latest = tf.train.latest_checkpoint(str(model_dir))
    assert latest == str(model_dir / "model.ckpt-200")
    state = tf.train.get_checkpoint_state(str(model_dir))
    assert list(state.all_model_checkpoint_paths) == [str(model_dir / "model.ckpt-100"), latest]

    graph = tf.Graph()
    with graph.as_default():
        k = tf.compat.v1.get_variable("dnn/hiddenlayer_0/kernel", shape=[4, 3], dtype=tf.float32)
        b = tf.compat.v1.get_variable("dnn/hiddenlayer_0/bias", shape=[3], dtype=tf.float32)
        step = tf.compat.v1.train.get_or_create_global_step()
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as sess:
            saver.restore(sess, latest)
            got_k, got_b, got_step = sess.run([k, b, step])
    np.testing.assert_array_equal(got_k, kernel * 200)
    np.testing.assert_array_equal(got_b, bias)
    assert got_step == 200


def test_we_read_tf1_saver_checkpoint_with_partitions_and_strings(tmp_path, bin_dir):
    prefix = tmp_path / "tf1" / "model.ckpt"
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.get_variable(
            "part", shape=[7, 4], dtype=tf.float32,
            initializer=tf.compat.v1.random_normal_initializer(seed=1),
            partitioner=tf.compat.v1.fixed_size_partitioner(3))
        tf.compat.v1.get_variable(
            "words", dtype=tf.string, initializer=tf.constant([["a", "bb"], ["", "\u00e9t\u00e9"]]))
        tf.compat.v1.get_variable("counts", dtype=tf.int64, initializer=tf.constant([1, 2, 3], tf.int64))
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            saver.save(sess, str(prefix), global_step=3)
    listed = ckpt_tool(bin_dir, "list", tmp_path / "tf1", "--json")
    part = next(t for t in listed["tensors"] if t["name"] == "part")
    assert part["partitioned"] and part["shape"] == [7, 4] and part["bytes"] == 7 * 4 * 4
    assert_same_as_tensorflow(bin_dir, tmp_path / "tf1" / "model.ckpt-3")


def test_we_read_tf2_checkpoint_with_optimizer_slots(tmp_path, bin_dir):
    dense, optimizer = dense_trained_one_adam_step()
    ckpt = tf.train.Checkpoint(model=dense, optimizer=optimizer)
    path = ckpt.save(str(tmp_path / "tf2" / "ckpt"))
    names = [name for name, _ in tf.train.list_variables(path)]
    assert "_CHECKPOINTABLE_OBJECT_GRAPH" in names
    assert any("/.OPTIMIZER_SLOT/" in name for name in names)
    assert_same_as_tensorflow(bin_dir, path)
    # The directory form resolves through TF's state file.
    assert ckpt_tool(bin_dir, "list", tmp_path / "tf2", "--json")["checkpoint"] == path


def test_we_read_every_checkpoint_in_testdata(bin_dir, testdata):
    prefixes = sorted(p.with_suffix("") for p in (testdata / "tf").rglob("*.index"))
    assert len(prefixes) == 11  # those tests/testdata/tf/*/README.md list
    for prefix in prefixes:
        assert_same_as_tensorflow(bin_dir, prefix)


def evict_from_page_cache(path):
    with open(path, "rb") as f:
        os.fsync(f.fileno())  # dirty pages stay
        os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def page_cache_fraction(path):
    """The part of the file's pages in the page cache (mincore, which reads nothing)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    size = path.stat().st_size
    pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
    with open(path, "rb") as f:
        address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, f.fileno(), 0)
        assert address not in (None, ctypes.c_void_p(-1).value), os.strerror(ctypes.get_errno())
        try:
            resident = (ctypes.c_ubyte * pages)()
            assert libc.mincore(address, size, resident) == 0, os.strerror(ctypes.get_errno())
        finally:
            libc.munmap(address, size)
    return sum(page & 1 for page in resident) / pages


def test_we_read_a_large_tf_checkpoint_past_the_page_cache(bin_dir):
    """16 MiB or more not in the page cache is read with O_DIRECT in 16 MiB
    windows, the tensors checked against TF's CRCs there; a tensor cut by a
    window's end is checked from its pieces. Any failure there would read
    everything again through the page cache, so the file must stay out of it."""
    rng = np.random.default_rng(20261207)
    tensors = {
        "dense/bias": rng.standard_normal(3000).astype(np.float32),
        "dense/kernel": rng.standard_normal((1500, 3000)).astype(np.float32),  # 17.2 MiB: cut at 16 MiB
        "embedding/table": rng.integers(-2**40, 2**40, size=(1000, 700), dtype=np.int64),
        "global_step": np.array(7, np.int64),
    }
    # Beside the build rather than in /tmp, which may be a tmpfs (no disk to read past the page cache to).
    with tempfile.TemporaryDirectory(dir=bin_dir.parent) as scratch:
        prefix = Path(scratch) / "model.ckpt"
        tf.raw_ops.SaveV2(prefix=str(prefix), tensor_names=list(tensors), shape_and_slices=[""] * len(tensors),
                          tensors=[tf.constant(v) for v in tensors.values()])
        data = Path(str(prefix) + ".data-00000-of-00001")
        assert data.stat().st_size > 16 << 20
        evict_from_page_cache(data)
        assert page_cache_fraction(data) < 0.01, f"{scratch}'s file system keeps the file in memory"
        run([bin_dir / "ckpt_tool", "validate", prefix])
        assert page_cache_fraction(data) < 0.01
        assert_same_as_tensorflow(bin_dir, prefix)


def test_diff_and_history_on_our_model_dir(tmp_path, test_bin_dir, bin_dir):
    model_dir = tmp_path / "model"
    for step, scale in ((1, 1.0), (2, 1.0), (3, 1.001)):
        write_spec(tmp_path, test_bin_dir, {"model_dir": str(model_dir), "step": step, "keep_checkpoint_max": 2,
                                            "tensors": [tensor_spec("w", np.ones((2, 2), np.float32) * scale)]})
    assert sorted(p.name for p in model_dir.glob("*.index")) == ["model.ckpt-2.index", "model.ckpt-3.index"]
    history = ckpt_tool(bin_dir, "history", model_dir, "--json")
    assert [c["step"] for c in history["checkpoints"]] == [2, 3]
    assert tf.train.get_checkpoint_state(str(model_dir)).model_checkpoint_path == str(model_dir / "model.ckpt-3")
    tool = bin_dir / "ckpt_tool"
    a, b = model_dir / "model.ckpt-2", model_dir / "model.ckpt-3"
    assert subprocess.run([tool, "diff", a, b]).returncode == 1
    assert subprocess.run([tool, "diff", a, b, "--atol", "0.01"]).returncode == 0
    assert subprocess.run([tool, "diff", a, tmp_path / "missing"]).returncode == 2
