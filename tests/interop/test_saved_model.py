# SPDX-License-Identifier: Apache-2.0
"""SavedModels our Estimator::ExportSavedModel writes, run by real TensorFlow.

Our library trains a canned model (DNNClassifier with 3 and with 2 classes,
DNNRegressor, LinearClassifier) on Iris and exports its latest checkpoint.
Then, with TF 2.15 and no code of ours:

- `saved_model_cli show --all` lists TF's signatures, inputs and outputs;
- `saved_model_cli run` runs serving_default on serialized tf.Examples;
- `tf.saved_model.load(path)`: every signature's outputs on the Iris test
  set equal TF's Estimator.predict on the same model_dir (a real
  tf.compat.v1.estimator pointed at our checkpoint), and equal the outputs
  of TF's own export_saved_model of that checkpoint run the same way, for
  the parsing receiver (serialized Examples) and the raw one (one float
  tensor per feature)."""
import re
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from conftest import run
from iris_data import DATA, NAMES, iris, write_tf_csv

HIDDEN = [10, 10]
STEPS = 200
# Probabilities and logits of the same float32 graph: TF's oneDNN kernels
# may sum in another order than TF's export run the same way.
TOLERANCE = 1e-5


def write_binary_csv(path):
    """iris_training.csv with label "versicolor or not", in TF's CSV layout."""
    x, y = iris("iris_training.csv")
    write_tf_csv(path, x, (y == 1).astype(np.int64), ["other", "versicolor"])


MODELS = {
    "multi": ("dnn_classifier", 3),
    "binary": ("dnn_classifier", 2),
    "regressor": ("dnn_regressor", 0),
    "linear": ("linear_classifier", 3),
}


def tf_estimator(name, model_dir):
    kind, n_classes = MODELS[name]
    columns = [tf.feature_column.numeric_column(n) for n in NAMES]
    if kind == "dnn_classifier":
        return tf.compat.v1.estimator.DNNClassifier(
            hidden_units=HIDDEN, feature_columns=columns, n_classes=n_classes, model_dir=str(model_dir))
    if kind == "dnn_regressor":
        return tf.compat.v1.estimator.DNNRegressor(hidden_units=HIDDEN, feature_columns=columns,
                                                   model_dir=str(model_dir))
    return tf.compat.v1.estimator.LinearClassifier(feature_columns=columns, n_classes=n_classes,
                                                   model_dir=str(model_dir))


@pytest.fixture(scope="module")
def trained(tmp_path_factory, test_bin_dir):
    """{model name: (model_dir, parsing export, raw export)}, trained and exported by our library."""
    root = tmp_path_factory.mktemp("saved_model")
    binary_csv = root / "iris_binary.csv"
    write_binary_csv(binary_csv)
    result = {}
    for name, (kind, n_classes) in MODELS.items():
        model_dir, base = root / name, root / f"{name}_export"
        csv = binary_csv if name == "binary" else DATA / "iris_training.csv"
        driver = test_bin_dir / "saved_model_driver"
        parsing = run([driver, kind, n_classes, model_dir, csv, STEPS, base, "parsing"]).stdout.strip()
        raw = run([driver, kind, n_classes, model_dir, csv, 0, base, "raw"]).stdout.strip()
        result[name] = (model_dir, parsing, raw)
    return result


def serialized_examples(x):
    def example(row):
        features = {n: tf.train.Feature(float_list=tf.train.FloatList(value=[float(v)])) for n, v in zip(NAMES, row)}
        return tf.train.Example(features=tf.train.Features(feature=features)).SerializeToString()

    return tf.constant([example(row) for row in x])


def run_signatures(path, x):
    """{signature: {output: numpy array}} of the SavedModel at `path` on the rows `x`."""
    loaded = tf.saved_model.load(str(path))
    outputs = {}
    for key, fn in loaded.signatures.items():
        inputs = fn.structured_input_signature[1]
        if set(inputs) == set(NAMES):
            feed = {n: tf.constant(x[:, i]) for i, n in enumerate(NAMES)}
        else:
            (input_name,) = inputs
            feed = {input_name: serialized_examples(x)}
        outputs[key] = {k: v.numpy() for k, v in fn(**feed).items()}
    return outputs


def max_difference(ours, theirs):
    """Largest absolute difference of float outputs; other dtypes must be equal."""
    worst = 0.0
    assert ours.keys() == theirs.keys()
    for signature in ours:
        assert ours[signature].keys() == theirs[signature].keys(), signature
        for key, value in ours[signature].items():
            other = theirs[signature][key]
            assert value.shape == other.shape and value.dtype == other.dtype, (signature, key)
            if value.dtype.kind == "f":
                worst = max(worst, float(np.abs(value - other).max()))
            else:
                np.testing.assert_array_equal(value, other, err_msg=f"{signature}/{key}")
    return worst


