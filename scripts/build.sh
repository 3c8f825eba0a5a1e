#!/usr/bin/env bash
# Builds clos-bgp. Three trees:
#   build/       GCC 12, everything (daemon, client, tests, benchmarks)
#   build-fuzz/  clang-19 with ASan/UBSan: the codec, policy, RIB and session FSM, their unit
#                tests and the libFuzzer targets (skipped with --main-only)
#   build-asan/  GCC 12 with ASan/UBSan: the daemon and client only, for the leak test
#                (skipped with --main-only)
set -euo pipefail
cd "$(dirname "$0")/.."

main_only=0
[ "${1:-}" = "--main-only" ] && main_only=1
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLOSBGP_WERROR=$werror
cmake --build build

if [ $main_only = 0 ]; then
  CC=clang-19 CXX=clang++-19 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DCLOSBGP_FULL=OFF -DCLOSBGP_SANITIZE=ON -DCLOSBGP_FUZZ=ON -DCLOSBGP_WERROR=$werror
  cmake --build build-fuzz
  # -O1 -g1: half the compile time of RelWithDebInfo, stack traces still name lines.
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O1 -g1" \
    -DCLOSBGP_SANITIZE=ON -DCLOSBGP_WERROR=$werror
  cmake --build build-asan --target closbgpd closctl
fi
