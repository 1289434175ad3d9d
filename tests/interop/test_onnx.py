# SPDX-License-Identifier: Apache-2.0
"""model.onnx files our Estimator::ExportOnnx writes, checked by ONNX and
run by ONNX Runtime.

Our library trains canned models on Iris (DNNClassifier of 3 classes with
each activation, one of them with dropout; of 2 classes; DNNRegressor;
LinearClassifier of 3 and 2 classes; LinearRegressor) and exports the
latest checkpoint as ONNX. Then, with onnx 1.23 and onnxruntime 1.31 and no code of ours:

- onnx.checker.check_model(full_check=True) accepts the file (which runs
  ONNX's shape inference in strict mode over the whole graph);
- its inputs are one float [batch, 1] tensor per feature named by the
  feature's key, its outputs those of the SavedModel's `predict` signature,
  with TF's dtypes;
- onnxruntime's outputs on the Iris test set equal our Estimator::Predict
  on the same checkpoint: class ids and class names exactly, probabilities
  within 1e-6, logits and regressions within 1e-6 of their size."""
import json

import numpy as np
import onnx
import onnxruntime
import pytest

from conftest import run
from iris_data import DATA, NAMES, iris, write_tf_csv

STEPS = 200
# ONNX Runtime's matrix products and softmax are not ours: the same float32
# model may round differently in the last bits. Probabilities (and
# logistic) must agree within TOLERANCE; logits and predictions, which can
# be large, within TOLERANCE relative to their size (one float32 ulp of a
# logit of 8 is 9.5e-7).
TOLERANCE = 1e-6
PROBABILITIES = ("probabilities", "logistic")

# name: (driver model, n_classes, driver flags)
MODELS = {
    "multi": ("dnn_classifier", 3, []),
    "multi_relu6_dropout": ("dnn_classifier", 3, ["--activation=relu6", "--dropout=0.2"]),
    "multi_elu": ("dnn_classifier", 3, ["--activation=elu"]),
    "multi_tanh": ("dnn_classifier", 3, ["--activation=tanh"]),
    "multi_sigmoid": ("dnn_classifier", 3, ["--activation=sigmoid"]),
    "multi_linear": ("dnn_classifier", 3, ["--activation=linear"]),
    "binary": ("dnn_classifier", 2, []),
    "regressor": ("dnn_regressor", 0, []),
    "linear_regressor": ("linear_regressor", 0, []),
    "linear": ("linear_classifier", 3, []),
    "linear_binary": ("linear_classifier", 2, []),
}
CLASSIFIER_OUTPUTS = {
    "logits": "tensor(float)",
    "probabilities": "tensor(float)",
    "class_ids": "tensor(int64)",
    "classes": "tensor(string)",
    "all_class_ids": "tensor(int32)",
    "all_classes": "tensor(string)",
}


def outputs_of(name):
    """{output: ONNX Runtime type} of the model `name`: its SavedModel predict signature's."""
    kind, n_classes, _ = MODELS[name]
    if kind.endswith("regressor"):
        return {"predictions": "tensor(float)"}
    if n_classes == 2:
        return {**CLASSIFIER_OUTPUTS, "logistic": "tensor(float)"}
    return CLASSIFIER_OUTPUTS


@pytest.fixture(scope="module")
def exported(tmp_path_factory, test_bin_dir):
    """{model name: (path of model.onnx, our Estimator::Predict on iris_test.csv)}."""
    root = tmp_path_factory.mktemp("onnx")
    # The binary models learn "virginica or not".
    (x, y), (xt, yt) = iris("iris_training.csv"), iris("iris_test.csv")
    write_tf_csv(root / "binary_training.csv", x, (y == 2).astype(np.int64), ["other", "virginica"])
    write_tf_csv(root / "binary_test.csv", xt, (yt == 2).astype(np.int64), ["other", "virginica"])
    result = {}
    for name, (kind, n_classes, flags) in MODELS.items():
        binary = n_classes == 2
        train = root / "binary_training.csv" if binary else DATA / "iris_training.csv"
        test = root / "binary_test.csv" if binary else DATA / "iris_test.csv"
        lines = run([test_bin_dir / "saved_model_driver", kind, n_classes, root / name, train, STEPS,
                     root / f"{name}_export", "onnx", *flags, f"--predict_csv={test}"]).stdout.splitlines()
        result[name] = (f"{lines[0]}/model.onnx", json.loads(lines[1]))
    return result


