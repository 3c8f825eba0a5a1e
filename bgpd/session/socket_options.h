// Per-socket settings every BGP connection gets: TTL/hop limit 255 (RFC 5082
// senders always send 255) and DSCP CS6 (network control); with TTL
// security, the kernel also drops anything that arrives with less than 255.
#pragma once

#include <string>

namespace closbgp::session {

// `ipv6`: the socket's family. An IPv6 socket may carry IPv4 as mapped
// addresses, so it gets the IPv4 options too. Returns an empty string or what
// failed (logged, not fatal: the session works without them).
std::string apply_bgp_socket_options(int fd, bool ipv6, bool ttl_security);

}  // namespace closbgp::session
