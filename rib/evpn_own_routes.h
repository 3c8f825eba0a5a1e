// What a leaf's own EVPN routes look like (RFC 7432, RFC 8365, RFC 9135):
// the NLRI of a VNI's type 3 and type 2 routes and the path they go out
// with. Which of them exist is rib/evpn_leaf.h's business.
#pragma once

#include <cstdint>
#include <optional>

#include "bgpd/wire/evpn.h"
#include "rib/evpn_leaf.h"
#include "rib/path.h"

namespace closbgp::rib {

// `v`'s inclusive multicast route (type 3): its RD and VTEP.
wire::EvpnRoute flood_route(const EvpnLeaf::Vni& v);
// `v`'s MAC/IP route (type 2) for `mac`, with `ip` if given. With an
// address and a routed tenant, the tenant's L3 VNI is the second label
// (RFC 9135 sec. 8.1).
wire::EvpnRoute mac_route(const EvpnLeaf::Vni& v, const wire::MacAddress& mac,
                          std::optional<wire::IpAddress> ip, const EvpnTenant* routed = nullptr);

// What our path for one of `v`'s routes carries besides its route target
// and the VXLAN encapsulation.
struct PathExtras {
  uint32_t sequence = 0;  // MAC mobility, once the MAC moved
  bool flood = false;     // type 3: how to flood (ingress replication to the VTEP)
  bool gateway = false;   // the segment's default gateway (an SVI)
  bool router = false;    // IPv6 MAC/IP routes of a router (an SVI): ARP/ND Router flag
  const EvpnTenant* routed = nullptr;  // a routed tenant's MAC/IP route: its target, our router MAC
};
// Our own path for `v`'s routes: no AS yet (export prepends it), the VTEP
// as next hop.
PathRef our_path(const EvpnLeaf::Vni& v, const PathExtras& x);

}  // namespace closbgp::rib
