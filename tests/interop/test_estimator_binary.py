# SPDX-License-Identifier: Apache-2.0
"""Evaluation of a binary DNNClassifier, ours against TF's on the same checkpoint.

A real tf.compat.v1.estimator.DNNClassifier (n_classes=2: versicolor or not,
which no straight line separates) trains in TF. TF's evaluate() and our
`estimator evaluate` then read that same checkpoint, over the same batches,
and must report the same metrics: TF1's binary head's accuracy,
accuracy_baseline, auc, auc_precision_recall (tf.compat.v1.metrics.auc, 200
thresholds, trapezoidal), average_loss, label/mean, loss, precision,
prediction/mean, recall and global_step. Our log lines around an evaluation
are TF's: the same lines, in the same order, in the same formats."""
import logging
import re
import shutil

import numpy as np
import pytest
import tensorflow as tf

from conftest import run
from test_estimator import NAMES, iris

HIDDEN = [10, 10]
EVAL_BATCH = 8  # the metrics stream over several batches, the last one short


def write_tf_layout(path, x, y):
    """A CSV in TF's Iris layout: "rows,features,class names" then the rows."""
    with open(path, "w") as f:
        f.write(f"{len(x)},{x.shape[1]},other,versicolor\n")
        for row, label in zip(x, y):
            f.write(",".join(repr(float(v)) for v in row) + f",{label}\n")


def binary(name):
    x, y = iris(name)
    return x, (y == 1).astype(np.int64)


def input_fn(x, y, epochs, batch_size, shuffle=False):
    return tf.compat.v1.estimator.inputs.numpy_input_fn(
        x={n: x[:, i] for i, n in enumerate(NAMES)}, y=y, batch_size=batch_size, shuffle=shuffle, num_epochs=epochs)


def tf_classifier(model_dir):
    return tf.compat.v1.estimator.DNNClassifier(
        hidden_units=HIDDEN, feature_columns=[tf.feature_column.numeric_column(n) for n in NAMES], n_classes=2,
        model_dir=str(model_dir), config=tf.estimator.RunConfig(tf_random_seed=11))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("binary")
    files = {}
    for name in ("iris_training.csv", "iris_test.csv"):
        x, y = binary(name)
        write_tf_layout(path / name, x, y)
        files[name] = (path / name, x, y)
    # Two epochs of the training set in one file: 30 batches of 8.
    x, y = binary("iris_training.csv")
    x, y = np.concatenate([x, x]), np.concatenate([y, y])
    write_tf_layout(path / "twice.csv", x, y)
    files["twice.csv"] = (path / "twice.csv", x, y)
    return files


@pytest.fixture(scope="module")
def theirs(tmp_path_factory, data):
    model_dir = tmp_path_factory.mktemp("tf") / "model"
    _, x, y = data["iris_training.csv"]
    tf_classifier(model_dir).train(input_fn(x, y, None, 32, shuffle=True), steps=300)
    return model_dir


def our_evaluate(bin_dir, model_dir, data, eval_name, *flags):
    """Our CLI's evaluation of a copy of model_dir: its log lines (stderr)."""
    result = run([bin_dir / "estimator", "evaluate", "--model_dir", model_dir, "--hidden_units",
                  ",".join(map(str, HIDDEN)), "--feature_names", ",".join(NAMES), "--train_csv",
                  data["iris_training.csv"][0], "--eval_csv", data[eval_name][0], "--batch_size", EVAL_BATCH, *flags])
    return [line.removeprefix("INFO:tfcompat:") for line in result.stderr.splitlines()]


def saved_dict(lines):
    """The metrics of the "Saving dict for global step N: k = v, ..." line, in its order."""
    line = next(line for line in lines if line.startswith("Saving dict for global step "))
    return [(k, float(v)) for k, v in re.findall(r"([\w/]+) = ([^,]+)", line.split(": ", 1)[1])]


