# SPDX-License-Identifier: Apache-2.0
"""The Python package tfcompat against real TensorFlow 2.15, in one process:
tf.train.load_checkpoint reads what tfcompat.train writes (every dtype,
bfloat16, strings, a CheckpointManager's directory), and tfcompat.train reads
what TensorFlow writes (a TF2 object checkpoint, a TF1 Saver checkpoint with
a partitioned variable and strings, bfloat16, a SavedModel's variables)
equal to TensorFlow's own reader.

The package comes from the venv build/venv/py (tests/python/setup_venv.sh
installs it there): only its own folder is put on sys.path, so this venv's
numpy, not that venv's, is the one imported."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf


def _package_dir():
    venv = pathlib.Path(os.environ.get("TFCOMPAT_PY_VENV", ""))
    python = venv / "bin" / "python"
    if not python.is_file():
        pytest.fail(f"no venv with the tfcompat package at {venv}: run tests/python/setup_venv.sh BUILD_DIR")
    where = subprocess.run([str(python), "-c", "import os, tfcompat; print(os.path.dirname(tfcompat.__file__))"],
                           capture_output=True, text=True, check=True)
    return pathlib.Path(where.stdout.strip())


@pytest.fixture(scope="module")
def tfcompat(tmp_path_factory):
    path = tmp_path_factory.mktemp("package")
    (path / "tfcompat").symlink_to(_package_dir(), target_is_directory=True)
    sys.path.insert(0, str(path))
    try:
        import tfcompat as package
        yield package
    finally:
        sys.path.remove(str(path))


def every_dtype():
    rng = np.random.default_rng(20261206)
    return {
        "float32": rng.standard_normal((3, 4)).astype(np.float32),
        "float64": np.array([0.1, -1e300, 5e-324, np.inf]),
        "float16": np.array([[1.0, -0.5], [65504.0, 6e-8]], dtype=np.float16),
        "bfloat16": np.array([1.5, -2.0, 3.140625], dtype=tf.bfloat16.as_numpy_dtype),
        "int8": np.array([-128, 0, 127], dtype=np.int8),
        "int16": np.array([-32768, 32767], dtype=np.int16),
        "int32": np.arange(-6, 6, dtype=np.int32).reshape(2, 3, 2),
        "int64": np.array(2**40 + 7, dtype=np.int64),
        "uint8": np.array([0, 255], dtype=np.uint8),
        "uint16": np.array([0, 65535], dtype=np.uint16),
        "uint32": np.array([0, 4000000000], dtype=np.uint32),
        "uint64": np.array([0, 2**64 - 1], dtype=np.uint64),
        "bool": np.array([True, False, True]),
        "complex64": np.array([1 - 2j, 0.5j], dtype=np.complex64),
        "complex128": np.array([[3 + 4j]], dtype=np.complex128),
        "empty": np.zeros((0, 5), dtype=np.float32),
        "strings": np.array([[b"", b"hello"], [b"\x00\xff binary", "\u00e9t\u00e9".encode()]], dtype=object),
        "scalar_string": b"run",
    }


def assert_readers_agree(tfcompat, path):
    """Our reader and TensorFlow's return the same names, shapes, dtypes and values."""
    ours = tfcompat.train.load_checkpoint(path)
    theirs = tf.train.load_checkpoint(str(path))
    assert ours.get_variable_to_shape_map() == theirs.get_variable_to_shape_map()
    assert tfcompat.train.list_variables(path) == tf.train.list_variables(str(path))
    their_dtypes = theirs.get_variable_to_dtype_map()
    for name, dtype in ours.get_variable_to_dtype_name_map().items():
        assert their_dtypes[name].name == dtype, name
    for name in theirs.get_variable_to_shape_map():
        mine, expected = ours.get_tensor(name), theirs.get_tensor(name)
        assert type(mine) is type(expected), name
        if isinstance(expected, bytes):
            assert mine == expected, name
        else:
            assert mine.dtype == expected.dtype, name
            np.testing.assert_array_equal(mine, expected, err_msg=name)
    return ours


