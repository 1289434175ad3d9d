#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Creates (or reuses) the interop venvs under BUILD_DIR/venv:
#   tf/    real TensorFlow          (tests/interop/requirements.txt)
#   tb/    the newest TensorBoard   (tests/interop/requirements-tensorboard.txt)
#   onnx/  ONNX and ONNX Runtime    (tests/interop/requirements-onnx.txt)
#   tf-latest/  the newest TensorFlow, no tf.estimator (tests/interop/requirements-tf-latest.txt)
# A venv is reused when its requirements file has not changed. Exits non-zero
# with the reason when a venv cannot be made (no registry, no python3-venv).
set -euo pipefail

build_dir=${1:?usage: setup_venv.sh BUILD_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${TFCOMPAT_PYTHON:-python3}

make_venv() {
  local name=$1 requirements=$2
  local venv="$build_dir/venv/$name"
  local stamp="$venv/.requirements.sha256"
  local want
  want=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  echo "setup_venv: creating $venv from $(basename "$requirements")"
  rm -rf "$venv"
  mkdir -p "$build_dir/venv"
  if ! "$python" -m venv "$venv"; then
    echo "setup_venv: '$python -m venv' failed (is python3-venv installed?)" >&2
    return 1
  fi
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"; then
    echo "setup_venv: pip could not install $requirements (is PyPI reachable?)" >&2
    rm -rf "$venv"
    return 1
  fi
  echo "$want" > "$stamp"
}

make_venv tf "$here/requirements.txt"
make_venv tb "$here/requirements-tensorboard.txt"
make_venv onnx "$here/requirements-onnx.txt"
make_venv tf-latest "$here/requirements-tf-latest.txt"
