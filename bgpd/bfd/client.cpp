#include "bgpd/bfd/client.h"

namespace closbgp::bfd {

PeerKey make_key(const asio::ip::address& address, uint32_t ifindex, bool multihop) {
  PeerKey k;
  k.multihop = multihop;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    k.address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  } else if (address.is_v6()) {
    auto v6 = address.to_v6();
    const bool ll = v6.is_link_local();
    v6.scope_id(0);
    k.address = v6;
    k.ifindex = ll && !multihop ? ifindex : 0;
  } else {
    k.address = address;
  }
  return k;
}

std::string PeerKey::to_string() const {
  return address.to_string() + (multihop ? " (multihop)" : "");
}

}  // namespace closbgp::bfd