def test_tensorflow_reads_what_save_checkpoint_writes(tmp_path, tfcompat):
    arrays = every_dtype()
    prefix = tfcompat.train.save_checkpoint(tmp_path / "model.ckpt-1", arrays, max_shard_bytes=64)
    reader = tf.train.load_checkpoint(prefix)
    assert reader.get_variable_to_shape_map() == {name: list(np.shape(a)) for name, a in arrays.items()}
    for name, array in arrays.items():
        read = reader.get_tensor(name)
        if isinstance(array, bytes):
            assert read == array
        else:
            assert read.dtype == array.dtype, name
            np.testing.assert_array_equal(read, array, err_msg=name)
    assert reader.get_variable_to_dtype_map()["bfloat16"] == tf.bfloat16
    assert reader.get_variable_to_dtype_map()["strings"] == tf.string
    assert_readers_agree(tfcompat, prefix)


def test_tensorflow_follows_a_checkpoint_managers_directory(tmp_path, tfcompat):
    manager = tfcompat.train.CheckpointManager(tmp_path, max_to_keep=2)
    for step in range(1, 4):
        manager.save({"w": np.full((2, 2), step, dtype=np.float32), "step": np.int64(step)})
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-3")
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == [str(tmp_path / "ckpt-2"), str(tmp_path / "ckpt-3")]
    assert tf.train.load_checkpoint(str(tmp_path)).get_tensor("step") == 3


def test_we_read_a_tf2_object_checkpoint_with_bfloat16_and_strings(tmp_path, tfcompat):
    dense = tf.keras.layers.Dense(3)
    dense.build((None, 4))
    optimizer = tf.keras.optimizers.legacy.Adam(0.1)  # slots under .OPTIMIZER_SLOT
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(dense(tf.ones((2, 4))) ** 2)
    optimizer.apply_gradients(zip(tape.gradient(loss, dense.trainable_variables), dense.trainable_variables))
    ckpt = tf.train.Checkpoint(model=dense, optimizer=optimizer,
                               half=tf.Variable(tf.constant([1.5, -0.25, 3.0], tf.bfloat16)),
                               word=tf.Variable(b"w\x00rd"), words=tf.Variable([[b"a", b""], [b"\xff", b"bb"]]))
    path = ckpt.save(str(tmp_path / "tf2" / "ckpt"))
    ours = assert_readers_agree(tfcompat, path)
    assert ours.get_tensor("half/.ATTRIBUTES/VARIABLE_VALUE").dtype == tf.bfloat16.as_numpy_dtype
    assert "_CHECKPOINTABLE_OBJECT_GRAPH" in ours.get_variable_to_shape_map()
    # The directory resolves through TensorFlow's state file.
    assert tfcompat.train.latest_checkpoint(tmp_path / "tf2") == path
    assert tfcompat.train.load_checkpoint(tmp_path / "tf2").prefix == path


def test_we_read_a_tf1_saver_checkpoint_with_a_partitioned_variable(tmp_path, tfcompat):
    prefix = tmp_path / "tf1" / "model.ckpt"
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.get_variable("part", shape=[7, 4], dtype=tf.float32,
                                  initializer=tf.compat.v1.random_normal_initializer(seed=1),
                                  partitioner=tf.compat.v1.fixed_size_partitioner(3))
        tf.compat.v1.get_variable("words", dtype=tf.string, initializer=tf.constant([["a", "bb"], ["", "\u00e9t\u00e9"]]))
        tf.compat.v1.get_variable("counts", dtype=tf.int64, initializer=tf.constant([1, 2, 3], tf.int64))
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            saver.save(sess, str(prefix), global_step=3)
    ours = assert_readers_agree(tfcompat, tmp_path / "tf1" / "model.ckpt-3")
    assert ours.get_tensor("part").shape == (7, 4)


def test_we_read_a_savedmodels_variables(tmp_path, tfcompat):
    module = tf.Module()
    module.v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    module.f = tf.function(lambda x: x @ module.v, input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    tf.saved_model.save(module, str(tmp_path / "sm"))
    ours = tfcompat.train.load_checkpoint(tmp_path / "sm")
    assert ours.prefix == str(tmp_path / "sm" / "variables" / "variables")
    assert_readers_agree(tfcompat, ours.prefix)


def test_a_missing_key_raises_the_class_tensorflow_raises(tmp_path, tfcompat):
    prefix = tfcompat.train.save_checkpoint(tmp_path / "m", {"a": np.zeros(1)})
    with pytest.raises(tf.errors.NotFoundError) as theirs:
        tf.train.load_checkpoint(prefix).get_tensor("b")
    with pytest.raises(tfcompat.errors.NotFoundError) as ours:
        tfcompat.train.load_checkpoint(prefix).get_tensor("b")
    assert ours.value.error_code == theirs.value.error_code
    assert ours.value.message == theirs.value.message
