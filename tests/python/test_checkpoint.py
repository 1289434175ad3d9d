# SPDX-License-Identifier: Apache-2.0
"""tfcompat.train without TensorFlow: what save_checkpoint and
CheckpointManager write, load_checkpoint reads back equal (every dtype,
strings, scalars, empty tensors, several shards); paths resolve as ckpt_tool
resolves them (directories, SavedModels); TF-written checkpoints (a TF2
object checkpoint, an Estimator model_dir) read; damage and missing files
raise the tf.errors classes with the library's messages."""
import pathlib
import threading

import ml_dtypes
import numpy as np
import pytest

import tfcompat
from conftest import flip_byte
from tfcompat import dtypes, train

HALF_PLUS_TWO = "tf/tf-serving/servables/tensorflow/testdata/saved_model_half_plus_two_tf2_cpu/00000123"
ESTIMATOR_MODEL_DIR = "tf/estimator-basics/model"


def every_dtype():
    """One array of each numpy dtype a checkpoint stores as bytes."""
    rng = np.random.default_rng(20261206)
    return {
        "float32": rng.standard_normal((3, 4)).astype(np.float32),
        "float64": np.array([0.1, -1e300, 5e-324, np.inf, np.nan]),
        "float16": np.array([[1.0, -0.5], [65504.0, 6e-8]], dtype=np.float16),
        "bfloat16": np.array([1.5, -2.0, 3.140625], dtype=ml_dtypes.bfloat16),
        "int8": np.array([-128, 0, 127], dtype=np.int8),
        "int16": np.array([-32768, 32767], dtype=np.int16),
        "int32": np.arange(-6, 6, dtype=np.int32).reshape(2, 3, 2),
        "int64": np.array([2**40 + 7, -(2**62)], dtype=np.int64),
        "uint8": np.array([0, 255], dtype=np.uint8),
        "uint16": np.array([0, 65535], dtype=np.uint16),
        "uint32": np.array([0, 4000000000], dtype=np.uint32),
        "uint64": np.array([0, 2**64 - 1], dtype=np.uint64),
        "bool": np.array([[True, False, True]]),
        "complex64": np.array([1 - 2j, 0.5j], dtype=np.complex64),
        "complex128": np.array([[3 + 4j]], dtype=np.complex128),
        "empty": np.zeros((0, 5), dtype=np.float32),
    }


def assert_same(actual, expected):
    assert actual.dtype == expected.dtype
    assert actual.shape == expected.shape
    assert actual.tobytes() == expected.tobytes()


def test_every_dtype_round_trips(tmp_path):
    arrays = every_dtype()
    prefix = train.save_checkpoint(tmp_path / "model.ckpt-1", arrays)
    assert prefix == str(tmp_path / "model.ckpt-1")
    reader = train.load_checkpoint(prefix)
    for name, array in arrays.items():
        assert_same(reader.get_tensor(name), array)
    assert reader.get_variable_to_shape_map() == {name: list(a.shape) for name, a in arrays.items()}
    assert reader.get_variable_to_dtype_map() == {name: a.dtype for name, a in arrays.items()}


def test_strings_read_as_object_arrays_of_bytes(tmp_path):
    values = np.array([[b"", b"hello"], [b"\x00\xff binary", "ünïcode"]], dtype=object)
    train.save_checkpoint(tmp_path / "s", {"s": values, "fixed": np.array([b"ab", b"c"])})
    reader = train.load_checkpoint(tmp_path / "s")
    read = reader.get_tensor("s")
    assert read.dtype == object and read.shape == (2, 2)
    assert read.tolist() == [[b"", b"hello"], [b"\x00\xff binary", "ünïcode".encode()]]
    assert reader.get_tensor("fixed").tolist() == [b"ab", b"c"]
    assert reader.get_variable_to_dtype_name_map()["s"] == "string"


def test_scalars_read_as_numpy_scalars_and_bytes(tmp_path):
    train.save_checkpoint(tmp_path / "c", {"step": np.int64(7), "lr": np.float32(0.5), "name": b"run"})
    reader = train.load_checkpoint(tmp_path / "c")
    step = reader.get_tensor("step")
    assert isinstance(step, np.int64) and step == 7
    assert isinstance(reader.get_tensor("lr"), np.float32)
    assert reader.get_tensor("name") == b"run"
    assert reader.get_variable_to_shape_map()["step"] == []


