# SPDX-License-Identifier: Apache-2.0
"""saved_model_tool show beside TF 2.15's saved_model_cli show; ckpt_tool on
SavedModel directories beside tf.train.list_variables / load_variable.

SavedModels: TF's own exports made here (a tf.compat.v1.estimator
DNNClassifier trained on Iris and exported with the parsing and the raw
receiver; a tf.Module with two tf.function signatures saved by
tf.saved_model.save), and our Estimator's exports of the same kinds. On each,
`saved_model_tool show` prints what `saved_model_cli show` prints: the tag
sets, the signature keys, every signature on its own, and --all. Two things
are normalized in saved_model_cli's --all: the set of ops, which Python
prints in its strings' hash order, is compared sorted (as we print it); and
the "Concrete Functions" TF appends for a TF2 SavedModel, found by loading
its object graph into Python, are cut (we do not print them). The expected
output the unit tests hold for TF Serving's models
(tests/testdata/saved_model_cli) is checked to be saved_model_cli's, so
normalized."""
import ast
import json
import re
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from conftest import run
from test_estimator import DATA, NAMES, iris

CLI_DIR = "saved_model_cli"


def saved_model_cli(*args):
    return subprocess.run([sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "show", *map(str, args)],
                          capture_output=True, text=True, check=True).stdout


def normalize(text):
    """saved_model_cli's output without the Concrete Functions, its ops set sorted."""
    text = text.split("\nConcrete Functions:")[0]

    def sort_ops(match):
        ops = sorted(ast.literal_eval(match.group(2)))
        return match.group(1) + ("{" + ", ".join(repr(op) for op in ops) + "}" if ops else "set()")

    return re.sub(r"^(The MetaGraph with tag set .* contains the following ops: )(.*)$", sort_ops, text,
                  flags=re.M)


def tf_estimator_exports(root):
    """TF's DNNClassifier, trained 20 steps on Iris, exported with each receiver."""
    x, y = iris("iris_training.csv")
    columns = [tf.feature_column.numeric_column(n) for n in NAMES]
    estimator = tf.compat.v1.estimator.DNNClassifier(hidden_units=[10, 10], feature_columns=columns, n_classes=3,
                                                     model_dir=str(root / "tf_model"))
    estimator.train(tf.compat.v1.estimator.inputs.numpy_input_fn(
        x={n: x[:, i] for i, n in enumerate(NAMES)}, y=y, batch_size=32, shuffle=True, num_epochs=None), steps=20)
    spec = tf.feature_column.make_parse_example_spec(columns)
    parsing = estimator.export_saved_model(str(root / "tf_export"),
                                           tf.estimator.export.build_parsing_serving_input_receiver_fn(spec))
    raw = estimator.export_saved_model(
        str(root / "tf_export_raw"),
        tf.estimator.export.build_raw_serving_input_receiver_fn({n: tf.zeros([1]) for n in NAMES}))
    return parsing.decode(), raw.decode()


class Scaler(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
        self.b = tf.Variable([0.5, -0.5])

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="x")])
    def predict(self, x):
        return {"y": tf.matmul(x, self.w) + self.b, "argmax": tf.argmax(x, axis=1)}

    @tf.function(input_signature=[tf.TensorSpec([], tf.string), tf.TensorSpec(None, tf.int32)])
    def describe(self, label, counts):
        return {"text": tf.strings.join([label, tf.strings.as_string(tf.reduce_sum(counts))])}


def tf_module_export(root):
    module = Scaler()
    path = root / "tf_module"
    tf.saved_model.save(module, str(path), signatures={"serving_default": module.predict,
                                                        "describe": module.describe})
    return str(path)


@pytest.fixture(scope="module")
def exports(tmp_path_factory, test_bin_dir):
    """{name: SavedModel directory}: TF's and ours."""
    root = tmp_path_factory.mktemp("saved_model_tool")
    tf_parsing, tf_raw = tf_estimator_exports(root)
    driver = test_bin_dir / "saved_model_driver"
    csv = DATA / "iris_training.csv"
    ours = run([driver, "dnn_classifier", 3, root / "ours", csv, 20, root / "ours_export", "parsing"]).stdout.strip()
    ours_raw = run([driver, "dnn_classifier", 3, root / "ours", csv, 0, root / "ours_export", "raw"]).stdout.strip()
    return {"tf_estimator": tf_parsing, "tf_estimator_raw": tf_raw, "tf_module": tf_module_export(root),
            "ours": ours, "ours_raw": ours_raw}


