# SPDX-License-Identifier: Apache-2.0
"""The canned models against real TF1 canned Estimators (tensorflow-estimator).

For each configuration, a real tf.compat.v1.estimator model trains a few steps
on the whole Iris training set as one unshuffled batch. Our estimator_driver
starts from TF's initial checkpoint (model.ckpt-0), trains the same steps on
the same batches, and must end with exactly TF's variable names, dtypes and
shapes (slots and optimizer scalars included), TF's values, TF's training
summaries of the first step (the canned model_fn's histograms and scalars,
bucket for bucket), TF's evaluation metrics and TF's predictions."""
import itertools
import json

import numpy as np
import pytest
import tensorflow as tf

from conftest import run
from iris_data import DATA, NAMES, iris

STEPS = 5
EVAL_BATCH = 8  # 30 test rows: 4 batches, the last one short


def write_csv(path, x, y, label):
    with open(path, "w") as f:
        f.write(",".join(NAMES + [label]) + "\n")
        for row, target in zip(x, y):
            f.write(",".join(repr(float(v)) for v in row) + f",{target}\n")


def datasets(tmp_path, kind):
    """(train x, train y, test x, test y, driver config entries) for a head."""
    (xt, yt), (xe, ye) = iris("iris_training.csv"), iris("iris_test.csv")
    if kind == "multiclass":
        return xt, yt, xe, ye, {"train_csv": str(DATA / "iris_training.csv"),
                                "eval_csv": str(DATA / "iris_test.csv"), "n_classes": 3}
    if kind == "binary":  # setosa or not
        yt, ye = (yt == 0).astype(np.int64), (ye == 0).astype(np.int64)
        n_classes = 2
    else:  # regression of a made-up smooth target
        yt = (xt @ np.array([0.5, -1.0, 0.25, 2.0], np.float32)).astype(np.float32)
        ye = (xe @ np.array([0.5, -1.0, 0.25, 2.0], np.float32)).astype(np.float32)
        n_classes = 0
    write_csv(tmp_path / "train.csv", xt, yt, "label")
    write_csv(tmp_path / "test.csv", xe, ye, "label")
    return xt, yt, xe, ye, {"train_csv": str(tmp_path / "train.csv"), "eval_csv": str(tmp_path / "test.csv"),
                            "label_column": "label", "n_classes": n_classes}


