// Per-socket settings every BGP connection gets: TTL/hop limit 255 (RFC 5082
// senders always send 255; a neighbour's ebgp-multihop sets another) and
// DSCP CS6 (network control); with TTL security, the kernel also drops
// anything that arrives with less than 255. TCP MD5 signatures (RFC 2385)
// for neighbours with a password, and the local address a connection
// starts from (update-source).
#pragma once

#include <cstdint>
#include <expected>
#include <string>

#include "bgpd/wire/ip.h"

namespace closbgp::session {

// What a neighbour's configuration asks of its TCP connections.
struct SocketSettings {
  bool ttl_security = false;  // RFC 5082
  std::string password;       // RFC 2385; empty: none
  uint8_t ttl = 255;          // what our packets leave with (ebgp-multihop)
  // An address, or an interface whose address of the neighbour's family
  // connections start from; empty: the kernel's choice.
  std::string update_source;
};

// `ipv6`: the socket's family. An IPv6 socket may carry IPv4 as mapped
// addresses, so it gets the IPv4 options too. Returns an empty string or what
// failed (logged, not fatal: the session works without them).
std::string apply_bgp_socket_options(int fd, bool ipv6, const SocketSettings& s);

// The address `update_source` names for a connection of family `v6`: the
// address itself, or the interface's first address of that family that is
// neither loopback-only (127/8, ::1) nor link-local. Read when connecting,
// so an address added later is found.
std::expected<wire::IpAddress, std::string> source_address(const std::string& update_source,
                                                           bool v6);

// Signs (and requires signatures on) TCP segments to and from `peer`, or
// from every address of `peer`/`prefix_len` (a listen-range; -1: the
// address alone), on a socket of family `ipv6`. An empty `key` removes it.
// A listening socket passes its keys on to the connections it accepts.
// Returns an empty string or what failed.
std::string set_tcp_md5(int fd, bool ipv6, const wire::IpAddress& peer, int prefix_len,
                        const std::string& key);

}  // namespace closbgp::session
