# SPDX-License-Identifier: Apache-2.0
"""SavedModels our Estimator::ExportSavedModel writes, run by TF 2.15 beside
TF's own Estimator.

Our library trains canned models (saved_model_common.MODELS: DNNClassifier
with 3 and with 2 classes, with and without a label_vocabulary,
DNNRegressor, LinearClassifier, LinearRegressor) on Iris and exports their
latest checkpoint. Then, with TF 2.15 and no code of ours:

- `saved_model_cli show --all` lists TF's signatures, inputs and outputs;
- `saved_model_cli run` runs serving_default on serialized tf.Examples;
- `tf.saved_model.load(path)`: every signature's outputs on the Iris test
  set equal TF's Estimator.predict on the same model_dir (a real
  tf.compat.v1.estimator pointed at our checkpoint), and equal the outputs
  of TF's own export_saved_model of that checkpoint run the same way, for
  the parsing receiver (serialized Examples) and the raw one (one float
  tensor per feature); so do the class names of a label_vocabulary, which
  our export gathers from a constant and TF's looks up in a table;
- our own Estimator::Predict equals TF's Estimator.predict: the reference
  of test_saved_model_load.py (also run by the newest TF, which has no
  tf.estimator) and test_saved_model_c_api.py;
- our SavedModel::Run of the parsing export (saved_model_run_driver) gives
  every signature's outputs as TF's run of the same export."""
import re
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from saved_model_common import (MODELS, NAMES, TOLERANCE, example_protos, expected_predict, iris, max_difference,
                                run_signatures, train_and_export)
from test_saved_model_run import check_every_signature

HIDDEN = [10, 10]


def tf_estimator(name, model_dir):
    model = MODELS[name]
    columns = [tf.feature_column.numeric_column(n) for n in NAMES]
    if model.kind == "dnn_regressor":
        return tf.compat.v1.estimator.DNNRegressor(hidden_units=HIDDEN, feature_columns=columns,
                                                   model_dir=str(model_dir))
    if model.kind == "linear_regressor":
        return tf.compat.v1.estimator.LinearRegressor(feature_columns=columns, model_dir=str(model_dir))
    vocabulary = {"label_vocabulary": list(model.vocabulary)} if model.vocabulary else {}
    if model.kind == "dnn_classifier":
        return tf.compat.v1.estimator.DNNClassifier(hidden_units=HIDDEN, feature_columns=columns,
                                                    n_classes=model.n_classes, model_dir=str(model_dir), **vocabulary)
    return tf.compat.v1.estimator.LinearClassifier(feature_columns=columns, n_classes=model.n_classes,
                                                   model_dir=str(model_dir), **vocabulary)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, test_bin_dir):
    return train_and_export(tmp_path_factory.mktemp("saved_model"), test_bin_dir)


def head(name):
    model = MODELS[name]
    return "regressor" if model.kind.endswith("regressor") else "binary" if model.n_classes == 2 else "multi"


EXPECTED_SIGNATURES = {
    "multi": {"serving_default", "classification", "predict"},
    "binary": {"serving_default", "classification", "regression", "predict"},
    "regressor": {"serving_default", "regression", "predict"},
}
PREDICT_OUTPUTS = {
    "multi": {"logits", "probabilities", "class_ids", "classes", "all_class_ids", "all_classes"},
    "binary": {"logits", "logistic", "probabilities", "class_ids", "classes", "all_class_ids", "all_classes"},
    "regressor": {"predictions"},
}


@pytest.mark.parametrize("name", MODELS)
def test_saved_model_cli_show_lists_tf_signatures(trained, name):
    _, parsing, raw, _ = trained[name]
    shown = subprocess.run([sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "show", "--all", "--dir",
                            parsing], capture_output=True, text=True, check=True).stdout
    assert "MetaGraphDef with tag-set: 'serve'" in shown
    assert set(re.findall(r"signature_def\['(\w+)'\]", shown)) == EXPECTED_SIGNATURES[head(name)]
    assert "name: input_example_tensor:0" in shown
    predict = shown.split("signature_def['predict']")[1].split("signature_def[")[0]
    assert set(re.findall(r"outputs\['(\w+)'\]", predict)) == PREDICT_OUTPUTS[head(name)]
    assert set(re.findall(r"inputs\['(\w+)'\]", predict)) == {"examples"}
    shown_raw = subprocess.run([sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "show", "--dir", raw,
                                "--tag_set", "serve"], capture_output=True, text=True, check=True).stdout
    assert set(re.findall(r"SignatureDef key: \"(\w+)\"", shown_raw)) == {"predict"}


@pytest.mark.parametrize("name", ["multi", "regressor", "vocabulary"])
def test_saved_model_cli_runs_serving_default_on_examples(trained, name, tmp_path):
    _, parsing, _, _ = trained[name]
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
    model_dir, parsing, raw, predictions = trained[name]
    x, _ = iris("iris_test.csv")
    ours = run_signatures(parsing, x)
    ours_raw = run_signatures(raw, x)

    # TF's Estimator.predict on our checkpoint: the predict signature's
    # outputs, and our own Predict (the reference of test_saved_model_load.py
    # and test_saved_model_c_api.py).
    predicted = {"predict": tf_predictions(name, model_dir, x)}
    worst_predict = max(max_difference({"predict": ours["predict"]}, predicted),
                        max_difference({"predict": ours_raw["predict"]}, predicted))
    worst_reference = max_difference({"predict": expected_predict(MODELS[name], predictions)}, predicted)
    assert worst_predict <= TOLERANCE
    assert worst_reference <= TOLERANCE

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
              f"max |ours - TF's export| over every signature's float outputs {worst:.3g}, "
              f"max |our Predict - TF's Estimator.predict| {worst_reference:.3g}")
    assert worst <= TOLERANCE


@pytest.mark.parametrize("name", MODELS)
def test_our_runtime_gives_tf_outputs_on_our_export(trained, name, test_bin_dir, capsys):
    _, parsing, _, _ = trained[name]
    # 300 rows over the ranges of Iris' features.
    x = np.random.default_rng(3).uniform([4.0, 2.0, 1.0, 0.1], [8.0, 4.5, 7.0, 2.5], size=(300, 4)).astype(np.float32)
    check_every_signature(test_bin_dir / "saved_model_run_driver", str(parsing), f"our export of {name}", len(x),
                          lambda spec: np.array(example_protos(x), dtype=object), capsys)
