#!/usr/bin/env bash
# Sets up, builds and runs the demo fabric (examples/clos.py): 2 spines over
# 4 leaves with a server each, in Mininet, every router running closbgpd and
# peering by interface name. Prints the sessions, a leaf's ECMP routes in the
# kernel and pings across the fabric, then makes one leaf-spine link
# silently lossy, shows the ECMP set shrink while pings still answer,
# restores it, and tears everything down. Needs root (network namespaces).
#
#   scripts/demo.sh                     # the demo
#   scripts/demo.sh --cli               # leave the fabric up (Mininet CLI)
#   scripts/demo.sh --frr spine2,leaf4  # some routers run FRR; --help for more
#   scripts/demo.sh --evpn              # with an EVPN-VXLAN overlay and tenant hosts
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh --main-only
exec /usr/bin/python3 examples/clos.py "$@"