def test_arrays_in_any_layout_are_written_by_value(tmp_path):
    base = np.arange(12, dtype=np.float64).reshape(3, 4)
    arrays = {"transposed": base.T, "strided": base[:, ::2], "big_endian": base.astype(">f8"),
              "read_only": np.frombuffer(base.tobytes(), dtype=np.float64)}
    train.save_checkpoint(tmp_path / "l", arrays)
    reader = train.load_checkpoint(tmp_path / "l")
    for name, array in arrays.items():
        np.testing.assert_array_equal(reader.get_tensor(name), array)
        assert reader.get_tensor(name).dtype == np.float64


def test_get_tensor_returns_a_view_of_the_read_buffer(tmp_path):
    train.save_checkpoint(tmp_path / "v", {"w": np.ones((256, 256), dtype=np.float32)})
    array = train.load_checkpoint(tmp_path / "v").get_tensor("w")
    assert not array.flags.owndata
    assert array.flags.writeable
    array[0, 0] = 5  # the array owns its memory through its base: writing is safe
    assert array.sum() == 256 * 256 + 4


def test_max_shard_bytes_writes_several_data_files(tmp_path):
    arrays = {f"t{i}": np.full(100, i, dtype=np.float32) for i in range(4)}
    train.save_checkpoint(tmp_path / "sharded", arrays, max_shard_bytes=400)
    data_files = sorted(p.name for p in tmp_path.glob("sharded.data-*"))
    assert data_files == [f"sharded.data-0000{i}-of-00004" for i in range(4)]
    reader = train.load_checkpoint(tmp_path / "sharded")
    for name, array in arrays.items():
        assert_same(reader.get_tensor(name), array)


def test_bfloat16_reads_as_float32_without_ml_dtypes(tmp_path, monkeypatch):
    values = np.array([1.5, -2.0, 3.140625, np.inf], dtype=ml_dtypes.bfloat16)
    train.save_checkpoint(tmp_path / "b", {"b": values})
    monkeypatch.setattr(dtypes, "bfloat16", None)
    reader = train.load_checkpoint(tmp_path / "b")
    read = reader.get_tensor("b")
    assert read.dtype == np.float32
    np.testing.assert_array_equal(read, values.astype(np.float32))
    assert reader.get_variable_to_dtype_map()["b"] == np.float32
    assert reader.get_variable_to_dtype_name_map()["b"] == "bfloat16"


def test_unsupported_values_are_refused_before_writing(tmp_path):
    with pytest.raises(TypeError, match="tensor t: numpy dtype datetime64"):
        train.save_checkpoint(tmp_path / "x", {"t": np.array(["2026-01-01"], dtype="datetime64[D]")})
    with pytest.raises(TypeError, match="tensor s: a string tensor holds bytes or str, got int"):
        train.save_checkpoint(tmp_path / "x", {"s": np.array([b"a", 3], dtype=object)})
    with pytest.raises(TypeError, match="mapping"):
        train.save_checkpoint(tmp_path / "x", [np.zeros(1)])
    assert not list(tmp_path.iterdir())


def test_an_empty_name_is_invalid_argument(tmp_path):
    with pytest.raises(tfcompat.InvalidArgumentError):
        train.save_checkpoint(tmp_path / "x", {"": np.zeros(1)})
    assert not (tmp_path / "x.index").exists()


def test_a_missing_tensor_is_not_found_worded_like_tensorflow(tmp_path):
    train.save_checkpoint(tmp_path / "m", {"a": np.zeros(1)})
    reader = train.load_checkpoint(tmp_path / "m")
    assert reader.has_tensor("a") and not reader.has_tensor("b")
    with pytest.raises(tfcompat.NotFoundError, match="Key b not found in checkpoint") as info:
        reader.get_tensor("b")
    assert info.value.error_code == tfcompat.errors.NOT_FOUND


def test_a_missing_checkpoint_is_not_found_naming_it(tmp_path):
    with pytest.raises(tfcompat.NotFoundError) as info:
        train.load_checkpoint(tmp_path / "none.ckpt-1")
    assert info.value.message == f"The passed save_path is not a valid checkpoint: {tmp_path / 'none.ckpt-1'}"
    with pytest.raises(tfcompat.NotFoundError):
        train.load_checkpoint(tmp_path)  # a directory without a state file


