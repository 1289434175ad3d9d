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

import numpy as np
import pytest
import tensorflow as tf

from checkpoint_arrays import dense_trained_one_adam_step, every_fixed_width_dtype


def every_dtype():
    arrays = every_fixed_width_dtype(20261206)
    arrays["strings"] = np.array([[b"", b"hello"], [b"\x00\xff binary", "\u00e9t\u00e9".encode()]], dtype=object)
    arrays["scalar_string"] = b"run"
    return arrays


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
    dense, optimizer = dense_trained_one_adam_step()
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