def show(bin_dir, *args):
    return run([bin_dir / "saved_model_tool", "show", *args]).stdout


# The signature shown on its own, for the models whose every mode is
# compared (for the others, --all, which shows every signature the same way,
# indented): for the module, the one with a scalar and an unknown rank.
SIGNATURE = {"tf_estimator": "serving_default", "tf_module": "describe", "ours": "serving_default"}


@pytest.mark.parametrize("name", ["tf_estimator", "tf_estimator_raw", "tf_module", "ours", "ours_raw"])
def test_show_prints_what_saved_model_cli_prints(exports, bin_dir, name):
    path = exports[name]
    theirs = saved_model_cli("--dir", path, "--all")
    assert ("\nConcrete Functions:" in theirs) == (name == "tf_module")
    assert show(bin_dir, path, "--all") == normalize(theirs)
    if name in SIGNATURE:
        assert show(bin_dir, path) == saved_model_cli("--dir", path)
        assert show(bin_dir, path, "--tag_set", "serve") == saved_model_cli("--dir", path, "--tag_set", "serve")
        one = ["--tag_set", "serve", "--signature_def", SIGNATURE[name]]
        assert show(bin_dir, path, *one) == saved_model_cli("--dir", path, *one)


def test_expected_output_of_the_unit_tests_is_saved_model_cli_output(testdata):
    expected = testdata / CLI_DIR
    models = {
        "half_plus_two_cpu": "tf-serving/servables/tensorflow/testdata/saved_model_half_plus_two_cpu/00000123",
        "half_plus_two_tf2_cpu": "tf-serving/servables/tensorflow/testdata/saved_model_half_plus_two_tf2_cpu/00000123",
        "half_plus_two_mkl": "tf-serving/servables/tensorflow/testdata/saved_model_half_plus_two_mkl/00000123",
        "half_plus_three": "tf-serving/servables/tensorflow/testdata/saved_model_half_plus_three/00000123",
        "counter": "tf-serving/servables/tensorflow/testdata/saved_model_counter/00000123",
        "estimator_basics": "estimator-basics/saved_model/1567058788",
    }
    for name, path in models.items():
        assert (expected / f"{name}.all.txt").read_text() == normalize(
            saved_model_cli("--dir", testdata / "tf" / path, "--all")), name
    cpu = testdata / "tf" / models["half_plus_two_cpu"]
    assert (expected / "half_plus_two_cpu.txt").read_text() == saved_model_cli("--dir", cpu)
    assert (expected / "half_plus_two_cpu.serve.txt").read_text() == saved_model_cli("--dir", cpu, "--tag_set",
                                                                                      "serve")
    assert (expected / "half_plus_two_cpu.serve.classify_x_to_y.txt").read_text() == saved_model_cli(
        "--dir", cpu, "--tag_set", "serve", "--signature_def", "classify_x_to_y")


@pytest.mark.parametrize("name", ["tf_estimator", "tf_module", "ours"])
def test_ckpt_tool_reads_a_saved_model_directorys_variables(exports, bin_dir, name):
    path = exports[name]
    prefix = f"{path}/variables/variables"
    listed = json.loads(run([bin_dir / "ckpt_tool", "list", path, "--json"]).stdout)
    assert listed["checkpoint"] == prefix
    assert {t["name"]: t["shape"] for t in listed["tensors"]} == dict(tf.train.list_variables(prefix))
    numeric = [t["name"] for t in listed["tensors"] if t["dtype"] != "string"]
    printed = json.loads(run([bin_dir / "ckpt_tool", "print", path, *numeric, "--json"]).stdout)
    for tensor in printed["tensors"]:
        expected = tf.train.load_variable(prefix, tensor["name"])
        values = np.array(tensor["values"], dtype=expected.dtype).reshape(expected.shape)
        np.testing.assert_array_equal(values, expected, err_msg=tensor["name"])
    assert run([bin_dir / "ckpt_tool", "validate", path]).stdout.startswith(f"OK {prefix}: ")