def tf_first_step_summaries(model_dir):
    """{tag: summary value} TF's SummarySaverHook wrote at global step 1, but
    for the Estimator's own `loss` and the numpy_input_fn queue's fill level."""
    values = {}
    for path in sorted(model_dir.glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            if event.step != 1:
                continue
            for value in event.summary.value:
                if value.tag != "loss" and not value.tag.startswith("enqueue_input/"):
                    values[value.tag] = value
    return values


def linear_kernels(checkpoint):
    """The linear model's weight variables in a checkpoint, flat, by name."""
    reader = tf.train.load_checkpoint(str(checkpoint))
    return [reader.get_tensor(name).ravel() for name, _ in tf.train.list_variables(str(checkpoint))
            if name.startswith("linear/linear_model/") and name.endswith("/weights")]


def linear_variable_summaries(checkpoint):
    """What the linear model's summaries of its variables (`linear/bias`,
    `linear/fraction_of_zero_weights`) record for a checkpoint's values:
    {tag: simple value, or {histogram field: value}} without buckets."""
    reader = tf.train.load_checkpoint(str(checkpoint))
    bias = reader.get_tensor("linear/linear_model/bias_weights").astype(np.float64)
    kernels = np.concatenate(linear_kernels(checkpoint))
    bias_stats = {"min": bias.min(), "max": bias.max(), "num": bias.size, "sum": bias.sum(),
                  "sum_squares": (bias * bias).sum()}
    # One logit (binary, regression): TF summarises the bias as a scalar.
    return {"linear/bias": bias_stats if bias.size > 1 else float(bias[0]),
            "linear/fraction_of_zero_weights": float(np.mean(kernels == 0))}


def zero_fractions_of_every_mix(before_checkpoint, after_checkpoint):
    """The fractions of zero weights TF's summary can record when it reads
    each weight variable before or after the first step's update, each
    independently of the others (CI has seen 0.75: three of four kernels read
    before the update, one after)."""
    before, after = linear_kernels(before_checkpoint), linear_kernels(after_checkpoint)
    total = sum(kernel.size for kernel in before)
    return [sum(int(np.sum((a if read_after else b) == 0)) for b, a, read_after in zip(before, after, mix)) / total
            for mix in itertools.product((False, True), repeat=len(before))]


def stats(value):
    """A Summary.Value, or our summary value, as linear_variable_summaries
    gives them: a number, or the histogram's fields but its buckets."""
    if hasattr(value, "WhichOneof"):
        if value.WhichOneof("value") == "simple_value":
            return value.simple_value
        value = {field: getattr(value.histo, field) for field in ("min", "max", "num", "sum", "sum_squares")}
    if isinstance(value, dict):
        return {field: value[field] for field in ("min", "max", "num", "sum", "sum_squares")}
    return value


def close(a, b):
    if isinstance(a, dict):
        return all(np.isclose(a[field], b[field], rtol=2e-5, atol=1e-5) for field in a)
    return bool(np.isclose(a, b, rtol=2e-5, atol=1e-6))


def assert_summaries_equal(ours, theirs, model_dir):
    """Our first step's summaries against TF's. TF evaluates its summaries of
    variables in the train op's Session.run with no order between their reads
    and the update, so it records each variable either before or after the
    first step (CI has seen both, and a mix of the two across the weight
    variables one summary reads). Ours are from before it, like every other
    summary of the step: where TF's do not match model.ckpt-0, they must
    match model.ckpt-1 (or a mix of the two), and ours model.ckpt-0."""
    assert sorted(ours) == sorted(theirs)
    before = possible_after = {}
    if any(tag.startswith("linear/") for tag in theirs):
        before = linear_variable_summaries(model_dir / "model.ckpt-0")
        after = linear_variable_summaries(model_dir / "model.ckpt-1")
        possible_after = {tag: [value] for tag, value in after.items()}
        possible_after["linear/fraction_of_zero_weights"] = zero_fractions_of_every_mix(
            model_dir / "model.ckpt-0", model_dir / "model.ckpt-1")
    for tag, value in theirs.items():
        mine = ours[tag]
        if tag in before and not close(stats(value), before[tag]):
            assert any(close(stats(value), possible) for possible in possible_after[tag]), \
                f"{tag}: TF's value is from neither model.ckpt-0 nor model.ckpt-1"
            assert close(stats(mine), before[tag]), f"{tag}: ours is not from model.ckpt-0: {mine}"
            continue
        if value.WhichOneof("value") == "simple_value":
            np.testing.assert_allclose(mine, value.simple_value, rtol=2e-5, atol=1e-6, err_msg=tag)
            continue
        h = value.histo
        for field in ("min", "max", "sum", "sum_squares"):
            np.testing.assert_allclose(mine[field], getattr(h, field), rtol=2e-5, atol=1e-5, err_msg=f"{tag} {field}")
        assert mine["num"] == h.num, tag
        # Same values to float rounding: the same buckets, the same counts.
        assert mine["bucket_limit"] == list(h.bucket_limit), tag
        assert mine["bucket"] == list(h.bucket), tag


def input_fn(x, y, epochs, batch_size=None):
    return tf.compat.v1.estimator.inputs.numpy_input_fn(
        x={n: x[:, i] for i, n in enumerate(NAMES)}, y=y, batch_size=batch_size or len(x), shuffle=False,
        num_epochs=epochs)


CASES = [
    # id, model, head, hidden_units, optimizer (None: the canned default)
    ("dnn-adagrad-default", "dnn_classifier", "multiclass", [10, 10], None),
    ("dnn-adam", "dnn_classifier", "multiclass", [10, 10], "Adam"),
    ("dnn-rmsprop", "dnn_classifier", "multiclass", [8], "RMSProp"),
    ("dnn-sgd", "dnn_classifier", "multiclass", [6, 5, 4], "SGD"),
    ("dnn-momentum", "dnn_classifier", "multiclass", [10], "Momentum"),
    ("dnn-ftrl-binary", "dnn_classifier", "binary", [10], "Ftrl"),
    ("dnn-regressor", "dnn_regressor", "regression", [10, 10], None),
    # hidden layers wide enough for the packed matrix kernel (src/kernels/gemm.h) where the CPU has it
    ("dnn-wide", "dnn_classifier", "multiclass", [64, 64], None),
    ("linear-default", "linear_classifier", "multiclass", None, None),
    ("linear-regressor", "linear_regressor", "regression", None, None),
    ("linear-regressor-adam", "linear_regressor", "regression", None, "Adam"),
]


def tf_estimator(kind, hidden_units, n_classes, optimizer, model_dir):
    columns = [tf.feature_column.numeric_column(n) for n in NAMES]
    # A checkpoint after every step, all kept: model.ckpt-1 tells which values
    # TF's summaries of variables saw (assert_summaries_equal).
    config = tf.estimator.RunConfig(tf_random_seed=7, save_checkpoints_steps=1, keep_checkpoint_max=STEPS + 1)
    extra = {} if optimizer is None else {"optimizer": optimizer}
    if optimizer == "Momentum":  # not one of the canned names: an instance, momentum 0.9 as ours
        extra["optimizer"] = lambda: tf.compat.v1.train.MomentumOptimizer(learning_rate=0.05, momentum=0.9)
    v1 = tf.compat.v1.estimator
    if kind == "dnn_classifier":
        return v1.DNNClassifier(hidden_units=hidden_units, feature_columns=columns, n_classes=n_classes,
                                model_dir=model_dir, config=config, **extra)
    if kind == "dnn_regressor":
        return v1.DNNRegressor(hidden_units=hidden_units, feature_columns=columns, model_dir=model_dir,
                               config=config, **extra)
    if kind == "linear_regressor":
        return v1.LinearRegressor(feature_columns=columns, model_dir=model_dir, config=config, **extra)
    return v1.LinearClassifier(feature_columns=columns, n_classes=n_classes, model_dir=model_dir, config=config,
                               **extra)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_canned_model_matches_tf_estimator(tmp_path, test_bin_dir, case):
    _, kind, head, hidden_units, optimizer = case
    xt, yt, xe, ye, data = datasets(tmp_path, head)
    model_dir = tmp_path / "tf"
    estimator = tf_estimator(kind, hidden_units, data["n_classes"], optimizer, str(model_dir))
    estimator.train(input_fn(xt, yt, None), steps=STEPS)
    tf_eval = estimator.evaluate(input_fn(xe, ye, 1, EVAL_BATCH))
    tf_predictions = list(estimator.predict(input_fn(xe, ye, 1)))

    initial = tf.train.load_checkpoint(str(model_dir / "model.ckpt-0"))
    init = {name: initial.get_tensor(name).reshape(-1).tolist()
            for name, _ in tf.train.list_variables(str(model_dir / "model.ckpt-0"))
            if name.startswith(("dnn/hiddenlayer", "dnn/logits", "linear/linear_model"))
            and "/t_0/" not in name and "/part_0/" not in name}
    config = {"model": kind, "feature_names": NAMES, "batch_size": len(xt), "steps": STEPS, "init": init,
              "eval_batch_size": EVAL_BATCH, **data}
    if hidden_units:
        config["hidden_units"] = hidden_units
    if optimizer:
        # TF builds a named optimizer with the canned model's learning rate: 0.05 for the DNN, 0.2 linear.
        config["optimizer"] = {"name": optimizer, "learning_rate": 0.2 if kind.startswith("linear") else 0.05}
    (tmp_path / "config.json").write_text(json.dumps(config))
    ours = json.loads(run([test_bin_dir / "estimator_driver", tmp_path / "config.json"]).stdout)

    # Same variables: names, dtypes, shapes, values.
    final = tf.train.load_checkpoint(str(model_dir / f"model.ckpt-{STEPS}"))
    tf_variables = dict(tf.train.list_variables(str(model_dir / f"model.ckpt-{STEPS}")))
    assert sorted(ours["variables"]) == sorted(tf_variables)
    dtypes = final.get_variable_to_dtype_map()
    for name, shape in tf_variables.items():
        mine = ours["variables"][name]
        assert mine["shape"] == list(shape), name
        assert mine["dtype"] == dtypes[name].name, name
        np.testing.assert_allclose(np.array(mine["values"]).reshape(shape), final.get_tensor(name),
                                   rtol=2e-4, atol=2e-5, err_msg=name)

    # Same summaries of the first step: what the canned model_fn records.
    assert_summaries_equal(ours["summaries"], tf_first_step_summaries(model_dir), model_dir)

    # Same evaluation metrics (the ones both compute), streamed over 4 batches:
    # `loss` is the mean of the per-batch SUM losses, the rest per example.
    for key, value in ours["eval"].items():
        assert key in tf_eval, key
        np.testing.assert_allclose(value, tf_eval[key], rtol=2e-4, atol=1e-5, err_msg=key)
    assert {"loss", "average_loss", "global_step"} <= set(ours["eval"])

    # Same predictions.
    p = ours["predictions"]
    if head == "regression":
        np.testing.assert_allclose(p["predictions"], [t["predictions"][0] for t in tf_predictions], rtol=2e-4, atol=2e-5)
        return
    n = data["n_classes"]
    np.testing.assert_allclose(np.array(p["probabilities"]).reshape(-1, n),
                               [t["probabilities"] for t in tf_predictions], atol=1e-5)
    assert p["class_ids"] == [int(t["class_ids"][0]) for t in tf_predictions]
    assert p["classes"] == [t["classes"][0].decode() for t in tf_predictions]
    if head == "binary":
        np.testing.assert_allclose(p["logistic"], [t["logistic"][0] for t in tf_predictions], atol=1e-5)
