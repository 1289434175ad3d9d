#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds tfcompat (Release) and runs the Iris
# tutorial of TensorFlow's Estimator guide (premade_estimator.py) with the
# `estimator` tool: train, evaluate, predict. Run it again and training
# continues from the checkpoint in models/iris, as the guide describes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

.ci/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"

model_dir=models/iris
model_flags=(--model_dir "$model_dir" --hidden_units 10,10 --batch_size 100)

echo
if [[ -f "$model_dir/checkpoint" ]]; then
  echo "== $model_dir holds a checkpoint: training continues from it (global_step goes on)"
else
  echo "== Training a new DNNClassifier [10, 10] into $model_dir"
fi
build/bin/estimator train "${model_flags[@]}" --steps 1000

echo
echo "== Evaluating on data/iris_test.csv"
eval_output=$(build/bin/estimator evaluate "${model_flags[@]}")
echo "$eval_output"
accuracy=$(awk '$1 == "accuracy" { print $2 }' <<<"$eval_output")
if ! awk -v a="$accuracy" 'BEGIN { exit !(a >= 0.9) }'; then
  echo "test accuracy $accuracy is below 0.9" >&2
  exit 1
fi

echo
echo "== Predicting the tutorial's examples (expected: setosa, versicolor, virginica)"
build/bin/estimator predict "${model_flags[@]}" \
  --predict 5.1,3.3,1.7,0.5 --predict 5.9,3.0,4.2,1.5 --predict 6.9,3.1,5.4,2.1

echo
echo "Look at the run with TensorBoard and the checkpoints with ckpt_tool:"
echo "  tensorboard --logdir $model_dir"
echo "  build/bin/ckpt_tool list $model_dir"

echo
echo "== Also: a TFRecord file in each compression, written and read back"
build/bin/tfrecord_demo build/tfrecord_demo
echo "Read them with TensorFlow:"
echo "  python3 -c \"import tensorflow as tf; print([r.numpy() for r in tf.data.TFRecordDataset('build/tfrecord_demo/demo.tfrecord')])\""
