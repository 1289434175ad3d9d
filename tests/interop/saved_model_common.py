# SPDX-License-Identifier: Apache-2.0
"""What the SavedModel interop tests share: the models our saved_model_driver
trains on Iris and exports (parsing and raw receivers), with our own
Estimator::Predict on the Iris test set as the reference; how to run every
signature of an export under tf.saved_model.load; and the outputs each
signature must give, built from that reference.

It needs only TensorFlow's core API (tf.saved_model, tf.train.Example), so it
runs under TF 2.15 and under TF releases without tf.estimator alike."""
import collections
import json

import numpy as np
import tensorflow as tf

from conftest import run
from iris_data import DATA, NAMES, iris, write_tf_csv

STEPS = 200
# Probabilities and logits of the same float32 model: TF's oneDNN kernels may
# sum in another order than our Predict.
TOLERANCE = 1e-5

Model = collections.namedtuple("Model", "kind n_classes vocabulary")
MODELS = {
    "multi": Model("dnn_classifier", 3, None),
    "binary": Model("dnn_classifier", 2, None),
    "regressor": Model("dnn_regressor", 0, None),
    "linear": Model("linear_classifier", 3, None),
    # class names from a label_vocabulary: ours gathers them from a constant,
    # TF's export looks them up in a table.
    "vocabulary": Model("dnn_classifier", 3, ("setosa", "versicolor", "virginica")),
    "binary_vocabulary": Model("dnn_classifier", 2, ("other", "versicolor")),
}

# model_dir; paths of the parsing and the raw export of its latest
# checkpoint; our Predict on the Iris test set (saved_model_driver's JSON).
Export = collections.namedtuple("Export", "model_dir parsing raw predictions")


def write_binary_csv(path):
    """iris_training.csv with label "versicolor or not", in TF's CSV layout."""
    x, y = iris("iris_training.csv")
    write_tf_csv(path, x, (y == 1).astype(np.int64), ["other", "versicolor"])


def train_and_export(root, test_bin_dir):
    """{model name: Export}: each of MODELS trained STEPS steps by our library
    under `root` and exported with both receivers."""
    binary_csv = root / "iris_binary.csv"
    write_binary_csv(binary_csv)
    driver = test_bin_dir / "saved_model_driver"
    result = {}
    for name, model in MODELS.items():
        model_dir = root / name
        csv = binary_csv if model.n_classes == 2 else DATA / "iris_training.csv"
        common = [driver, model.kind, model.n_classes, model_dir, csv]
        vocabulary = [f"--label_vocabulary={','.join(model.vocabulary)}"] if model.vocabulary else []
        # Separate bases: a second export into the same base within the same
        # second would wait for the next one.
        parsing, predictions = run(common + [STEPS, root / f"{name}_parsing", "parsing", *vocabulary,
                                             f"--predict_csv={DATA / 'iris_test.csv'}"]).stdout.splitlines()
        raw = run(common + [0, root / f"{name}_raw", "raw", *vocabulary]).stdout.strip()
        result[name] = Export(model_dir, parsing, raw, json.loads(predictions))
    return result


def example_protos(x):
    """The rows of `x` as serialized tf.Examples: one float feature per column."""
    def example(row):
        features = {n: tf.train.Feature(float_list=tf.train.FloatList(value=[float(v)])) for n, v in zip(NAMES, row)}
        return tf.train.Example(features=tf.train.Features(feature=features)).SerializeToString()

    return [example(row) for row in x]


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
            feed = {input_name: tf.constant(example_protos(x))}
        outputs[key] = {k: v.numpy() for k, v in fn(**feed).items()}
    return outputs


def expected_predict(model, predictions):
    """The `predict` signature's outputs for our Predict's `predictions`, in
    TF's names, dtypes and shapes."""
    def column(values, dtype):  # one value per example: [examples, 1]
        return np.array(values, dtype).reshape(-1, 1)

    if model.kind == "dnn_regressor":
        return {"predictions": column(predictions["predictions"], np.float32)}
    rows = len(predictions["class_ids"])
    names = model.vocabulary or [str(i) for i in range(model.n_classes)]
    outputs = {
        "logits": np.array(predictions["logits"], np.float32),
        "probabilities": np.array(predictions["probabilities"], np.float32),
        "class_ids": column(predictions["class_ids"], np.int64),
        "classes": column([c.encode() for c in predictions["classes"]], object),
        "all_class_ids": np.tile(np.arange(model.n_classes, dtype=np.int32), (rows, 1)),
        "all_classes": np.array([[c.encode() for c in names]] * rows, object),
    }
    if "logistic" in predictions:
        outputs["logistic"] = column(predictions["logistic"], np.float32)
    return outputs


def expected_signatures(model, predictions, receiver):
    """{signature: {output: array}} an export with `receiver` must give: the
    raw receiver has `predict` only; the parsing one also TF Serving's
    classify (classes, scores) and regress (outputs) signatures, one of them
    again as serving_default."""
    predict = expected_predict(model, predictions)
    if receiver == "raw":
        return {"predict": predict}
    if model.kind == "dnn_regressor":
        regression = {"outputs": predict["predictions"]}
        return {"predict": predict, "regression": regression, "serving_default": regression}
    classification = {"classes": predict["all_classes"], "scores": predict["probabilities"]}
    signatures = {"predict": predict, "classification": classification, "serving_default": classification}
    if model.n_classes == 2:
        signatures["regression"] = {"outputs": predict["logistic"]}
    return signatures


def max_difference(ours, theirs):
    """Largest absolute difference of float outputs of {signature: {output:
    array}}; the signatures, outputs, shapes and dtypes must be the same, and
    non-float outputs equal."""
    worst = 0.0
    assert ours.keys() == theirs.keys()
    for signature in ours:
        assert ours[signature].keys() == theirs[signature].keys(), signature
        for key, value in ours[signature].items():
            other = theirs[signature][key]
            assert value.shape == other.shape and value.dtype == other.dtype, (signature, key, value.shape,
                                                                                other.shape, value.dtype, other.dtype)
            if value.dtype.kind == "f":
                worst = max(worst, float(np.abs(value - other).max()))
            else:
                np.testing.assert_array_equal(value, other, err_msg=f"{signature}/{key}")
    return worst
