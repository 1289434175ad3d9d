#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds tfcompat (Release) and runs the Iris
# tutorial of TensorFlow's Estimator guide (premade_estimator.py) with the
# `estimator` tool: train, evaluate, predict, then export the model as a
# SavedModel for TF Serving. Run it again and training continues from the
# checkpoint in models/iris, as the guide describes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

.ci/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"

model_dir=models/iris

echo
if [[ -f "$model_dir/checkpoint" ]]; then
  echo "== $model_dir holds a checkpoint: training continues from it (global_step goes on)"
else
  echo "== Training a new DNNClassifier [10, 10] into $model_dir"
fi
# The first train records the model in $model_dir/estimator.json; later
# calls take it from there (and agree with it, as these flags do).
build/bin/estimator train --model_dir "$model_dir" --steps 1000 --hidden_units 10,10 --batch_size 100 \
  --train_csv data/iris_training.csv --feature_names SepalLength,SepalWidth,PetalLength,PetalWidth

echo
echo "== Evaluating on data/iris_test.csv"
eval_output=$(build/bin/estimator evaluate --model_dir "$model_dir" --eval_csv data/iris_test.csv)
echo "$eval_output"
accuracy=$(awk '$1 == "accuracy" { print $2 }' <<<"$eval_output")
if ! awk -v a="$accuracy" 'BEGIN { exit !(a >= 0.9) }'; then
  echo "test accuracy $accuracy is below 0.9" >&2
  exit 1
fi

echo
echo "== Predicting the tutorial's examples (expected: setosa, versicolor, virginica)"
build/bin/estimator predict --model_dir "$model_dir" \
  --predict 5.1,3.3,1.7,0.5 --predict 5.9,3.0,4.2,1.5 --predict 6.9,3.1,5.4,2.1

echo
echo "== Exporting the latest checkpoint as a SavedModel (TF Serving's model base path: $model_dir/export)"
export_dir=$(build/bin/estimator export --model_dir "$model_dir" --export_dir "$model_dir/export" --quiet)
build/bin/saved_model_tool show "$export_dir" --tag_set serve --signature_def serving_default

echo
echo "Look at the run with TensorBoard, the checkpoints with ckpt_tool, and serve the export with TF:"
echo "  tensorboard --logdir $model_dir"
echo "  build/bin/ckpt_tool list $model_dir"
echo "  saved_model_cli run --dir $export_dir --tag_set serve --signature_def serving_default \\"
echo "    --input_examples 'inputs=[{\"SepalLength\":[5.1],\"SepalWidth\":[3.3],\"PetalLength\":[1.7],\"PetalWidth\":[0.5]}]'"

echo
echo "== Also: a TFRecord file in each compression, written and read back"
build/bin/tfrecord_demo build/tfrecord_demo
echo "Read them with TensorFlow:"
echo "  python3 -c \"import tensorflow as tf; print([r.numpy() for r in tf.data.TFRecordDataset('build/tfrecord_demo/demo.tfrecord')])\""
