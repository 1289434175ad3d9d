# SPDX-License-Identifier: Apache-2.0
"""The Estimator workflow across implementations, on model directories:

- a model_dir our `estimator` CLI trained holds exactly the variables
  (names, dtypes, shapes) TF's tf.compat.v1.estimator.DNNClassifier saves;
- a real DNNClassifier pointed at it predicts what we predict and continues
  training from our checkpoint (global_step goes on);
- our CLI restores a model_dir TF trained: same predictions, same metrics,
  and training continues from TF's global_step;
- whichever TF1 optimizer trained it (Adam, RMSProp, Ftrl, ProximalAdagrad),
  our CLI evaluates and predicts a TF model_dir with its default flags, as
  TF's EVAL and PREDICT graphs do: they restore the model's variables and
  global_step, not the optimizer's slots."""
import json
import shutil
import subprocess

import numpy as np
import pytest
import tensorflow as tf

from conftest import run
from test_estimator import NAMES, iris

HIDDEN = [10, 10]
# TF1 optimizers whose slots our CLI's default optimizer (Adagrad) lacks.
OPTIMIZERS = {
    "Adam": lambda: tf.compat.v1.train.AdamOptimizer(0.01),
    "RMSProp": lambda: tf.compat.v1.train.RMSPropOptimizer(0.01),
    "Ftrl": lambda: tf.compat.v1.train.FtrlOptimizer(0.05),
    "ProximalAdagrad": lambda: tf.compat.v1.train.ProximalAdagradOptimizer(0.05),
}


def tf_classifier(model_dir, optimizer="Adagrad"):
    return tf.compat.v1.estimator.DNNClassifier(
        hidden_units=HIDDEN, feature_columns=[tf.feature_column.numeric_column(n) for n in NAMES], n_classes=3,
        optimizer=optimizer, model_dir=str(model_dir), config=tf.estimator.RunConfig(tf_random_seed=5))


def input_fn(x, y, epochs, shuffle=False):
    return tf.compat.v1.estimator.inputs.numpy_input_fn(
        x={n: x[:, i] for i, n in enumerate(NAMES)}, y=y, batch_size=100, shuffle=shuffle, num_epochs=epochs)


def cli(bin_dir, command, model_dir, *flags):
    return run([bin_dir / "estimator", command, "--model_dir", model_dir, "--hidden_units", "10,10", *flags])


def our_predictions(bin_dir, model_dir, tmp_path):
    """Our `estimator predict --json` of iris_test.csv: its probabilities, [examples, classes]."""
    x, _ = iris("iris_test.csv")
    path = tmp_path / "predict.csv"
    path.write_text(",".join(NAMES) + "\n" + "".join(",".join(repr(float(v)) for v in row) + "\n" for row in x))
    lines = cli(bin_dir, "predict", model_dir, "--predict_csv", path, "--json").stdout.splitlines()
    assert len(lines) == len(x)
    return np.array([json.loads(line)["probabilities"] for line in lines])


def our_metrics(bin_dir, model_dir):
    """Our `estimator evaluate --json` of iris_test.csv: {metric: value}, global_step included."""
    return json.loads(cli(bin_dir, "evaluate", model_dir, "--json").stdout)


def tf_predictions(model_dir, optimizer="Adagrad"):
    x, y = iris("iris_test.csv")
    return np.array([p["probabilities"] for p in tf_classifier(model_dir, optimizer).predict(input_fn(x, y, 1))])


def global_step(model_dir):
    return int(tf.train.load_variable(str(model_dir), "global_step"))


@pytest.fixture(scope="module")
def ours(tmp_path_factory, bin_dir):
    model_dir = tmp_path_factory.mktemp("ours") / "iris"
    cli(bin_dir, "train", model_dir, "--steps", "100", "--seed", "2")
    return model_dir


@pytest.fixture(scope="module")
def theirs(tmp_path_factory):
    model_dir = tmp_path_factory.mktemp("theirs") / "iris"
    x, y = iris("iris_training.csv")
    tf_classifier(model_dir).train(input_fn(x, y, None, shuffle=True), steps=50)
    return model_dir


