"""TensorFlow's side of checkpoint_bench: tf.train.Checkpoint write and read
of COUNT float32 variables of FLOATS elements. Prints "save_s restore_s"."""
import sys
import time

import numpy as np
import tensorflow as tf


def main(prefix, count, floats):
    count, floats = int(count), int(floats)
    value = np.zeros(floats, dtype=np.float32)
    variables = {f"layer_{i}": tf.Variable(value) for i in range(count)}
    ckpt = tf.train.Checkpoint(**variables)
    start = time.perf_counter()
    path = ckpt.write(prefix)
    save = time.perf_counter() - start
    start = time.perf_counter()
    ckpt.read(path).assert_consumed()
    restore = time.perf_counter() - start
    print(f"{save} {restore}")


if __name__ == "__main__":
    main(*sys.argv[1:])
