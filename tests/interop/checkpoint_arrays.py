# SPDX-License-Identifier: Apache-2.0
"""Arrays of every fixed-width dtype a TensorFlow checkpoint holds, with
their edge values (extremes, subnormals, infinities, an empty shape and a
scalar), and a Keras layer with optimizer slots, for the checkpoint
interop tests."""
import numpy as np
import tensorflow as tf

BFLOAT16 = tf.bfloat16.as_numpy_dtype


def every_fixed_width_dtype(seed):
    rng = np.random.default_rng(seed)
    return {
        "float32": rng.standard_normal((3, 4)).astype(np.float32),
        "float64": np.array([0.1, -1e300, 5e-324, np.inf], dtype=np.float64),
        "bfloat16": np.array([1.5, -2.0, 3.140625], dtype=BFLOAT16),
        "float16": np.array([[1.0, -0.5], [65504.0, 6e-8]], dtype=np.float16),
        "int8": np.array([-128, 0, 127], dtype=np.int8),
        "int16": np.array([-32768, 32767], dtype=np.int16),
        "int32": np.arange(-6, 6, dtype=np.int32).reshape(2, 3, 2),
        "int64": np.array(2**40 + 7, dtype=np.int64),
        "uint8": np.array([0, 255], dtype=np.uint8),
        "uint16": np.array([0, 65535], dtype=np.uint16),
        "uint32": np.array([0, 4000000000], dtype=np.uint32),
        "uint64": np.array([0, 2**64 - 1], dtype=np.uint64),
        "bool": np.array([True, False, True]),
        "complex64": np.array([1 - 2j, 0.5j], dtype=np.complex64),
        "complex128": np.array([[3 + 4j]], dtype=np.complex128),
        "empty": np.zeros((0, 5), dtype=np.float32),
    }


def dense_trained_one_adam_step():
    """A Dense(3) layer on 4 inputs after one Adam step: a TF2 object
    checkpoint of it holds the kernel, the bias and their slots."""
    dense = tf.keras.layers.Dense(3)
    dense.build((None, 4))
    optimizer = tf.keras.optimizers.legacy.Adam(0.1)  # slots under .OPTIMIZER_SLOT
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(dense(tf.ones((2, 4))) ** 2)
    optimizer.apply_gradients(zip(tape.gradient(loss, dense.trainable_variables), dense.trainable_variables))
    return dense, optimizer
