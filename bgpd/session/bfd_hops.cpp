#include "bgpd/session/bfd_hops.h"

#include <algorithm>

#include "bgpd/session/address.h"
#include "bgpd/session/socket_options.h"

namespace closbgp::session {

std::optional<bfd::Multihop> bfd_multihop(const config::Neighbor& n, const asio::ip::address& peer,
                                          std::span<const rib::ConnectedAddress> connected) {
  const wire::IpAddress address = to_wire(peer);
  const wire::Prefix host(address, address.is_v4() ? 32 : 128);
  const bool on_link = std::any_of(connected.begin(), connected.end(), [&](const auto& c) {
    return !c.loopback && wire::Prefix(c.address, c.length).contains(host);
  });
  if (!n.ebgp_multihop && on_link) return std::nullopt;
  bfd::Multihop multihop;
  multihop.min_ttl = n.ebgp_multihop ? uint8_t(256 - n.ebgp_multihop) : 1;
  // The neighbour's session is keyed on our address: the BGP session's source.
  if (!n.update_source.empty())
    if (auto source = source_address(n.update_source, address.is_v6()))
      multihop.source = asio::ip::make_address(source->to_string());
  return multihop;
}

}  // namespace closbgp::session
