# SPDX-License-Identifier: Apache-2.0
"""SavedModel::Run against TensorFlow on SavedModels TensorFlow exported.

TF 2.15 trains canned Estimators on numeric columns and exports them with a
raw serving receiver (a float placeholder in) and with a parsing one
(serialized tf.train.Examples in, ParseExampleV2); for every signature, our
saved_model_run_driver and TF's own tf.saved_model.load(dir).signatures[key]
run the same few hundred inputs: class ids and class names must be equal,
floats within 1e-6 relative (TF's oneDNN and our GEMM may sum in another
order)."""
import json
import subprocess

import numpy as np
import pytest
import tensorflow as tf

ROWS = 300
FEATURES = 4
# |ours - TF| <= RELATIVE * max(|TF|, 1): relative for values of magnitude
# one or more, absolute below (a probability of 1e-9 has no meaningful
# relative difference after float32 sums in another order).
RELATIVE = 1e-6


def train_input_fn(x, y):
    return lambda: tf.data.Dataset.from_tensor_slices(({"x": x}, y)).repeat().shuffle(256, seed=1).batch(32)


def raw_receiver():
    # build_raw_serving_input_receiver_fn makes its placeholders from those
    # given, which must be graph tensors: make them inside the export's graph.
    def receiver_fn():
        x = tf.compat.v1.placeholder(tf.float32, [None, FEATURES], name="x")
        return tf.estimator.export.build_raw_serving_input_receiver_fn({"x": x})()

    return receiver_fn


def parsing_receiver():
    return tf.estimator.export.build_parsing_serving_input_receiver_fn(
        tf.feature_column.make_parse_example_spec(columns()))


RECEIVERS = {"raw": raw_receiver, "parsing": parsing_receiver}


def columns():
    return [tf.feature_column.numeric_column("x", shape=[FEATURES])]


ESTIMATORS = {
    "dnn_classifier": (lambda model_dir: tf.compat.v1.estimator.DNNClassifier(
        hidden_units=[16, 8], feature_columns=columns(), n_classes=3, model_dir=model_dir), "classes"),
    "dnn_binary_classifier": (lambda model_dir: tf.compat.v1.estimator.DNNClassifier(
        hidden_units=[8], feature_columns=columns(), n_classes=2, model_dir=model_dir), "binary"),
    "linear_classifier": (lambda model_dir: tf.compat.v1.estimator.LinearClassifier(
        feature_columns=columns(), n_classes=3, model_dir=model_dir), "classes"),
    "wide_deep_classifier": (lambda model_dir: tf.compat.v1.estimator.DNNLinearCombinedClassifier(
        linear_feature_columns=columns(), dnn_feature_columns=columns(), dnn_hidden_units=[8], n_classes=3,
        model_dir=model_dir), "classes"),
    "dnn_regressor": (lambda model_dir: tf.compat.v1.estimator.DNNRegressor(
        hidden_units=[8], feature_columns=columns(), model_dir=model_dir), "values"),
    "linear_regressor": (lambda model_dir: tf.compat.v1.estimator.LinearRegressor(
        feature_columns=columns(), model_dir=model_dir), "values"),
}


