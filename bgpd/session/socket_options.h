// Per-socket settings every BGP connection gets: TTL/hop limit 255 (RFC 5082
// senders always send 255) and DSCP CS6 (network control).
#pragma once

#include <string>

namespace closbgp::session {

// Applies both to a connected or connecting socket; returns an empty string
// or what failed (logged, not fatal: the session works without them).
std::string apply_bgp_socket_options(int fd, bool ipv6);

}  // namespace closbgp::session
