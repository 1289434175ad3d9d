#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs one interop test file with the interpreter of a venv (see
# setup_venv.sh). Without the venv the test is skipped (exit 77, which ctest
# reports as skipped) and says why, except under CI=true, where a missing
# interop dependency fails the run.
set -uo pipefail

venv=${1:?usage: run_interop.sh VENV TEST_FILE [pytest args]}
shift
if [[ ! -x "$venv/bin/python" ]]; then
  echo "interop: no venv at $venv: run ./test.sh (or tests/interop/setup_venv.sh BUILD_DIR) to create it"
  if [[ "${CI:-}" == "true" ]]; then
    echo "interop: CI=true, so a missing interop dependency is a failure"
    exit 1
  fi
  exit 77
fi
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