def labels(x, kind):
    if kind == "binary":
        return (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    if kind == "classes":
        return (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 0.5).astype(np.int64)
    return (x @ np.array([0.5, -1.0, 2.0, 0.25], np.float32) + 1.0).astype(np.float32)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("tf_exports")
    rng = np.random.default_rng(7)
    x = rng.normal(size=(512, FEATURES)).astype(np.float32)
    result = {}
    for name, (make, kind) in ESTIMATORS.items():
        estimator = make(str(root / f"{name}_model"))
        estimator.train(train_input_fn(x, labels(x, kind)), steps=200)
        for receiver, make_receiver in RECEIVERS.items():
            result[name, receiver] = estimator.export_saved_model(str(root / f"{name}_{receiver}"),
                                                                  make_receiver()).decode()
    result["tf1_reference_variables", "raw"] = export_tf1_reference_variables(root, x)
    return result


def export_tf1_reference_variables(root, x):
    """A TF1 graph with reference variables (VariableV2, restored by Assign)
    written by SavedModelBuilder: softmax(x w + b), trained a little."""
    path = str(root / "tf1_reference_variables")
    with tf.Graph().as_default(), tf.compat.v1.Session() as session:
        features = tf.compat.v1.placeholder(tf.float32, [None, FEATURES], name="x")
        w = tf.compat.v1.get_variable("w", [FEATURES, 3], use_resource=False)
        b = tf.compat.v1.get_variable("b", [3], use_resource=False, initializer=tf.compat.v1.ones_initializer())
        logits = tf.nn.bias_add(tf.matmul(features, w), b)
        probabilities = tf.nn.softmax(logits)
        session.run(tf.compat.v1.global_variables_initializer())
        session.run(tf.compat.v1.assign_add(w, tf.constant(x[:FEATURES, :3])))
        builder = tf.compat.v1.saved_model.Builder(path)
        signature = tf.compat.v1.saved_model.predict_signature_def(
            {"x": features}, {"probabilities": probabilities, "class_ids": tf.argmax(logits, axis=1)})
        builder.add_meta_graph_and_variables(session, ["serve"], signature_def_map={"serving_default": signature})
        builder.save()
    return path


def examples(x):
    """The rows of `x` as serialized tf.Examples with the float feature "x"."""
    return [tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=row))})).SerializeToString() for row in x]


def run_ours(driver, path, signature, key, value):
    if value.dtype == object:
        inputs = {key: {"dtype": "string", "shape": list(value.shape), "values": [v.hex() for v in value]}}
    else:
        inputs = {key: {"dtype": "float32", "shape": list(value.shape), "values": value.ravel().tolist()}}
    result = subprocess.run([str(driver), path, "serve", signature], input=json.dumps(inputs), capture_output=True,
                            text=True)
    if result.returncode != 0:
        pytest.fail(f"saved_model_run_driver exited {result.returncode}:\n{result.stderr}")
    outputs = {}
    for key, value in json.loads(result.stdout).items():
        if value["dtype"] == "string":
            array = np.array([bytes.fromhex(v) for v in value["values"]], dtype=object)
        else:
            array = np.array(value["values"], dtype=value["dtype"])
        outputs[key] = array.reshape(value["shape"])
    return outputs


@pytest.mark.parametrize("name, receiver", [(name, receiver) for name in ESTIMATORS for receiver in RECEIVERS] +
                         [("tf1_reference_variables", "raw")])
def test_every_signature_gives_tf_outputs(exports, name, receiver, test_bin_dir, capsys):
    path = exports[name, receiver]
    x = np.random.default_rng(11).normal(scale=2.0, size=(ROWS, FEATURES)).astype(np.float32)
    check_every_signature(test_bin_dir / "saved_model_run_driver", path, f"{name} {receiver}", ROWS,
                          lambda spec: np.array(examples(x), dtype=object) if spec.dtype == tf.string else x, capsys)


def check_every_signature(driver, path, label, rows, value_for, capsys):
    """Runs every signature of the export at `path` on `value_for(its input
    spec)` with `driver` and with TF: same keys, dtypes and shapes, integers
    and strings equal, floats within RELATIVE; prints the largest float
    difference per signature."""
    loaded = tf.saved_model.load(path)
    assert loaded.signatures, "the export has no signatures"
    for signature, function in loaded.signatures.items():
        # Each signature has one input: the float rows or their serialized Examples.
        (key, spec), = function.structured_input_signature[1].items()
        value = value_for(spec)
        theirs = {k: v.numpy() for k, v in function(**{key: tf.constant(list(value) if spec.dtype == tf.string
                                                                         else value)}).items()}
        ours = run_ours(driver, path, signature, key, value)
        assert sorted(ours) == sorted(theirs)
        worst = 0.0
        for key, expected in theirs.items():
            actual = ours[key]
            assert actual.shape == expected.shape, key
            assert actual.dtype == expected.dtype, key
            if expected.dtype.kind == "f":
                difference = np.abs(actual - expected) / np.maximum(np.abs(expected), 1.0)
                worst = max(worst, float(difference.max()))
                assert difference.max() <= RELATIVE, key
            else:
                np.testing.assert_array_equal(actual, expected, err_msg=key)
        with capsys.disabled():
            print(f"\n{label} {signature}: outputs {sorted(ours)} on {rows} rows, "
                  f"max |ours - TF| / max(|TF|, 1) {worst:.3g}")


