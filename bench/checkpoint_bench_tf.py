# SPDX-License-Identifier: Apache-2.0
"""TensorFlow's side of checkpoint_bench: tf.train.Checkpoint write and read
of COUNT float32 variables of FLOATS elements. Prints "save_s cold_s warm_s":
the save (TF does not fsync), a restore after the checkpoint's files were
synced and evicted from the page cache (untimed), and a second restore."""
import sys
import time

import numpy as np
import tensorflow as tf

from page_cache import evict


def main(prefix, count, floats):
    count, floats = int(count), int(floats)
    value = np.zeros(floats, dtype=np.float32)
    variables = {f"layer_{i}": tf.Variable(value) for i in range(count)}
    ckpt = tf.train.Checkpoint(**variables)
    start = time.perf_counter()
    path = ckpt.write(prefix)
    save = time.perf_counter() - start
    evict(prefix)
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        ckpt.read(path).assert_consumed()
        timings.append(time.perf_counter() - start)
    print(f"{save} {timings[0]} {timings[1]}")


if __name__ == "__main__":
    main(*sys.argv[1:])
