#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# portable_vs_native.sh [--rounds N] [--portable DIR] [--native DIR] [--isa NAME]
#
# What building for any x86-64 (the default) costs against building for this
# machine's CPU only (-DTFCOMPAT_NATIVE_ARCH=ON), on the training steps of
# bench/train_bench --steps (Iris batch 32 and 100, the 784-512-512-10 MLP;
# one thread, thread CPU time).
#
# Configures the two build trees if they are not yet (DIR defaults:
# build-portable and build-native in this checkout), builds train_bench in
# each (-j2), then runs it from each in turn, N rounds (default 5), the order
# swapped every round so that a drift of the machine's load favours neither,
# and prints each figure's median per build and their ratio. --isa NAME is
# passed to train_bench (avx512, avx2 or none: the ISA-specific kernels to
# run rather than the widest the CPU has).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=5
portable=$repo/build-portable
native=$repo/build-native
isa=
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --portable) portable=$2; shift 2 ;;
    --native) native=$2; shift 2 ;;
    --isa) isa=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--portable DIR] [--native DIR] [--isa avx512|avx2|none]" >&2; exit 1 ;;
  esac
done

build() {  # build DIR NATIVE_ARCH
  if [ ! -f "$1/CMakeCache.txt" ]; then
    cmake -S "$repo" -B "$1" -DCMAKE_BUILD_TYPE=Release -DTFCOMPAT_NATIVE_ARCH="$2" >/dev/null
  fi
  if ! grep -qi "^TFCOMPAT_NATIVE_ARCH:BOOL=$2\$" "$1/CMakeCache.txt"; then
    echo "$1 is not configured with TFCOMPAT_NATIVE_ARCH=$2" >&2
    exit 1
  fi
  echo "building train_bench in $1 (TFCOMPAT_NATIVE_ARCH=$2)"
  cmake --build "$1" -j2 --target train_bench >/dev/null
}
build "$portable" OFF
build "$native" ON

results=$(mktemp)
trap 'rm -f "$results"' EXIT
run() {  # run LABEL DIR: appends "LABEL<TAB>figure<TAB>value" lines
  "$2/bin/train_bench" --steps ${isa:+--isa "$isa"} |
    awk -v label="$1" -F': ' '{ split($2, v, " "); printf "%s\t%s\t%s\n", label, $1, v[1] }' >>"$results"
}
round=1
while [ "$round" -le "$rounds" ]; do
  echo "round $round of $rounds"
  if [ $((round % 2)) -eq 1 ]; then
    run portable "$portable"
    run native "$native"
  else
    run native "$native"
    run portable "$portable"
  fi
  round=$((round + 1))
done

echo
echo "medians of $rounds rounds, us per step (thread CPU time; lower is better)${isa:+, ISA-specific kernels: $isa}"
sort -t "$(printf '\t')" -k2,2 -k1,1 -k3,3g "$results" | awk -F'\t' '
  function median(values, n,   sorted) {
    return n % 2 ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
  }
  {
    key = $2 SUBSEP $1
    value[key, ++count[key]] = $3
    if (!($2 in seen)) { seen[$2] = 1; figures[++n_figures] = $2 }
  }
  END {
    printf "%-32s %12s %12s %16s\n", "", "portable", "native", "portable/native"
    for (f = 1; f <= n_figures; ++f) {
      figure = figures[f]
      for (build = 0; build < 2; ++build) {
        label = build ? "native" : "portable"
        key = figure SUBSEP label
        delete one
        for (i = 1; i <= count[key]; ++i) one[i] = value[key, i]
        m[label] = median(one, count[key])
      }
      printf "%-32s %12.2f %12.2f %16.3f\n", figure, m["portable"], m["native"], m["portable"] / m["native"]
    }
  }'
