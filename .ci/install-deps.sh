#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages tfcompat builds and tests with, when missing.
# Idempotent and non-interactive; a no-op in well under a second when
# everything is present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libprotobuf-dev protobuf-compiler
  libeigen3-dev zlib1g-dev
  libboost-filesystem-dev libboost-test-dev
  libisal-dev libsnappy-dev libpng-dev libfarmhash-dev
  libcli11-dev nlohmann-json3-dev
  openmpi-bin libopenmpi-dev
  python3 python3-venv python3-dev
  clang-14 libclang-rt-14-dev clang-format-14
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
