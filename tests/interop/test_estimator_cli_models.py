# SPDX-License-Identifier: Apache-2.0
"""The `estimator` CLI's canned estimators, read by TensorFlow.

Our CLI trains, on an ordinary CSV (a header row in another order than the
features', quoted fields, the species as names), a DNNClassifier with
--label_vocabulary, a LinearRegressor and a DNNRegressor (tanh, dropout,
Ftrl). A real tf.compat.v1.estimator model of the same class and settings,
pointed at a copy of that model_dir, restores every variable, predicts what
our CLI predicts, evaluates to what our CLI reports, and trains on from our
checkpoint. TF's `saved_model_cli run` serves what `estimator export` wrote
from such a model_dir, giving what `estimator predict` prints."""
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from conftest import run
from iris_data import NAMES, iris

SPECIES = ["setosa", "versicolor", "virginica"]
STEPS = 200


def write_named(path, x, y, label):
    """Iris as an ordinary CSV: the label column first, the features in
    another order, some fields quoted, a comment column holding commas."""
    order = [3, 0, 2, 1]
    with open(path, "w") as f:
        f.write(f'"{label}",' + ",".join(NAMES[i] for i in order) + ',"note, free text"\n')
        for k, (row, target) in enumerate(zip(x, y)):
            value = f'"{target}"' if k % 2 else str(target)
            f.write(value + "," + ",".join(repr(float(row[i])) for i in order) + f',"row {k}, ""quoted"""\n')


def files(tmp_path, kind):
    """(train csv, test csv, test x, test y) with species names or petal widths as labels."""
    out = []
    for name in ("iris_training.csv", "iris_test.csv"):
        x, y = iris(name)
        # The species' names, or for regression the petal width (predicted from the other three features).
        labels = [SPECIES[i] for i in y] if kind == "classifier" else [repr(float(v)) for v in x[:, 3]]
        write_named(tmp_path / name, x, labels, "label")
        out.append(tmp_path / name)
    x, y = iris("iris_test.csv")
    return out[0], out[1], x, y


def features(x, names):
    return {n: x[:, NAMES.index(n)] for n in names}


def tf_input(x, y, names, epochs=1, shuffle=False):
    return tf.compat.v1.estimator.inputs.numpy_input_fn(x=features(x, names), y=y, batch_size=100, shuffle=shuffle,
                                                         num_epochs=epochs)