EXPECTED_SIGNATURES = {
    "multi": {"serving_default", "classification", "predict"},
    "binary": {"serving_default", "classification", "regression", "predict"},
    "regressor": {"serving_default", "regression", "predict"},
    "linear": {"serving_default", "classification", "predict"},
}
PREDICT_OUTPUTS = {
    "multi": {"logits", "probabilities", "class_ids", "classes", "all_class_ids", "all_classes"},
    "binary": {"logits", "logistic", "probabilities", "class_ids", "classes", "all_class_ids", "all_classes"},
    "regressor": {"predictions"},
    "linear": {"logits", "probabilities", "class_ids", "classes", "all_class_ids", "all_classes"},
}


@pytest.mark.parametrize("name", MODELS)
def test_saved_model_cli_show_lists_tf_signatures(trained, name):
    _, parsing, raw = trained[name]
    shown = subprocess.run([sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "show", "--all", "--dir",
                            parsing], capture_output=True, text=True, check=True).stdout
    assert "MetaGraphDef with tag-set: 'serve'" in shown
    assert set(re.findall(r"signature_def\['(\w+)'\]", shown)) == EXPECTED_SIGNATURES[name]
    assert "name: input_example_tensor:0" in shown
    predict = shown.split("signature_def['predict']")[1].split("signature_def[")[0]
    assert set(re.findall(r"outputs\['(\w+)'\]", predict)) == PREDICT_OUTPUTS[name]
    assert set(re.findall(r"inputs\['(\w+)'\]", predict)) == {"examples"}
    shown_raw = subprocess.run([sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "show", "--dir", raw,
                                "--tag_set", "serve"], capture_output=True, text=True, check=True).stdout
    assert set(re.findall(r"SignatureDef key: \"(\w+)\"", shown_raw)) == {"predict"}


@pytest.mark.parametrize("name", ["multi", "regressor"])
def test_saved_model_cli_runs_serving_default_on_examples(trained, name, tmp_path):
    _, parsing, _ = trained[name]
    x, _ = iris("iris_test.csv")
    examples = "[" + ",".join("{" + ",".join(f'"{n}":[{float(v)!r}]' for n, v in zip(NAMES, row)) + "}"
                              for row in x[:3]) + "]"
    subprocess.run([sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "run", "--dir", parsing,
                    "--tag_set", "serve", "--signature_def", "serving_default", "--input_examples",
                    f"inputs={examples}", "--outdir", tmp_path], capture_output=True, text=True, check=True)
    expected = run_signatures(parsing, x[:3])["serving_default"]
    for key, value in expected.items():
        np.testing.assert_array_equal(np.load(tmp_path / f"{key}.npy", allow_pickle=True), value)


def tf_predictions(name, model_dir, x):
    """TF's Estimator.predict on `model_dir`: {key: [examples, ...] array}."""
    input_fn = tf.compat.v1.estimator.inputs.numpy_input_fn(
        x={n: x[:, i] for i, n in enumerate(NAMES)}, batch_size=len(x), shuffle=False, num_epochs=1)
    rows = list(tf_estimator(name, model_dir).predict(input_fn))
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


@pytest.mark.parametrize("name", MODELS)
def test_signatures_equal_tf_predict_and_tf_export(trained, name, tmp_path, capsys):
    model_dir, parsing, raw = trained[name]
    x, _ = iris("iris_test.csv")
    ours = run_signatures(parsing, x)
    ours_raw = run_signatures(raw, x)

    # TF's Estimator.predict on our checkpoint: the predict signature's outputs.
    predicted = tf_predictions(name, model_dir, x)
    assert predicted.keys() == ours["predict"].keys()
    worst_predict = 0.0
    for key, value in predicted.items():
        for outputs in (ours["predict"], ours_raw["predict"]):
            assert outputs[key].shape == value.shape, key
            if value.dtype.kind == "f":
                worst_predict = max(worst_predict, float(np.abs(outputs[key] - value).max()))
            else:
                np.testing.assert_array_equal(outputs[key], value, err_msg=key)
    assert worst_predict <= TOLERANCE

    # TF's own export of our checkpoint, run the same way.
    estimator = tf_estimator(name, model_dir)
    spec = tf.feature_column.make_parse_example_spec([tf.feature_column.numeric_column(n) for n in NAMES])
    tf_parsing = estimator.export_saved_model(
        str(tmp_path / "tf"), tf.estimator.export.build_parsing_serving_input_receiver_fn(spec))
    tf_raw = estimator.export_saved_model(
        str(tmp_path / "tf_raw"),
        tf.estimator.export.build_raw_serving_input_receiver_fn({n: tf.zeros([1]) for n in NAMES}))
    worst = max(max_difference(ours, run_signatures(tf_parsing.decode(), x)),
                max_difference(ours_raw, run_signatures(tf_raw.decode(), x)))
    with capsys.disabled():
        print(f"\n{name}: max |ours - TF's Estimator.predict| {worst_predict:.3g}, "
              f"max |ours - TF's export| over every signature's float outputs {worst:.3g}")
    assert worst <= TOLERANCE
