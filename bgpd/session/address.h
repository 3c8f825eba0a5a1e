// Conversions between Asio's addresses and the codec's, and how they print.
#pragma once

#include <string>
#include <vector>

#include "bgpd/asio.h"
#include "bgpd/wire/ip.h"
#include "rib/next_hop_tracker.h"

namespace closbgp::session {

// IPv4-mapped IPv6 addresses become IPv4; the scope (interface) is dropped.
wire::IpAddress to_wire(const asio::ip::address& a);
// "fe80::1" without "%swp1": the interface is shown separately.
std::string address_text(const asio::ip::address& a);
std::string endpoint_text(const asio::ip::tcp::endpoint& e);
// The host's interface addresses as next-hop resolution takes them.
std::vector<rib::ConnectedAddress> connected_addresses();

}  // namespace closbgp::session
