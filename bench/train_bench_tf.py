# SPDX-License-Identifier: Apache-2.0
"""TF Estimator peer for train_bench: steady-state training steps per second
of tf.compat.v1.estimator.DNNClassifier on the same models and data.

    python bench/train_bench_tf.py   (run by `train_bench --peer PYTHON`)

Each figure is the median step time over the steps after the first 20 of one
train() call (graph building, session creation and the first checkpoint are
excluded), with RunConfig's defaults for summaries and checkpoints. The MLP
feeds its 784 features as one numeric_column of shape (784,)."""
import os
import pathlib
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
DATA = pathlib.Path(__file__).resolve().parents[1] / "data"
NAMES = ["SepalLength", "SepalWidth", "PetalLength", "PetalWidth"]


class StepTimes(tf.compat.v1.train.SessionRunHook):
    def __init__(self):
        self.times = []

    def after_run(self, run_context, run_values):
        self.times.append(time.perf_counter())


def micros_per_step(columns, features, labels, hidden, classes, batch, steps):
    with tempfile.TemporaryDirectory() as model_dir:
        estimator = tf.compat.v1.estimator.DNNClassifier(
            hidden_units=hidden, feature_columns=columns, n_classes=classes, model_dir=model_dir,
            config=tf.estimator.RunConfig(tf_random_seed=1))
        input_fn = tf.compat.v1.estimator.inputs.numpy_input_fn(
            x=features, y=labels, batch_size=batch, shuffle=True, num_epochs=None)
        hook = StepTimes()
        estimator.train(input_fn, steps=steps, hooks=[hook])
    deltas = np.diff(hook.times[20:])
    return 1e6 * statistics.median(deltas)


def main():
    table = np.loadtxt(DATA / "iris_training.csv", delimiter=",", skiprows=1, dtype=np.float32)
    iris_x = {n: table[:, i] for i, n in enumerate(NAMES)}
    iris_y = table[:, 4].astype(np.int64)
    iris_columns = [tf.feature_column.numeric_column(n) for n in NAMES]
    for batch in (32, 100):
        us = micros_per_step(iris_columns, iris_x, iris_y, [10, 10], 3, batch, 1000)
        print(f"  iris 4-10-10-3   batch {batch:3d}: {us:9.2f} us/step  {1e6 / us:10.0f} steps/s", flush=True)
    rng = np.random.default_rng(12345)
    mlp_x = {"x": rng.random((1280, 784), dtype=np.float32)}
    mlp_y = (np.arange(1280) % 10).astype(np.int64)
    us = micros_per_step([tf.feature_column.numeric_column("x", shape=(784,))], mlp_x, mlp_y, [512, 512], 10,
                         128, 120)
    print(f"  mlp 784-512-512-10 batch 128: {us:7.0f} us/step  {1e6 / us:10.1f} steps/s", flush=True)


if __name__ == "__main__":
    main()
