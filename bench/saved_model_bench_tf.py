# SPDX-License-Identifier: Apache-2.0
"""TensorFlow's side of saved_model_bench: Estimator.export_saved_model of a
tf.compat.v1.estimator.DNNClassifier pointed at the model_dir our Estimator
trained, with the parsing serving receiver. A coprocess: one request line on
stdin, one reply line on stdout.

    model MODEL_DIR N_CLASSES HIDDEN,... FEATURE,...   ->  ok
    export EXPORT_DIR_BASE                             ->  <wall s> <CPU s> <export path>

The estimator and the receiver are made once per model; an export's times
are those of the export_saved_model call (it builds the graph, restores the
latest checkpoint in a session and writes the SavedModel): wall clock, and
the process's CPU time over all threads."""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
# Replies go to the original stdout; anything else written there (by
# TensorFlow's C++ code too) goes to stderr.
replies = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)

import tensorflow as tf  # noqa: E402

tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)


def main():
    estimator = receiver = None
    for line in sys.stdin:
        command, *args = line.split()
        if command == "model":
            model_dir, n_classes, hidden, features = args
            columns = [tf.feature_column.numeric_column(n) for n in features.split(",")]
            estimator = tf.compat.v1.estimator.DNNClassifier(
                hidden_units=[int(u) for u in hidden.split(",")], feature_columns=columns,
                n_classes=int(n_classes), model_dir=model_dir)
            receiver = tf.estimator.export.build_parsing_serving_input_receiver_fn(
                tf.feature_column.make_parse_example_spec(columns))
            reply = "ok"
        elif command == "export":
            start, cpu_start = time.perf_counter(), time.process_time()
            path = estimator.export_saved_model(args[0], receiver)
            reply = f"{time.perf_counter() - start} {time.process_time() - cpu_start} {path.decode()}"
        else:
            reply = f"unknown request {command}"
        print(reply, file=replies, flush=True)


if __name__ == "__main__":
    main()