CASES = {
    "dnn-classifier-vocabulary": dict(
        kind="classifier", names=NAMES,
        flags=["--estimator", "DNNClassifier", "--hidden_units", "10,10", "--label_vocabulary", ",".join(SPECIES)],
        tf=lambda columns, model_dir: tf.compat.v1.estimator.DNNClassifier(
            hidden_units=[10, 10], feature_columns=columns, n_classes=3, label_vocabulary=SPECIES,
            model_dir=model_dir)),
    "linear-regressor": dict(
        kind="regressor", names=NAMES[:3], flags=["--estimator", "LinearRegressor"],
        tf=lambda columns, model_dir: tf.compat.v1.estimator.LinearRegressor(feature_columns=columns,
                                                                              model_dir=model_dir)),
    "dnn-regressor-tanh-dropout-ftrl": dict(
        kind="regressor", names=NAMES[:3],
        flags=["--estimator", "DNNRegressor", "--hidden_units", "8,4", "--activation_fn", "tanh", "--dropout", "0.1",
               "--optimizer", "Ftrl"],
        tf=lambda columns, model_dir: tf.compat.v1.estimator.DNNRegressor(
            hidden_units=[8, 4], feature_columns=columns, activation_fn=tf.nn.tanh, dropout=0.1, optimizer="Ftrl",
            model_dir=model_dir)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_tf_reads_what_our_cli_trained(case, bin_dir, tmp_path):
    spec = CASES[case]
    names = spec["names"]
    train_csv, test_csv, x, y = files(tmp_path, spec["kind"])
    model_dir = tmp_path / "ours"
    label = "label"
    run([bin_dir / "estimator", "train", "--model_dir", model_dir, "--train_csv", train_csv, "--steps", STEPS,
         "--seed", "4", "--label_column", label, "--feature_names", ",".join(names), *spec["flags"]])
    # The record keeps the model: evaluate and predict need only the model_dir.
    ours = json.loads(run([bin_dir / "estimator", "evaluate", "--model_dir", model_dir, "--eval_csv", test_csv,
                            "--json"]).stdout)
    predicted = [json.loads(line) for line in run([bin_dir / "estimator", "predict", "--model_dir", model_dir,
                                                   "--predict_csv", test_csv, "--json"]).stdout.splitlines()]

    copy = tmp_path / "tf"
    shutil.copytree(model_dir, copy)
    estimator = spec["tf"]([tf.feature_column.numeric_column(n) for n in names], str(copy))
    if spec["kind"] == "classifier":
        labels = np.array([SPECIES[i] for i in y])
        theirs = list(estimator.predict(tf_input(x, None, names)))
        assert [p["classes"][0] for p in predicted] == [t["classes"][0].decode() for t in theirs]
        np.testing.assert_allclose([p["probabilities"] for p in predicted], [t["probabilities"] for t in theirs],
                                   atol=1e-5)
        tf_metrics = estimator.evaluate(tf_input(x, labels, names))
        metrics = ("accuracy", "average_loss", "loss")
    else:
        labels = x[:, 3].reshape(-1, 1)
        theirs = [t["predictions"][0] for t in estimator.predict(tf_input(x, None, names))]
        np.testing.assert_allclose([p["predictions"][0] for p in predicted], theirs, rtol=1e-5, atol=1e-5)
        tf_metrics = estimator.evaluate(tf_input(x, labels, names))
        metrics = ("average_loss", "loss", "label/mean", "prediction/mean")
    assert tf_metrics["global_step"] == ours["global_step"] == STEPS
    for metric in metrics:
        np.testing.assert_allclose(ours[metric], tf_metrics[metric], rtol=1e-5, atol=1e-6, err_msg=metric)
    # TF trains on from our checkpoint (every slot of the optimizer restored).
    estimator.train(tf_input(x, labels, names, epochs=None, shuffle=True), steps=3)
    assert int(tf.train.load_variable(str(copy), "global_step")) == STEPS + 3


@pytest.mark.parametrize("case", ["dnn-classifier-vocabulary", "linear-regressor"])
def test_saved_model_cli_serves_what_our_cli_exported(case, bin_dir, tmp_path):
    """`estimator export` after `estimator train`, served by TF's own
    `saved_model_cli run` on serialized tf.Examples: the serving_default
    signature gives what `estimator predict` prints."""
    spec = CASES[case]
    names = spec["names"]
    train_csv, test_csv, x, _ = files(tmp_path, spec["kind"])
    model_dir = tmp_path / "ours"
    run([bin_dir / "estimator", "train", "--model_dir", model_dir, "--train_csv", train_csv, "--steps", STEPS,
         "--seed", "4", "--label_column", "label", "--feature_names", ",".join(names), *spec["flags"]])
    export_dir = run([bin_dir / "estimator", "export", "--model_dir", model_dir, "--export_dir", tmp_path / "export",
                      "--quiet"]).stdout.strip()
    assert export_dir.startswith(str(tmp_path / "export") + "/")
    predicted = [json.loads(line) for line in run([bin_dir / "estimator", "predict", "--model_dir", model_dir,
                                                   "--predict_csv", test_csv, "--json"]).stdout.splitlines()]

    examples = "[" + ",".join("{" + ",".join(f'"{n}":[{float(row[NAMES.index(n)])!r}]' for n in names) + "}"
                              for row in x) + "]"
    outdir = tmp_path / "served"
    subprocess.run([sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "run", "--dir", export_dir,
                    "--tag_set", "serve", "--signature_def", "serving_default", "--input_examples",
                    f"inputs={examples}", "--outdir", outdir], capture_output=True, text=True, check=True)
    if spec["kind"] == "classifier":
        classes = np.load(outdir / "classes.npy", allow_pickle=True)
        assert [[c.decode() for c in row] for row in classes] == [SPECIES] * len(x)
        np.testing.assert_allclose(np.load(outdir / "scores.npy"), [p["probabilities"] for p in predicted],
                                   atol=1e-6)
    else:
        np.testing.assert_allclose(np.load(outdir / "outputs.npy"), [p["predictions"] for p in predicted],
                                   rtol=1e-6, atol=1e-6)
