#!/usr/bin/env bash
# Installs, from Debian's archive only, every package that clos-bgp's build,
# tests, demo and benchmarks use. Idempotent: packages already present are
# left alone, so a second run costs one dpkg query.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost-dev libboost-system-dev libabsl-dev
  libnl-3-dev libnl-route-3-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  libspdlog-dev libfmt-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-19 libclang-rt-19-dev llvm-19 clang-format
  # the Debian package (scripts/package.sh)
  debhelper help2man lintian
  # tests, demo and benchmarks
  iproute2 nftables tshark procps psmisc iputils-ping openssl
  mininet python3 python3-pytest python3-grpcio python3-protobuf
  python3-pyroute2 python3-matplotlib
  frr bird2 gobgpd exabgp bgpdump pmacct
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: ${#missing[@]} packages missing (${missing[*]}); run as root" >&2
  exit 1
fi

# FRR, BIRD, ExaBGP and pmacct ship services that would start in the root network
# namespace and peer with whatever they find. The tests run them only inside
# namespaces, so keep their init scripts from starting during installation.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  added_policy=1
fi
trap '[ "$added_policy" = 1 ] && rm -f "$policy"' EXIT

export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the tests run as root.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