def test_list_variables_equals_tf_estimators(ours, theirs):
    def variables(model_dir):
        reader = tf.train.load_checkpoint(str(model_dir))
        dtypes = reader.get_variable_to_dtype_map()
        return {name: (dtypes[name].name, list(shape)) for name, shape in tf.train.list_variables(str(model_dir))}

    mine = variables(ours)
    assert mine == variables(theirs)
    assert mine["dnn/hiddenlayer_0/kernel"] == ("float32", [4, 10])
    assert mine["dnn/hiddenlayer_1/bias/t_0/Adagrad"] == ("float32", [10])
    assert mine["dnn/logits/kernel"] == ("float32", [10, 3])
    assert mine["global_step"] == ("int64", [])
    assert tf.train.latest_checkpoint(str(ours)).endswith("model.ckpt-100")


def test_tf_estimator_predicts_and_continues_from_our_model_dir(ours, bin_dir, tmp_path):
    mine = our_predictions(bin_dir, ours, tmp_path)
    np.testing.assert_allclose(tf_predictions(ours), mine, atol=1e-5)
    model_dir = tmp_path / "continued"
    shutil.copytree(ours, model_dir)
    x, y = iris("iris_training.csv")
    tf_classifier(model_dir).train(input_fn(x, y, None, shuffle=True), steps=10)
    assert global_step(model_dir) == 110
    # ... and we continue from TF's checkpoint in turn.
    cli(bin_dir, "train", model_dir, "--steps", "5")
    assert global_step(model_dir) == 115


def test_we_restore_and_continue_from_tf_model_dir(theirs, bin_dir, tmp_path):
    model_dir = tmp_path / "theirs"
    shutil.copytree(theirs, model_dir)
    np.testing.assert_allclose(our_predictions(bin_dir, model_dir, tmp_path), tf_predictions(theirs), atol=1e-5)
    x, y = iris("iris_test.csv")
    tf_metrics = tf_classifier(theirs).evaluate(input_fn(x, y, 1))
    ours = our_metrics(bin_dir, model_dir)
    for metric in ("accuracy", "average_loss", "loss"):
        np.testing.assert_allclose(ours[metric], tf_metrics[metric], rtol=1e-5, atol=1e-6, err_msg=metric)
    assert ours["global_step"] == 50
    cli(bin_dir, "train", model_dir, "--steps", "7")
    assert global_step(model_dir) == 57


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_we_evaluate_and_predict_tf_model_dir_whichever_optimizer_trained_it(optimizer, bin_dir, tmp_path):
    model_dir = tmp_path / "iris"
    x, y = iris("iris_training.csv")
    tf_classifier(model_dir, OPTIMIZERS[optimizer]).train(input_fn(x, y, None, shuffle=True), steps=30)
    variables = [name for name, _ in tf.train.list_variables(str(model_dir))]
    assert f"dnn/hiddenlayer_0/kernel/t_0/{optimizer}" in variables
    assert not any(name.endswith("/Adagrad") for name in variables)
    xt, yt = iris("iris_test.csv")
    tf_metrics = tf_classifier(model_dir, OPTIMIZERS[optimizer]).evaluate(input_fn(xt, yt, 1))
    theirs = tf_predictions(model_dir, OPTIMIZERS[optimizer])
    ours = our_metrics(bin_dir, model_dir)
    for metric in ("accuracy", "average_loss", "loss"):
        np.testing.assert_allclose(ours[metric], tf_metrics[metric], rtol=1e-5, atol=1e-6, err_msg=metric)
    assert ours["global_step"] == tf_metrics["global_step"] == 30
    np.testing.assert_allclose(our_predictions(bin_dir, model_dir, tmp_path), theirs, atol=1e-5)


def test_incompatible_checkpoint_error_names_the_variables(ours, bin_dir, tmp_path):
    model_dir = tmp_path / "copy"
    shutil.copytree(ours, model_dir)
    before = {p.relative_to(model_dir): p.read_bytes() for p in model_dir.rglob("*") if p.is_file()}
    result = subprocess.run([str(a) for a in [bin_dir / "estimator", "train", "--model_dir", model_dir, "--hidden_units", "20,10",
                                 "--steps", "5"]], capture_output=True, text=True)
    assert result.returncode == 2
    assert ("tensor_name = dnn/hiddenlayer_0/kernel; shape in shape_and_slice spec [4,20] does not match the shape "
            "stored in checkpoint: [4,10]") in result.stderr
    after = {p.relative_to(model_dir): p.read_bytes() for p in model_dir.rglob("*") if p.is_file()}
    assert after == before

