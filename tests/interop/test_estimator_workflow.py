# SPDX-License-Identifier: Apache-2.0
"""The Estimator workflow across implementations, on model directories:

- a model_dir our `estimator` CLI trained holds exactly the variables
  (names, dtypes, shapes) TF's tf.compat.v1.estimator.DNNClassifier saves;
- a real DNNClassifier pointed at it predicts what we predict and continues
  training from our checkpoint (global_step goes on);
- our CLI restores a model_dir TF trained (no model record: the model flags
  say what it holds): same predictions, same metrics, and training
  continues from TF's global_step, recording the model from then on;
- whichever TF1 optimizer trained it (Adam, RMSProp, Ftrl, ProximalAdagrad),
  our CLI evaluates and predicts a TF model_dir with its default optimizer
  flags, as TF's EVAL and PREDICT graphs do: they restore the model's
  variables and global_step, not the optimizer's slots;
- a model_dir two MPI ranks trained (`mpirun -np 2 estimator train`): TF's
  DNNClassifier evaluates and predicts it as we do, and continues it."""
import json
import shutil
import subprocess

import numpy as np
import pytest
import tensorflow as tf

from conftest import run
from iris_data import DATA, NAMES, iris

HIDDEN = [10, 10]
# What a model_dir without our record needs said: TF's DNNClassifier below.
MODEL_FLAGS = ["--hidden_units", "10,10", "--feature_names", ",".join(NAMES), "--n_classes", "3"]
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
    return run([bin_dir / "estimator", command, "--model_dir", model_dir, *flags])


def our_predictions(bin_dir, model_dir, tmp_path, *flags):
    """Our `estimator predict --json` of iris_test.csv: its probabilities, [examples, classes]."""
    x, _ = iris("iris_test.csv")
    path = tmp_path / "predict.csv"
    path.write_text(",".join(NAMES) + "\n" + "".join(",".join(repr(float(v)) for v in row) + "\n" for row in x))
    lines = cli(bin_dir, "predict", model_dir, "--predict_csv", path, "--json", *flags).stdout.splitlines()
    assert len(lines) == len(x)
    return np.array([json.loads(line)["probabilities"] for line in lines])


def our_metrics(bin_dir, model_dir, *flags):
    """Our `estimator evaluate --json` of iris_test.csv: {metric: value}, global_step included."""
    table = cli(bin_dir, "evaluate", model_dir, "--eval_csv", DATA / "iris_test.csv", "--json", *flags).stdout
    return json.loads(table)


def tf_predictions(model_dir, optimizer="Adagrad"):
    x, y = iris("iris_test.csv")
    return np.array([p["probabilities"] for p in tf_classifier(model_dir, optimizer).predict(input_fn(x, y, 1))])


def global_step(model_dir):
    return int(tf.train.load_variable(str(model_dir), "global_step"))


@pytest.fixture(scope="module")
def ours(tmp_path_factory, bin_dir):
    model_dir = tmp_path_factory.mktemp("ours") / "iris"
    cli(bin_dir, "train", model_dir, "--steps", "100", "--seed", "2", "--train_csv", DATA / "iris_training.csv",
        *MODEL_FLAGS)
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
    np.testing.assert_allclose(our_predictions(bin_dir, model_dir, tmp_path, *MODEL_FLAGS), tf_predictions(theirs),
                               atol=1e-5)
    x, y = iris("iris_test.csv")
    tf_metrics = tf_classifier(theirs).evaluate(input_fn(x, y, 1))
    ours = our_metrics(bin_dir, model_dir, *MODEL_FLAGS)
    for metric in ("accuracy", "average_loss", "loss"):
        np.testing.assert_allclose(ours[metric], tf_metrics[metric], rtol=1e-5, atol=1e-6, err_msg=metric)
    assert ours["global_step"] == 50
    assert not (model_dir / "estimator.json").exists()
    cli(bin_dir, "train", model_dir, "--steps", "7", "--train_csv", DATA / "iris_training.csv", *MODEL_FLAGS)
    assert global_step(model_dir) == 57
    # Our train recorded the model: from now on no model flag is needed.
    assert json.loads((model_dir / "estimator.json").read_text())["hidden_units"] == HIDDEN
    cli(bin_dir, "train", model_dir, "--steps", "3")
    assert global_step(model_dir) == 60


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
    ours = our_metrics(bin_dir, model_dir, *MODEL_FLAGS)
    for metric in ("accuracy", "average_loss", "loss"):
        np.testing.assert_allclose(ours[metric], tf_metrics[metric], rtol=1e-5, atol=1e-6, err_msg=metric)
    assert ours["global_step"] == tf_metrics["global_step"] == 30
    np.testing.assert_allclose(our_predictions(bin_dir, model_dir, tmp_path, *MODEL_FLAGS), theirs, atol=1e-5)


def test_incompatible_checkpoint_error_names_the_variables(ours, bin_dir, tmp_path):
    model_dir = tmp_path / "copy"
    shutil.copytree(ours, model_dir)
    estimator = [bin_dir / "estimator", "train", "--model_dir", model_dir, "--steps", "5"]
    wider = ["--hidden_units", "20,10", "--feature_names", ",".join(NAMES), "--train_csv", DATA / "iris_training.csv"]
    # Against our record, the flag is a contradiction.
    result = subprocess.run([str(a) for a in estimator + wider], capture_output=True, text=True)
    assert result.returncode == 1
    assert f"--hidden_units 20,10 contradicts 10,10 recorded in {model_dir}/estimator.json" in result.stderr
    # Without the record (as TF writes a model_dir), the checkpoint says what does not match, and nothing is written.
    (model_dir / "estimator.json").unlink()
    before = {p.relative_to(model_dir): p.read_bytes() for p in model_dir.rglob("*") if p.is_file()}
    result = subprocess.run([str(a) for a in estimator + wider], capture_output=True, text=True)
    assert result.returncode == 2
    assert ("tensor_name = dnn/hiddenlayer_0/kernel; shape in shape_and_slice spec [4,20] does not match the shape "
            "stored in checkpoint: [4,10]") in result.stderr
    after = {p.relative_to(model_dir): p.read_bytes() for p in model_dir.rglob("*") if p.is_file()}
    assert after == before



def test_tf_estimator_evaluates_and_continues_a_model_dir_two_mpi_ranks_trained(bin_dir, mpirun, tmp_path):
    model_dir = tmp_path / "ranks"
    run(mpirun + [bin_dir / "estimator", "train", "--model_dir", model_dir, "--steps", "100", "--seed", "2",
                  "--batch_size", "50", "--train_csv", DATA / "iris_training.csv", *MODEL_FLAGS])
    assert global_step(model_dir) == 100
    x, y = iris("iris_test.csv")
    theirs = tf_classifier(model_dir).evaluate(input_fn(x, y, 1))
    mine = our_metrics(bin_dir, model_dir)
    assert theirs["global_step"] == mine["global_step"] == 100
    assert theirs["accuracy"] == pytest.approx(mine["accuracy"], abs=1e-6)
    assert theirs["average_loss"] == pytest.approx(mine["average_loss"], rel=1e-5)
    np.testing.assert_allclose(tf_predictions(model_dir), our_predictions(bin_dir, model_dir, tmp_path), atol=1e-5)
    tf_classifier(model_dir).train(input_fn(*iris("iris_training.csv"), None, shuffle=True), steps=10)
    assert global_step(model_dir) == 110
