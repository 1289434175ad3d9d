#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails, listing the files and the first differences, when a C++ source the
# repository tracks is not formatted as .clang-format says. Usage:
#   check_format.sh CLANG_FORMAT REPO_DIR
# Fix with: clang-format -i FILE (the same clang-format major version).
set -euo pipefail

clang_format=${1:?usage: check_format.sh CLANG_FORMAT REPO_DIR}
repo=${2:?usage: check_format.sh CLANG_FORMAT REPO_DIR}
cd "$repo"

if [[ -d .git || -f .git ]]; then
  mapfile -t files < <(git ls-files '*.cc' '*.h' '*.cpp')
else
  mapfile -t files < <(find include src tools tests bench examples -name '*.cc' -o -name '*.h' -o -name '*.cpp' | sort)
fi
if ((${#files[@]} == 0)); then
  echo "check_format: no C++ sources found under $repo" >&2
  exit 1
fi

diff_file=$(mktemp)
trap 'rm -f "$diff_file"' EXIT
bad=0
for f in "${files[@]}"; do
  if ! diff -u "$f" <("$clang_format" --style=file "$f") > "$diff_file" 2>&1; then
    echo "check_format: $f is not formatted as $("$clang_format" --version | head -1) formats it:"
    head -20 "$diff_file"
    bad=$((bad + 1))
  fi
done
echo "check_format: ${#files[@]} files checked, $bad not formatted"
((bad == 0))
