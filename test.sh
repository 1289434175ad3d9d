#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds, and runs every test through ctest:
# unit tests, the package tests (static and shared installs), the Python package's tests (its own, in a
# venv without TensorFlow), and the interop tests against real
# TensorFlow, TensorBoard and ONNX Runtime (venvs under build/venv). Under CI=true warnings
# are errors, a missing interop dependency fails the run, and the unit tests
# run again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

jobs=$(nproc 2>/dev/null || echo 2)
ci=${CI:-false}

.ci/install-deps.sh

werror=OFF
mpi=()
# Under CI, MPI is required: its tests (2 and 4 ranks under mpirun) must run.
[[ "$ci" == "true" ]] && werror=ON && mpi=(-DTFCOMPAT_WITH_MPI=ON)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTFCOMPAT_WERROR=$werror "${mpi[@]}"
cmake --build build -j "$jobs"

if ! tests/interop/setup_venv.sh build; then
  if [[ "$ci" == "true" ]]; then
    echo "test.sh: the interop venvs could not be created, and CI=true requires them" >&2
    exit 1
  fi
  echo "test.sh: interop tests will be SKIPPED: the venvs under build/venv could not be created" >&2
fi

# The Python package, installed into build/venv/py (`pip install .`; its
# build directory build/python-build is kept, so a rerun compiles only what
# changed) for ctest's python_package and interop_python_package.
if ! tests/python/setup_venv.sh build; then
  if [[ "$ci" == "true" ]]; then
    echo "test.sh: the Python package's venv could not be made, and CI=true requires it" >&2
    exit 1
  fi
  echo "test.sh: the Python package's tests will be SKIPPED: build/venv/py could not be made" >&2
fi

ctest --test-dir build --output-on-failure -j "$jobs"

if [[ "$ci" == "true" ]]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTFCOMPAT_WERROR=ON -DTFCOMPAT_SANITIZE=ON \
        -DTFCOMPAT_BUILD_TOOLS=OFF -DTFCOMPAT_BUILD_EXAMPLES=OFF -DTFCOMPAT_BUILD_BENCH=OFF -DTFCOMPAT_INSTALL=OFF
  cmake --build build-asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs" -L unit -LE mpi
  # The MPI ranks' tests without LeakSanitizer: Open MPI's own start-up
  # allocations (in components it loads and unloads) are reported as leaks.
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs" -L mpi
fi

if [[ "$ci" == "true" ]]; then
  # the fuzz targets (clang + libFuzzer + ASan/UBSan): each seed corpus
  # replayed, then each target fuzzed briefly; longer: tests/fuzz/run_fuzzers.sh DIR SECONDS
  tests/fuzz/run_fuzzers.sh build-fuzz 20
  # the shared SummaryWriter (its queue and writer thread), the wall clock's
  # sequence lock, the streaming file's writer thread and buffer pool, the
  # reader-during-save tests, CheckpointManager's background saves, and the
  # tasks and copies spread over the cores (ReadInto's chunks, SaveAsync's
  # snapshot) under ThreadSanitizer
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS=-fsanitize=thread \
        -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DTFCOMPAT_BUILD_TOOLS=OFF -DTFCOMPAT_BUILD_EXAMPLES=OFF \
        -DTFCOMPAT_BUILD_BENCH=OFF -DTFCOMPAT_INSTALL=OFF
  cmake --build build-tsan -j "$jobs" --target reliability_test summary_test io_test checkpoint_test base_test
  TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/reliability_test --run_test=ConcurrencyTest
  TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/summary_test --run_test=SummaryWriterTest
  TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/io_test --run_test=WallClockTest,FileTest,AlignedBufferPoolTest
  TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/checkpoint_test --run_test=CheckpointAsyncTest,BundleReadIntoTest
  TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/base_test --run_test=ParallelForTest,ParallelCopyTest
fi
