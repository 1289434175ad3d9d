#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every program given (the examples, the benchmarks, the tools) answers
# --help with its usage on stdout and exit 0, and an unknown flag with
# "<program>: INVALID_ARGUMENT: ..." on stderr and exit 1, each run in an
# empty working directory with an empty TMPDIR that must stay empty: no
# side effect.
#
#   help_test.sh PROGRAM...
set -uo pipefail

passed=0
failed=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

fail() {
  echo "FAIL $1: $2" >&2
}

# Runs PROGRAM ARGS... in a fresh empty cwd and TMPDIR; sets code, out, err, created.
run_isolated() {
  local program=$1
  shift
  rm -rf "$scratch/cwd" "$scratch/tmp"
  mkdir "$scratch/cwd" "$scratch/tmp"
  (cd "$scratch/cwd" && TMPDIR="$scratch/tmp" "$program" "$@" >"$scratch/out" 2>"$scratch/err" </dev/null)
  code=$?
  out=$(cat "$scratch/out")
  err=$(cat "$scratch/err")
  created=$(find "$scratch/cwd" "$scratch/tmp" -mindepth 1 -print)
}

for program in "$@"; do
  name=$(basename "$program")
  ok=1
  run_isolated "$program" --help
  if [[ $code -ne 0 ]]; then fail "$name --help" "exit $code, expected 0: $err"; ok=0; fi
  if ! grep -qiE "^usage: +(\S*/)?$name( |$)" <<<"$out"; then fail "$name --help" "no usage line on stdout"; ok=0; fi
  if [[ -n "$err" ]]; then fail "$name --help" "wrote to stderr: $err"; ok=0; fi
  if [[ -n "$created" ]]; then fail "$name --help" "created $created"; ok=0; fi

  run_isolated "$program" --no-such-flag
  if [[ $code -ne 1 ]]; then fail "$name --no-such-flag" "exit $code, expected 1"; ok=0; fi
  if [[ "$err" != "$name: INVALID_ARGUMENT: "* ]]; then fail "$name --no-such-flag" "stderr: $err"; ok=0; fi
  if [[ -n "$created" ]]; then fail "$name --no-such-flag" "created $created"; ok=0; fi

  if [[ $ok -eq 1 ]]; then
    echo "ok $name"
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
