#!/usr/bin/env bash
# Builds closbgpd_VERSION_ARCH.deb (debian/, debhelper) from an existing
# CMake build tree: its binaries are installed as they were compiled, not
# configured or compiled again. The .deb lands in BUILD_DIR/deb/; with
# --lintian, lintian checks it too.
#   scripts/package.sh [--lintian] [BUILD_DIR]   (default: build, as scripts/build.sh makes it)
# For a package built from source alone: dpkg-buildpackage -b.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
if [ "${1:-}" = "--lintian" ]; then
  check=1
  shift
fi
build=$(realpath "${1:-build}")
if [ ! -f "$build/cmake_install.cmake" ]; then
  echo "package.sh: $build is not a CMake build tree (scripts/build.sh makes one)" >&2
  exit 1
fi
for tool in dh help2man; do
  command -v "$tool" >/dev/null || { echo "package.sh: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done

cmake --build "$build" --target closbgpd closctl man
out="$build/deb"
rm -rf "$out"
mkdir -p "$out"
# debhelper stages the package under debian/; leave the tree as it was.
trap 'debian/rules clean >/dev/null 2>&1 || true' EXIT
CLOSBGP_BUILD_DIR="$build" CLOSBGP_DEB_DIR="$out" DEB_BUILD_OPTIONS="nocheck noautodbgsym" \
  debian/rules binary
deb=$(ls "$out"/closbgpd_*.deb)
echo "package.sh: $deb"
if [ $check = 1 ]; then
  lintian --info --display-info "$deb"
fi
