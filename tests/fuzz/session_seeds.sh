#!/usr/bin/env bash
# Writes the seeds of fuzz_session (corpus/session) from the single-message
# seeds of fuzz_decode: a first byte picking the peer's capabilities (1: all
# of them; see fuzz_session.cpp), then a stream of messages from the peer.
set -euo pipefail
cd "$(dirname "$0")/corpus"
mkdir -p session
msg() { tail -c +2 "decode/$1"; }  # a decode seed without its mode byte
seed() {
  local name=$1 mode=$2
  shift 2
  { printf "\\x$mode"; for m in "$@"; do msg "$m"; done; } >"session/$name"
}
seed updates 01 update_8950 frr_update_8950 update_all_attrs update_ipv4 update_ipv6 update_eor_v6 keepalive
seed link_bandwidth 01 update_link_bandwidth keepalive
seed refresh_then_withdraw 01 update_8950 route_refresh update_withdraw keepalive
seed two_octet_as 03 update_all_attrs keepalive
seed internal 41 update_8950 update_all_attrs update_originator_loop keepalive
seed internal_graceful 61 update_all_attrs update_ipv6 keepalive
seed reflected_back 01 update_originator_loop update_all_attrs keepalive
seed notification 01 update_8950 notification_shutdown
seed raw_open 00 open_fabric keepalive update_8950
seed long_lived_open 00 open_llgr keepalive update_all_attrs
