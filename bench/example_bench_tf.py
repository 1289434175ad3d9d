# SPDX-License-Identifier: Apache-2.0
"""TensorFlow's side of example_bench: reads the records of FILE, then parses
them with tf.io.parse_example in batches of BATCH, RUNS times, on one thread
(intra- and inter-op parallelism 1). Prints "wall_rate cpu_rate" per run:
examples per second by wall clock and by the process's CPU time."""
import sys
import time

import tensorflow as tf


def spec():
    """The spec of example_bench.cc's Spec(), key for key."""
    features = {f"f{i}": tf.io.FixedLenFeature([], tf.float32) for i in range(4)}
    features["emb"] = tf.io.FixedLenFeature([8], tf.float32)
    features["i0"] = tf.io.FixedLenFeature([], tf.int64)
    features["i1"] = tf.io.FixedLenFeature([], tf.int64)
    features["s0"] = tf.io.FixedLenFeature([], tf.string)
    features["vi"] = tf.io.VarLenFeature(tf.int64)
    features["vs"] = tf.io.VarLenFeature(tf.string)
    return features


def main(path, batch, runs):
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    batches = list(tf.data.TFRecordDataset(path).batch(int(batch)))
    total = sum(int(b.shape[0]) for b in batches)
    features = spec()
    tf.io.parse_example(batches[0], features)  # warm-up: op and kernel creation
    for _ in range(int(runs)):
        start, cpu_start = time.perf_counter(), time.process_time()
        for b in batches:
            tf.io.parse_example(b, features)
        cpu = time.process_time() - cpu_start
        print(total / (time.perf_counter() - start), total / cpu, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
