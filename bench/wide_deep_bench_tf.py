# SPDX-License-Identifier: Apache-2.0
"""TF Estimator peer for wide_deep_bench: steady-state training steps per
second of tf.compat.v1.estimator.DNNLinearCombinedClassifier on the same
spec (data/penguins/wide_deep.json) and data (data/penguins/penguins.csv).

    python bench/wide_deep_bench_tf.py --batch_size N [--tfcompat_estimator_us US]
    (run by `wide_deep_bench --peer PYTHON`)

The CSV is read with tf.data.experimental.CsvDataset (NA and empty fields
take the column's default: "" for strings, -1 for the year, the numeric
columns' default_value), shuffled, repeated and batched. Each run's figure is
the median step time over the steps after the first 20 of one train() call
(graph building, session creation and the first checkpoint are excluded),
with RunConfig's defaults for summaries and checkpoints; the median of 3 runs
is printed, and its ratio to tfcompat's Estimator::Train figure when given."""
import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "interop"))
from tf_feature_columns import tf_columns  # noqa: E402

tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
SPEC = json.loads((ROOT / "data" / "penguins" / "wide_deep.json").read_text())
PENGUINS = ROOT / "data" / "penguins" / "penguins.csv"
SPECIES = ["Adelie", "Chinstrap", "Gentoo"]
# penguins.csv's columns with their defaults: as the spec reads them.
COLUMNS = {"species": "", "island": "", "bill_length_mm": 44.0, "bill_depth_mm": 17.0, "flipper_length_mm": 200.0,
           "body_mass_g": 4200.0, "sex": "", "year": -1}
DTYPES = {str: tf.string, float: tf.float32, int: tf.int64}
STEPS = 1000
RUNS = 3


class StepTimes(tf.compat.v1.train.SessionRunHook):
    def __init__(self):
        self.times = []

    def after_run(self, run_context, run_values):
        self.times.append(time.perf_counter())


def input_fn(batch_size):
    def fn():
        defaults = [tf.constant([v], DTYPES[type(v)]) for v in COLUMNS.values()]
        dataset = tf.data.experimental.CsvDataset(str(PENGUINS), defaults, header=True, na_value="NA")
        dataset = dataset.map(lambda *row: dict(zip(COLUMNS, row)))
        dataset = dataset.shuffle(400, seed=1).repeat().batch(batch_size)
        return dataset.map(lambda features: (features, features.pop("species")))
    return fn


def micros_per_step(batch_size):
    with tempfile.TemporaryDirectory() as model_dir:
        estimator = tf.compat.v1.estimator.DNNLinearCombinedClassifier(
            model_dir=model_dir, linear_feature_columns=tf_columns(SPEC, "linear_feature_columns"),
            dnn_feature_columns=tf_columns(SPEC, "dnn_feature_columns"), dnn_hidden_units=[100, 50], n_classes=3,
            label_vocabulary=SPECIES, config=tf.estimator.RunConfig(tf_random_seed=1))
        hook = StepTimes()
        estimator.train(input_fn(batch_size), steps=STEPS, hooks=[hook])
    return 1e6 * statistics.median(np.diff(hook.times[20:]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch_size", type=int, required=True)
    parser.add_argument("--tfcompat_estimator_us", type=float)
    args = parser.parse_args()
    us = statistics.median(micros_per_step(args.batch_size) for _ in range(RUNS))
    print(f"  TF Estimator:                {us:9.1f} us/step  {1e6 / us:9.0f} steps/s (median of {RUNS} runs)")
    if args.tfcompat_estimator_us:
        print(f"  tfcompat Estimator::Train is {us / args.tfcompat_estimator_us:.1f}x TF's steps/s")


if __name__ == "__main__":
    main()