@pytest.mark.parametrize("eval_name", ["iris_test.csv", "iris_training.csv"])
def test_binary_metrics_equal_tf_on_the_same_checkpoint(theirs, data, bin_dir, tmp_path, eval_name):
    _, x, y = data[eval_name]
    tf_metrics = tf_classifier(theirs).evaluate(input_fn(x, y, 1, EVAL_BATCH))
    model_dir = tmp_path / "model"
    shutil.copytree(theirs, model_dir)
    ours = dict(saved_dict(our_evaluate(bin_dir, model_dir, data, eval_name)))
    assert sorted(ours) == sorted(tf_metrics)
    assert 0.5 < tf_metrics["auc"] < 1.0  # a curve with something to integrate
    assert ours["global_step"] == tf_metrics["global_step"] == 300
    for key in ("auc", "auc_precision_recall"):
        # The confusion counts at the 200 thresholds are the same integers
        # (the sigmoids agree to ~1e-7 and none lies that close to a
        # threshold); TF sums the 199 trapezoids in float32, we in double.
        # Measured: within 6e-8 (the printed float's last digit); 1e-6
        # leaves room for float32 rounding, while one example counted at
        # another threshold typically moves the area by ~1/(positives x
        # negatives), over 1e-4 here.
        np.testing.assert_allclose(ours[key], tf_metrics[key], rtol=0, atol=1e-6, err_msg=key)
    for key in ("accuracy", "accuracy_baseline", "label/mean", "precision", "recall"):
        # Counts of the same examples: exact up to the printed float.
        np.testing.assert_allclose(ours[key], tf_metrics[key], rtol=1e-6, err_msg=key)
    for key in ("average_loss", "loss", "prediction/mean"):
        # Sums of float32 losses and sigmoids, in another order.
        np.testing.assert_allclose(ours[key], tf_metrics[key], rtol=1e-5, err_msg=key)


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


# The lines an evaluation logs, as patterns shared by TF's and ours.
KINDS = [
    ("start", r"Starting evaluation at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$"),
    ("restore", r"Restoring parameters from .*model\.ckpt-300$"),
    ("progress", r"Evaluation \[\d+/\d+\]$"),
    ("time", r"Inference Time : \d+\.\d{5}s$"),
    ("finish", r"Finished evaluation at \d{4}-\d\d-\d\d-\d\d:\d\d:\d\d$"),
    ("dict", r"Saving dict for global step 300: "),
    ("path", r"Saving 'checkpoint_path' summary for global step 300: .*model\.ckpt-300$"),
]


def kinds(lines):
    """Each line that is one of KINDS, as (kind, line)."""
    out = []
    for line in lines:
        for kind, pattern in KINDS:
            if re.match(pattern, line):
                out.append((kind, line))
    return out


@pytest.mark.parametrize("steps", [3, 25])
def test_evaluation_log_lines_are_tfs(theirs, data, bin_dir, tmp_path, steps):
    _, x, y = data["twice.csv"]
    handler = _Lines()
    logger = tf.get_logger()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        tf_classifier(theirs).evaluate(input_fn(x, y, 1, EVAL_BATCH), steps=steps)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    model_dir = tmp_path / "model"
    shutil.copytree(theirs, model_dir)
    mine = kinds(our_evaluate(bin_dir, model_dir, data, "twice.csv", "--steps", steps))
    theirs_lines = kinds(handler.lines)
    assert [k for k, _ in mine] == [k for k, _ in theirs_lines]
    # Under 20 steps a line after each; from 20 on, every tenth of them and the last.
    expected = range(1, steps + 1) if steps < 20 else [*range(2, 25, 2), 25]
    progress = [f"Evaluation [{n}/{steps}]" for n in expected]
    assert [line for k, line in theirs_lines if k == "progress"] == progress
    assert [line for k, line in mine if k == "progress"] == progress
    # The dict line: the same metrics in the same (sorted) order, the same values.
    ours_dict, tf_dict = saved_dict(line for _, line in mine), saved_dict(line for _, line in theirs_lines)
    assert [k for k, _ in ours_dict] == [k for k, _ in tf_dict]
    np.testing.assert_allclose([v for _, v in ours_dict], [v for _, v in tf_dict], rtol=1e-5, atol=1e-5)
