#!/usr/bin/env bash
# Sets up, builds and runs a small fabric: a leaf and a spine, each in its
# own network namespace, joined by an unnumbered link (swp1), each running
# closbgpd from the shipped example configs. Shows the sessions and routes
# through closctl, the kernel's ECMP routes, a ping across the link, then
# tears everything down. Needs root (network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh --main-only

daemon=build/bgpd/closbgpd
ctl=build/bgpd/cli/closctl
work=$(mktemp -d)
nodes=(leaf1 spine1)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for n in "${nodes[@]}"; do ip netns del "demo-$n" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Building the fabric: leaf1 <-swp1--swp1-> spine1 (IPv6 link-local only)"
for n in "${nodes[@]}"; do
  ip netns add "demo-$n"
  ip -n "demo-$n" link set lo up
done
ip link add demo-l1 type veth peer name demo-s1
ip link set demo-l1 netns demo-leaf1 name swp1
ip link set demo-s1 netns demo-spine1 name swp1
declare -A loopback=([leaf1]=10.0.0.11 [spine1]=10.0.0.1)
for n in "${nodes[@]}"; do
  ip -n "demo-$n" link set swp1 up
  ip -n "demo-$n" addr add "${loopback[$n]}/32" dev lo
  ip netns exec "demo-$n" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
done

say "Starting closbgpd on each node (examples/leaf1.yaml, examples/spine1.yaml)"
for n in "${nodes[@]}"; do
  ip netns exec "demo-$n" "$daemon" --check --config "examples/$n.yaml"
  ip netns exec "demo-$n" "$daemon" --config "examples/$n.yaml" >"$work/$n.log" 2>&1 &
  pids+=($!)
done
for n in "${nodes[@]}"; do
  for _ in $(seq 50); do
    ip netns exec "demo-$n" "$ctl" version >/dev/null 2>&1 && break
    sleep 0.1
  done
done

say "Waiting for the unnumbered session (Router Advertisements, then BGP and BFD)"
for _ in $(seq 100); do
  ip netns exec demo-leaf1 "$ctl" --json show bgp summary | grep -q '"bfd_state": "up"' && break
  sleep 0.2
done

for n in "${nodes[@]}"; do
  say "$n: closctl show bgp summary"
  ip netns exec "demo-$n" "$ctl" show bgp summary
done
say "leaf1: closctl show bgp routes (learned from spine1 over IPv6 link-local)"
ip netns exec demo-leaf1 "$ctl" show bgp routes
say "leaf1: the kernel's routes from BGP (IPv4 via an IPv6 link-local nexthop group)"
ip -n demo-leaf1 route show proto bgp
ip -n demo-leaf1 -6 route show proto bgp
ip -n demo-leaf1 nexthop show
say "leaf1: ping spine1's loopback from leaf1's, across the unnumbered link"
ip netns exec demo-leaf1 ping -c 3 -I 10.0.0.11 10.0.0.1

say "closctl decode: an UPDATE as an unnumbered FRR peer sends it (RFC 8950)"
"$ctl" decode "ffffffffffffffffffffffffffffffff 0047 02 0000 0030" \
  "800e19 0001 01 10 fe800000000000000000000000000001 00 18 0a0102" \
  "40010100 400206020100 00fde9 c00804fde90001"

say "Stopping the daemons (SIGTERM)"
for i in "${!pids[@]}"; do
  kill -TERM "${pids[$i]}"
  wait "${pids[$i]}" && echo "${nodes[$i]}: closbgpd exited 0"
done
pids=()
for n in "${nodes[@]}"; do
  say "$n: log"
  cat "$work/$n.log"
done
say "Demo finished; namespaces removed."
