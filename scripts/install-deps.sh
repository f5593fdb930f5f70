#!/usr/bin/env bash
# Installs every Debian package photoscore needs to build, test, benchmark,
# fuzz (clang's libFuzzer) and run its Slurm and analysis scripts. Safe to
# run again.
# Usage: scripts/install-deps.sh          (as root, or with sudo available)
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(
  build-essential cmake pkg-config git time
  openmpi-bin libopenmpi-dev
  libjpeg62-turbo-dev libjpeg-turbo-progs libpng-dev libtiff-dev libwebp-dev
  libheif-dev libheif-examples libraw-dev libexiv2-dev libssl-dev
  libhdf5-dev hdf5-tools zlib1g-dev
  libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-numpy python3-scipy python3-pil python3-h5py python3-matplotlib
  slurm-wlm munge
  clang libclang-rt-14-dev
  chromium libimage-exiftool-perl
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