@pytest.mark.parametrize("flag", ["--input_exprs", "--inputs", "--input_examples"])
def test_saved_model_tool_run_gives_tf_outputs(exports, flag, bin_dir, tmp_path):
    """saved_model_tool run with each of saved_model_cli's input flags."""
    x = np.random.default_rng(5).normal(size=(4, FEATURES)).astype(np.float32)
    parsing = flag == "--input_examples"
    signature, key = "predict", "examples" if parsing else "x"
    path = exports["dnn_classifier", "parsing" if parsing else "raw"]
    if flag == "--input_exprs":
        value = f"x={json.dumps(x.tolist())}"
    elif flag == "--inputs":
        np.save(tmp_path / "x.npy", x)
        value = f"x={tmp_path / 'x.npy'}"
    else:
        # A Python literal, as saved_model_cli takes it.
        value = "examples=" + repr([{"x": [float(v) for v in row]} for row in x])
    result = subprocess.run([str(bin_dir / "saved_model_tool"), "run", path, "--tag_set", "serve", "--signature_def",
                             signature, flag, value, "--json"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    ours = json.loads(result.stdout)
    feed = tf.constant(examples(x)) if parsing else tf.constant(x)
    theirs = tf.saved_model.load(path).signatures[signature](**{key: feed})
    np.testing.assert_allclose(np.array(ours["probabilities"]["values"], np.float32).reshape(4, 3),
                               theirs["probabilities"].numpy(), rtol=RELATIVE, atol=RELATIVE)
    assert ours["class_ids"]["values"] == theirs["class_ids"].numpy().ravel().tolist()
    assert ours["classes"]["values"] == [c.decode() for c in theirs["classes"].numpy().ravel()]


@pytest.mark.parametrize("name, receiver", [("dnn_classifier", "raw"), ("dnn_classifier", "parsing"),
                                            ("dnn_binary_classifier", "parsing"), ("dnn_regressor", "raw")])
def test_estimator_predict_saved_model_gives_tf_predictions(exports, name, receiver, bin_dir, tmp_path):
    """estimator predict --saved_model on TF's export: a CSV of rows in, TF's
    predict keys out as JSON Lines. The raw receiver's one input "x" takes
    the whole row; the parsing receiver's Examples hold it as the feature
    --feature_names x."""
    x = np.random.default_rng(13).normal(size=(40, FEATURES)).astype(np.float32)
    csv = tmp_path / "rows.csv"
    csv.write_text("".join(",".join(repr(float(v)) for v in row) + "\n" for row in x))
    path = exports[name, receiver]
    result = subprocess.run([str(bin_dir / "estimator"), "predict", "--saved_model", path, "--predict_csv", str(csv),
                             "--feature_names", "x", "--batch_size", "16", "--json"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    ours = [json.loads(line) for line in result.stdout.splitlines()]
    feed = tf.constant(examples(x)) if receiver == "parsing" else tf.constant(x)
    key = "examples" if receiver == "parsing" else "x"
    theirs = {k: v.numpy() for k, v in tf.saved_model.load(path).signatures["predict"](**{key: feed}).items()}
    assert len(ours) == len(x)
    if "predictions" in theirs:
        np.testing.assert_allclose([o["predictions"] for o in ours], theirs["predictions"], rtol=RELATIVE,
                                   atol=RELATIVE)
        return
    np.testing.assert_allclose([o["probabilities"] for o in ours], theirs["probabilities"], rtol=RELATIVE,
                               atol=RELATIVE)
    np.testing.assert_allclose([o["logits"] for o in ours], theirs["logits"], rtol=RELATIVE, atol=RELATIVE)
    assert [o["class_ids"] for o in ours] == theirs["class_ids"].tolist()
    assert [o["classes"] for o in ours] == [[c.decode() for c in row] for row in theirs["classes"]]
    assert ours[0]["all_classes"] == [c.decode() for c in theirs["all_classes"][0]]
    if "logistic" in theirs:
        np.testing.assert_allclose([o["logistic"] for o in ours], theirs["logistic"], rtol=RELATIVE, atol=RELATIVE)
