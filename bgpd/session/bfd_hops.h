// Which BFD a numbered neighbour gets: single hop on a link (RFC 5881), or
// multihop (RFC 5883) when it may be more than one hop away
// (`ebgp-multihop`) or its address is on none of our links' subnets. That
// is FRR's rule (PEER_IS_MULTIHOP), so both ends choose alike.
#pragma once

#include <optional>
#include <span>

#include "bgpd/asio.h"
#include "bgpd/bfd/client.h"
#include "bgpd/config/config.h"
#include "rib/next_hop_tracker.h"

namespace closbgp::session {

// nullopt: single hop. Otherwise the lowest TTL the neighbour's packets
// may arrive with (ebgp-multihop N: N - 1 routers between us; otherwise
// any) and our source: its update-source address, an interface's read now.
std::optional<bfd::Multihop> bfd_multihop(const config::Neighbor& n, const asio::ip::address& peer,
                                          std::span<const rib::ConnectedAddress> connected);

}  // namespace closbgp::session
