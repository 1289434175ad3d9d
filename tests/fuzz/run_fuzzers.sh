#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets with clang (ASan + UBSan + libFuzzer) in
# BUILD_DIR, replays the committed seed corpora (each target's corpus/<name>
# folder, and data/ for csv_fuzzer: every seed must pass), then fuzzes each
# target for SECONDS
# (default 20), starting from a copy of the seeds. A crash fails the run and
# leaves its input under BUILD_DIR/fuzz/findings/<target>/.
#
#   tests/fuzz/run_fuzzers.sh build-fuzz          # CI-sized: 20 s a target
#   tests/fuzz/run_fuzzers.sh build-fuzz 3600     # an hour a target
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [SECONDS]" >&2
  exit 2
fi
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$1
seconds=${2:-20}
jobs=$(nproc 2>/dev/null || echo 2)

mkdir -p "$build"
CC=clang-14 CXX=clang++-14 cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTFCOMPAT_FUZZ=ON -DTFCOMPAT_SANITIZE=ON -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
  -DTFCOMPAT_BUILD_TOOLS=ON -DTFCOMPAT_BUILD_EXAMPLES=OFF -DTFCOMPAT_BUILD_BENCH=OFF -DTFCOMPAT_INSTALL=OFF > "$build/configure.log" || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j "$jobs" --target fuzzers

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
for fuzzer in table_fuzzer bundle_fuzzer record_fuzzer event_fuzzer checkpoint_state_fuzzer csv_fuzzer example_fuzzer \
              saved_model_fuzzer tool_args_fuzzer; do
  seeds=("$src/tests/fuzz/corpus/$fuzzer")
  [[ $fuzzer == csv_fuzzer ]] && seeds+=("$src/data")
  work="$build/fuzz/corpus/$fuzzer"
  findings="$build/fuzz/findings/$fuzzer"
  rm -rf "$work" && mkdir -p "$work" "$findings"
  echo "== $fuzzer: replaying $(ls "${seeds[@]}" | grep -cv -e '^$' -e ':$') seeds"
  if ! "$build/fuzz/$fuzzer" -runs=0 "${seeds[@]}" > "$build/fuzz/$fuzzer.replay.log" 2>&1; then
    tail -n 40 "$build/fuzz/$fuzzer.replay.log"
    failed=1
    continue
  fi
  echo "== $fuzzer: fuzzing for ${seconds}s"
  if ! "$build/fuzz/$fuzzer" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix="$findings/" "$work" "${seeds[@]}" > "$build/fuzz/$fuzzer.log" 2>&1; then
    tail -n 40 "$build/fuzz/$fuzzer.log"
    failed=1
    continue
  fi
  grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs)' "$build/fuzz/$fuzzer.log" | tail -n 1 || true
done
if [[ $failed -ne 0 ]]; then
  echo "run_fuzzers.sh: a fuzz target failed (inputs under $build/fuzz/findings)" >&2
  exit 1
fi
echo "run_fuzzers.sh: every target passed its seeds and ${seconds}s of fuzzing"