def test_a_damaged_data_file_is_data_loss_naming_the_shard_and_key(tmp_path):
    train.save_checkpoint(tmp_path / "d", {"a": np.arange(64, dtype=np.float32), "b": np.ones(4)})
    reader = train.load_checkpoint(tmp_path / "d")
    flip_byte(tmp_path / "d.data-00000-of-00001", 10)  # inside "a", the first tensor
    np.testing.assert_array_equal(reader.get_tensor("b"), np.ones(4))
    with pytest.raises(tfcompat.DataLossError) as info:
        reader.get_tensor("a")
    # TF's wording: the bundle, the shard, the key and the checksums.
    assert info.value.message.startswith(f"TensorBundle at {tmp_path / 'd'} shard 0 (256 bytes), key a: "
                                         "Checksum does not match")


def test_list_variables_is_sorted_with_shapes(tmp_path):
    train.save_checkpoint(tmp_path / "l", {"z": np.zeros((2, 3)), "a": np.zeros(()), "m/k": np.zeros(5)})
    assert train.list_variables(tmp_path / "l") == [("a", []), ("m/k", [5]), ("z", [2, 3])]


def test_latest_checkpoint_is_none_without_a_state_file(tmp_path):
    assert train.latest_checkpoint(tmp_path) is None


def test_checkpoint_manager_numbers_keeps_and_resolves(tmp_path):
    manager = train.CheckpointManager(tmp_path / "run", max_to_keep=2)
    assert manager.latest_checkpoint is None
    prefixes = [manager.save({"step": np.int64(i)}) for i in range(1, 4)]
    assert [pathlib.Path(p).name for p in prefixes] == ["ckpt-1", "ckpt-2", "ckpt-3"]
    assert manager.checkpoints == prefixes[1:]
    assert not pathlib.Path(prefixes[0] + ".index").exists()
    assert train.latest_checkpoint(tmp_path / "run") == prefixes[2]
    assert train.load_checkpoint(tmp_path / "run").get_tensor("step") == 3
    # A new manager adopts the listed checkpoints and continues the numbering.
    again = train.CheckpointManager(tmp_path / "run", max_to_keep=2)
    assert again.checkpoints == prefixes[1:]
    assert pathlib.Path(again.save({"step": np.int64(4)})).name == "ckpt-4"
    assert pathlib.Path(again.save({"step": np.int64(10)}, checkpoint_number=10)).name == "ckpt-10"
    assert [pathlib.Path(p).name for p in again.checkpoints] == ["ckpt-4", "ckpt-10"]


def test_checkpoint_manager_without_a_limit_keeps_all(tmp_path):
    manager = train.CheckpointManager(tmp_path, max_to_keep=None, checkpoint_name="model.ckpt")
    for step in (100, 200, 300):
        manager.save({"w": np.full(3, step, dtype=np.float32)}, checkpoint_number=step)
    assert [pathlib.Path(p).name for p in manager.checkpoints] == ["model.ckpt-100", "model.ckpt-200",
                                                                   "model.ckpt-300"]
    with pytest.raises(ValueError):
        train.CheckpointManager(tmp_path, max_to_keep=0)


def test_a_savedmodel_directory_reads_its_tf2_object_checkpoint(testdata):
    reader = train.load_checkpoint(testdata / HALF_PLUS_TWO)
    assert reader.prefix.endswith("variables/variables")
    # half_plus_two computes y = a * x + b with a = 0.5, b = 2 (and c = 3).
    assert reader.get_tensor("a/.ATTRIBUTES/VARIABLE_VALUE") == np.float32(0.5)
    assert reader.get_tensor("b/.ATTRIBUTES/VARIABLE_VALUE") == np.float32(2.0)
    graph = reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH")
    assert isinstance(graph, bytes) and b"VARIABLE_VALUE" in graph
    assert reader.get_variable_to_dtype_map()["_CHECKPOINTABLE_OBJECT_GRAPH"] == np.dtype(object)


def test_an_estimator_model_dir_reads_its_latest_checkpoint(testdata):
    model_dir = testdata / ESTIMATOR_MODEL_DIR
    latest = train.latest_checkpoint(model_dir)
    assert latest == str(model_dir / "model.ckpt-2000")
    names = dict(train.list_variables(model_dir))
    assert names["dense/kernel"] == [2, 4]
    assert train.load_checkpoint(model_dir).get_tensor("global_step") == 2000


def test_one_reader_serves_many_threads(tmp_path):
    arrays = {f"t{i}": np.full((64, 64), i, dtype=np.float32) for i in range(8)}
    train.save_checkpoint(tmp_path / "t", arrays)
    reader = train.load_checkpoint(tmp_path / "t")
    failures = []

    def read_all():
        for _ in range(20):
            for name, array in arrays.items():
                if not np.array_equal(reader.get_tensor(name), array):
                    failures.append(name)

    threads = [threading.Thread(target=read_all) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
