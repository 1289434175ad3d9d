#!/usr/bin/env bash
# Installs what is missing, builds tfcompat (Release) and runs the main job.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

.ci/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"

# The main job: write a TFRecord file in each compression and read it back.
build/bin/tfrecord_demo build/tfrecord_demo
echo
echo "Read them with TensorFlow:"
echo "  python3 -c \"import tensorflow as tf; print([r.numpy() for r in tf.data.TFRecordDataset('build/tfrecord_demo/demo.tfrecord')])\""
