#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Creates (or reuses) BUILD_DIR/venv/py, a venv without TensorFlow for the
# Python package's own tests (tests/python/requirements.txt), and installs
# the package from this checkout into it: `pip wheel .`, then that wheel.
# The venv is remade only when the requirements change; the package is
# reinstalled on every run, from a build directory kept at
# BUILD_DIR/python-build, so a rerun recompiles only what changed. Exits
# non-zero with the reason when the venv cannot be made or the package does
# not build.
set -euo pipefail

build_dir=${1:?usage: setup_venv.sh BUILD_DIR}
build_dir=$(mkdir -p "$build_dir" && cd "$build_dir" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
python=${TFCOMPAT_PYTHON:-python3}
venv="$build_dir/venv/py"
requirements="$here/requirements.txt"
stamp="$venv/.requirements.sha256"

want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "setup_venv: creating $venv from $(basename "$requirements")"
  rm -rf "$venv"
  mkdir -p "$build_dir/venv"
  if ! "$python" -m venv "$venv"; then
    echo "setup_venv: '$python -m venv' failed (is python3-venv installed?)" >&2
    exit 1
  fi
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"; then
    echo "setup_venv: pip could not install $requirements (is PyPI reachable?)" >&2
    rm -rf "$venv"
    exit 1
  fi
  echo "$want" > "$stamp"
fi

# The build requirements are in the venv already (requirements.txt), so no
# isolated build environment is downloaded; only the extension module and
# the library it links are built (pyproject.toml). `pip wheel` makes the
# wheel a user would install, and that wheel is what gets installed.
echo "setup_venv: building the tfcompat wheel and installing it into $venv"
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}
wheel_dir="$build_dir/python-wheel"
rm -rf "$wheel_dir"
if ! "$venv/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-build-isolation --no-deps \
     --config-settings=build-dir="$build_dir/python-build" --wheel-dir "$wheel_dir" "$source_dir"; then
  echo "setup_venv: the tfcompat wheel did not build (see the output above)" >&2
  exit 1
fi
wheels=("$wheel_dir"/tfcompat-*.whl)
if [[ ${#wheels[@]} -ne 1 || ! -f "${wheels[0]}" ]]; then
  echo "setup_venv: expected one tfcompat wheel in $wheel_dir, found: ${wheels[*]}" >&2
  exit 1
fi
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "${wheels[0]}"; then
  echo "setup_venv: the tfcompat wheel ${wheels[0]} did not install (see the output above)" >&2
  exit 1
fi