def run_onnx(path, x):
    """{output: array} of ONNX Runtime's CPU session on the rows `x`."""
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    feed = {n: x[:, i:i + 1] for i, n in enumerate(NAMES)}
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(names, feed)))


@pytest.mark.parametrize("name", MODELS)
def test_onnx_checker_accepts_the_model_with_full_check(exported, name):
    path, _ = exported[name]
    onnx.checker.check_model(path, full_check=True)
    model = onnx.load(path)
    assert model.ir_version == 8
    assert [(o.domain, o.version) for o in model.opset_import] == [("", 17)]
    assert {p.key: p.value for p in model.metadata_props} == {"global_step": str(STEPS)}
    # Dropout is the identity at inference: no node of the graph is one.
    assert "Dropout" not in {node.op_type for node in model.graph.node}


@pytest.mark.parametrize("name", MODELS)
def test_inputs_are_the_feature_keys_and_outputs_the_predict_signatures(exported, name):
    path, _ = exported[name]
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    assert {i.name: (i.type, i.shape) for i in session.get_inputs()} == {
        n: ("tensor(float)", ["batch", 1]) for n in NAMES}
    assert {o.name: o.type for o in session.get_outputs()} == outputs_of(name)


@pytest.mark.parametrize("name", MODELS)
def test_onnx_runtime_predicts_what_our_estimator_predicts(exported, name, capsys):
    path, ours = exported[name]
    x, _ = iris("iris_test.csv")
    theirs = run_onnx(path, x)
    rows = len(x)
    worst = {}
    # Our Predictions' fields that the graph outputs (a regressor's logits are its predictions).
    compared = [key for key in ours if key in theirs]
    assert compared
    for key in compared:
        value = np.array(ours[key])
        if key in ("class_ids", "classes", "logistic", "predictions"):
            value = value.reshape(rows, 1)  # ours are one per row; the graph's [batch, 1]
        assert theirs[key].shape == value.shape, key
        if value.dtype.kind == "f":
            assert theirs[key].dtype == np.float32, key
            worst[key] = float(np.abs(theirs[key] - value).max())
        else:
            np.testing.assert_array_equal(theirs[key], value, err_msg=key)
    if "class_ids" in ours:
        assert theirs["class_ids"].dtype == np.int64
        n = theirs["probabilities"].shape[1]
        np.testing.assert_array_equal(theirs["all_class_ids"], np.tile(np.arange(n, dtype=np.int32), (rows, 1)))
        np.testing.assert_array_equal(theirs["all_classes"], np.tile(np.array([str(i) for i in range(n)]),
                                                                     (rows, 1)))
        assert len(set(ours["class_ids"])) > 1, "a model that predicts one class proves little"
    # One example at a time gives the same outputs: the batch dimension is free.
    single = run_onnx(path, x[:1])
    for key, value in single.items():
        if value.dtype.kind == "f":
            np.testing.assert_allclose(value, theirs[key][:1], rtol=0, atol=TOLERANCE, err_msg=key)
        else:
            np.testing.assert_array_equal(value, theirs[key][:1], err_msg=key)
    with capsys.disabled():
        print(f"\n{name}: max |onnxruntime - Estimator::Predict| " +
              ", ".join(f"{key} {diff:.3g}" for key, diff in sorted(worst.items())))
    for key, diff in worst.items():
        scale = 1.0 if key in PROBABILITIES else max(1.0, float(np.abs(theirs[key]).max()))
        assert diff <= TOLERANCE * scale, key
