# SPDX-License-Identifier: Apache-2.0
"""The SavedModels saved_model_run_bench serves: TF 2.15 trains
tf.compat.v1.estimator.DNNClassifiers on random data and exports them with a
raw serving receiver (one float placeholder "x" of shape [None, F]), as TF
Serving would load them.

    python saved_model_run_bench_tf.py OUT_DIR

writes OUT_DIR/iris (4 features, hidden [10, 10], 3 classes) and OUT_DIR/mlp
(784 features, hidden [512, 512], 10 classes), and prints their paths."""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)

MODELS = {"iris": (4, [10, 10], 3), "mlp": (784, [512, 512], 10)}


def export(out_dir, name, features, hidden, n_classes):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(256, features)).astype(np.float32)
    y = rng.integers(0, n_classes, size=256).astype(np.int64)
    columns = [tf.feature_column.numeric_column("x", shape=[features])]
    estimator = tf.compat.v1.estimator.DNNClassifier(hidden_units=hidden, feature_columns=columns,
                                                     n_classes=n_classes,
                                                     model_dir=os.path.join(out_dir, name + "_model"))
    estimator.train(lambda: tf.data.Dataset.from_tensor_slices(({"x": x}, y)).repeat().batch(32), steps=20)

    def receiver_fn():
        placeholder = tf.compat.v1.placeholder(tf.float32, [None, features], name="x")
        return tf.estimator.export.build_raw_serving_input_receiver_fn({"x": placeholder})()

    path = estimator.export_saved_model(os.path.join(out_dir, name + "_export"), receiver_fn).decode()
    final = os.path.join(out_dir, name)
    os.rename(path, final)
    return final


def main():
    out_dir = sys.argv[1]
    for name, (features, hidden, n_classes) in MODELS.items():
        print(export(out_dir, name, features, hidden, n_classes), flush=True)


if __name__ == "__main__":
    main()
