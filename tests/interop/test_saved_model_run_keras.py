# SPDX-License-Identifier: Apache-2.0
"""SavedModel::Run against TensorFlow on TF2 exports of Keras MLPs.

The venv's TensorFlow (2.15 with Keras 2, or the newest with Keras 3) builds
Sequential and functional MLPs of Dense layers (relu, sigmoid, softmax,
linear; Dropout, which inference skips; BatchNormalization, in inference
its moving statistics: Rsqrt folded at load), fits them a little, and exports
them with model.export and tf.saved_model.save. Their signatures call
functions (StatefulPartitionedCall) on resource variables the restore
function assigns from an object-based checkpoint. For every signature, our
saved_model_run_driver and TF's own tf.saved_model.load(dir).signatures[key]
run the same few hundred rows: class ids (the argmax of the probabilities)
equal, floats within 1e-6 relative.

The repository's own TensorFlow-written exports run the same way: the TF 1.14
Estimator export (tests/testdata/tf/estimator-basics), TF Serving's TF2
half_plus_two (ParseExampleV2 inside a function) and its TF 1.14
half_plus_two (ParseExample, the op's first version), on every signature.

Keras 3's tf.saved_model.save writes signatures that capture variables its
restore op does not restore (it assigns copies; TF's C++ graph loader, as TF
Serving's, fails with "Could not find variable"): ours binds them through the
export's object graph, as tf.saved_model.load does, and runs them the same."""
import numpy as np
import pytest
import tensorflow as tf

from test_saved_model_run import RELATIVE, run_ours

ROWS = 300
FEATURES = 4
keras = tf.keras


def sequential():
    return keras.Sequential([
        keras.Input((FEATURES,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(8, activation="sigmoid"),
        keras.layers.Dense(3, activation="softmax"),
    ])


def functional():
    """Two heads: three-class probabilities and a linear value."""
    inputs = keras.Input((FEATURES,), name="features")
    hidden = keras.layers.Dense(12, activation="relu")(inputs)
    hidden = keras.layers.BatchNormalization()(hidden)
    hidden = keras.layers.Dense(6, activation="relu")(hidden)
    classes = keras.layers.Dense(3, activation="softmax", name="classes")(hidden)
    value = keras.layers.Dense(1, name="value")(hidden)
    return keras.Model(inputs, [classes, value])


MODELS = {"sequential": sequential, "functional": functional}


def fit(name, model, x):
    labels = (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 0.5).astype(np.int64)
    if name == "functional":
        model.compile("adam", ["sparse_categorical_crossentropy", "mse"])
        model.fit(x, [labels, x @ np.array([0.5, -1.0, 2.0, 0.25], np.float32)], epochs=2, verbose=0)
    else:
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(x, labels, epochs=2, verbose=0)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("keras_exports")
    x = np.random.default_rng(7).normal(size=(256, FEATURES)).astype(np.float32)
    result = {}
    for name, make in MODELS.items():
        keras.utils.set_random_seed(3)
        model = make()
        fit(name, model, x)
        model.export(str(root / f"{name}_export"))
        result[name, "export"] = str(root / f"{name}_export")
        tf.saved_model.save(model, str(root / f"{name}_saved_model_save"))
        result[name, "saved_model_save"] = str(root / f"{name}_saved_model_save")
    return result


def compare(label, ours, theirs, capsys, scale=1.0):
    """Same keys, dtypes and shapes; floats within RELATIVE of max(|TF|,
    scale); the class ids (argmax over the last axis) of probabilities
    equal."""
    assert sorted(ours) == sorted(theirs)
    worst = 0.0
    for output, expected in theirs.items():
        actual = ours[output]
        assert actual.shape == expected.shape, output
        assert actual.dtype == expected.dtype, output
        difference = np.abs(actual - expected) / np.maximum(np.abs(expected), scale)
        worst = max(worst, float(difference.max()))
        assert difference.max() <= RELATIVE, output
        if expected.ndim == 2 and expected.shape[-1] > 1:
            np.testing.assert_array_equal(actual.argmax(axis=-1), expected.argmax(axis=-1), err_msg=output)
    with capsys.disabled():
        print(f"\n{label} (TF {tf.__version__}): outputs {sorted(ours)}, {len(next(iter(theirs.values())))} rows, "
              f"max |ours - TF| / max(|TF|, {scale:g}) {worst:.3g}")


WAYS = ["export", "saved_model_save"]


@pytest.mark.parametrize("name, way", [(name, way) for name in MODELS for way in WAYS])
def test_every_signature_gives_tf_outputs(exports, name, way, test_bin_dir, capsys):
    path = exports[name, way]
    x = np.random.default_rng(11).normal(scale=2.0, size=(ROWS, FEATURES)).astype(np.float32)
    loaded = tf.saved_model.load(path)
    assert loaded.signatures, "the export has no signatures"
    for signature, function in loaded.signatures.items():
        (key, _), = function.structured_input_signature[1].items()
        theirs = {k: v.numpy() for k, v in function(**{key: tf.constant(x)}).items()}
        ours = run_ours(test_bin_dir / "saved_model_run_driver", path, signature, key, x)
        compare(f"{name} {way} {signature}", ours, theirs, capsys)


# Path under tests/testdata/tf, and the scale of the sums its outputs are:
# estimator-basics's y is dense_1's bias (17.0) plus products of the same
# size and opposite sign, so float32 sums in another order differ by an ulp
# of 17 (1.9e-6) however small y is.
REPOSITORY_EXPORTS = {
    "estimator_basics_tf1_14": ("estimator-basics/saved_model/1567058788", 32.0),
    "half_plus_two_tf2": ("tf-serving/servables/tensorflow/testdata/saved_model_half_plus_two_tf2_cpu/00000123", 1.0),
    "half_plus_two_tf1_14": ("tf-serving/servables/tensorflow/testdata/saved_model_half_plus_two_cpu/00000123", 1.0),
}


@pytest.mark.parametrize("name", REPOSITORY_EXPORTS)
def test_repository_exports_give_tf_outputs_on_every_signature(name, testdata, test_bin_dir, capsys):
    path, scale = REPOSITORY_EXPORTS[name]
    path = str(testdata / "tf" / path)
    loaded = tf.saved_model.load(path)
    assert loaded.signatures, "the export has no signatures"
    for signature, function in loaded.signatures.items():
        (key, spec), = function.structured_input_signature[1].items()
        # Fixed shapes ([1]) take one value; the others a column of rows.
        rows = 1 if spec.shape.rank == 1 and spec.shape[0] == 1 else 50
        x = np.random.default_rng(3).normal(scale=4.0, size=(rows, 1)).astype(np.float32)
        if spec.dtype == tf.string:
            value = np.array([tf.train.Example(features=tf.train.Features(feature={
                feature: tf.train.Feature(float_list=tf.train.FloatList(value=row))
                for feature in ("x", "x2")})).SerializeToString() for row in x], dtype=object)
            feed = tf.constant(list(value))
        else:
            value = x.reshape(spec.shape.as_list()) if rows == 1 else x
            feed = tf.constant(value)
        theirs = {k: v.numpy() for k, v in function(**{key: feed}).items()}
        ours = run_ours(test_bin_dir / "saved_model_run_driver", path, signature, key, value)
        compare(f"{name} {signature}", ours, theirs, capsys, scale)
