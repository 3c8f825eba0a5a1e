#include "bgpd/session/address.h"

#include "bgpd/discovery/interfaces.h"

namespace closbgp::session {

wire::IpAddress to_wire(const asio::ip::address& a) {
  if (a.is_v4()) return wire::IpAddress::v4(a.to_v4().to_uint());
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped())
    return wire::IpAddress::v4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_uint());
  return wire::IpAddress::v6(v6.to_bytes());
}

std::string address_text(const asio::ip::address& a) {
  return to_wire(a).to_string();
}

std::string endpoint_text(const asio::ip::tcp::endpoint& e) {
  return address_text(e.address()) + " port " + std::to_string(e.port());
}

std::vector<rib::ConnectedAddress> connected_addresses() {
  std::vector<rib::ConnectedAddress> out;
  for (const auto& a : discovery::interface_addresses()) {
    const auto address = a.v4 ? wire::IpAddress::from_bytes(wire::Afi::Ipv4, a.address.data())
                              : wire::IpAddress::v6(a.address);
    // Never a subnet a next hop resolves through, nor one that makes it ours.
    if (!address.is_link_local()) out.push_back({address, a.length, a.ifindex, a.loopback});
  }
  return out;
}

}  // namespace closbgp::session
