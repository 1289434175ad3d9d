#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_isa.sh CMAKE OBJDUMP BUILD_DIR WORK_DIR
#
# Installs the build tree BUILD_DIR into a fresh prefix under WORK_DIR, then
# disassembles the installed libtfcompat.a. Fails if an object file of it,
# other than those named for an ISA
# (*_avx2*, *_avx512*, *_sse42*: compiled with that ISA's flags and called
# only after a run-time CPU check), holds an instruction that a baseline
# x86-64 CPU cannot run: one encoded with a VEX or EVEX prefix (every AVX,
# AVX2, FMA and AVX-512 instruction, and BMI1/BMI2's). Prints each offending
# object with its first instructions and their functions.
#
# The prefix is read from the instruction's bytes, not from its mnemonic or
# its registers: a symbol name or a VMX instruction (vmcall) cannot pass for
# one, and a VEX-encoded instruction on xmm registers cannot hide. In 64-bit
# mode, 0xc4 and 0xc5 (LES and LDS in 32-bit code) and 0x62 (BOUND) are
# always VEX and EVEX; only segment-override and address-size prefixes may
# stand before them.
#
# So that the check cannot pass by seeing nothing, the objects named for AVX2
# or AVX-512 must hold such instructions, and there must be at least one.
set -eu
cmake=$1
objdump=$2
build_dir=$3
work_dir=$4

rm -rf "$work_dir"
mkdir -p "$work_dir"
if ! "$cmake" --install "$build_dir" --prefix "$work_dir/prefix" >"$work_dir/install.log" 2>&1; then
  cat "$work_dir/install.log" >&2
  exit 1
fi
archive=$(find "$work_dir/prefix" -name libtfcompat.a)
if [ -z "$archive" ]; then
  echo "no libtfcompat.a installed under $work_dir/prefix" >&2
  exit 1
fi
echo "checking $archive"

"$objdump" -d -w -C --no-addresses "$archive" | awk '
  function report(   name) {
    for (name in offending) {
      printf "%s: %d VEX/EVEX-encoded instructions outside an ISA-named file, first:\n%s", name, offending[name],
             shown[name]
    }
  }
  / file format / {
    object = $1
    sub(/:$/, "", object)
    isa = object ~ /_(avx2|avx512|sse42)/
    wide = object ~ /_(avx2|avx512)/
    if (wide) wide_objects[object] = 0
    next
  }
  /^<.*>:$/ { function_name = $0; next }
  {
    # An instruction line: "\t<bytes>\t<mnemonic> <operands>".
    n = split($0, field, "\t")
    if (n < 3) next
    count = split(field[2], bytes, " ")
    i = 1
    while (i <= count && bytes[i] ~ /^(26|2e|36|3e|64|65|67)$/) ++i
    if (i > count || bytes[i] !~ /^(c4|c5|62)$/) next
    if (wide) ++wide_objects[object]
    if (isa) next
    if (++offending[object] <= 3) {
      if (length(function_name) > 120) function_name = substr(function_name, 1, 117) "..."
      shown[object] = shown[object] "  " function_name " " field[3] "\n"
    }
    ++failures
  }
  END {
    checked = 0
    for (object in wide_objects) {
      ++checked
      if (wide_objects[object] == 0) {
        printf "%s is named for AVX2 or AVX-512 but holds no VEX/EVEX-encoded instruction: is the check blind?\n", object
        ++failures
      }
    }
    if (checked == 0) {
      print "no object named for AVX2 or AVX-512 in the archive: nothing shows that the check can see such instructions"
      ++failures
    }
    report()
    if (failures > 0) exit 1
    printf "only the ISA-named objects hold VEX/EVEX-encoded instructions (%d such objects checked)\n", checked
  }'
