// A socket filter for a leaf's rtnetlink listener that drops, in the
// kernel, the notifications of our own EVPN writes before they are queued:
// installing 100,000 remote MAC/IP routes makes 300,000 of them (the
// VXLAN device's and the bridge's forwarding entry, the neighbour entry),
// which would overflow the listener (ENOBUFS, costing a read of the whole
// kernel) or cost the routing loop their reading. Dropped: every message
// carrying the writer's netlink port id (the neighbour entries), and every
// forwarding entry the kernel added or replaced as extern_learn (ours come
// back without our port id). Kept: whatever else, so the removal of an
// entry of ours by someone else is still seen (and put back).
#pragma once

#include <cstdint>
#include <expected>
#include <string>

namespace closbgp::fib {

// Attaches the filter to `fd` (an rtnetlink socket, or any datagram socket
// whose messages start with a netlink header); `writer_port` is the netlink
// port id of the socket our writes go out on.
std::expected<void, std::string> filter_our_echoes(int fd, uint32_t writer_port);

}  // namespace closbgp::fib
