// rib -> kernel for a leaf's VNIs (EVPN over VXLAN): what the kernel should
// hold of the remote side, as deltas; fib/vxlan_port.h writes them. The
// counterpart of rib/route_update.h for the overlay.
#pragma once

#include <compare>
#include <cstdint>
#include <vector>

#include "bgpd/wire/evpn.h"
#include "bgpd/wire/ip.h"

namespace closbgp::rib {

// The kernel's remote side of the VNIs, as deltas.
struct EvpnKernelUpdate {
  struct Flood {  // `vtep` gets a copy of the VNI's broadcast and unknown traffic
    uint32_t vni = 0;
    wire::IpAddress vtep;
    friend auto operator<=>(const Flood&, const Flood&) = default;
  };
  struct Mac {  // `mac` is behind `vtep` (unset in a removal)
    uint32_t vni = 0;
    wire::MacAddress mac{};
    wire::IpAddress vtep;
    friend bool operator==(const Mac&, const Mac&) = default;
  };
  // `ip` is at `mac` (unset in a removal); `router`: an IPv6 router's
  // address (the kernel's NTF_ROUTER: the NAs answered for it say so).
  struct Neighbor {
    uint32_t vni = 0;
    wire::IpAddress ip;
    wire::MacAddress mac{};
    bool router = false;
    friend bool operator==(const Neighbor&, const Neighbor&) = default;
  };
  // A routed tenant's prefix (symmetric IRB, RFC 9135): through the
  // tunnels of its L3 VNI to `vteps` (ECMP; empty in a removal). Each
  // VTEP's router MAC goes in as a Mac and a Neighbor of the L3 VNI.
  struct Route {
    uint32_t l3vni = 0;
    wire::Prefix prefix;
    std::vector<wire::IpAddress> vteps;  // sorted
    friend bool operator==(const Route&, const Route&) = default;
  };
  std::vector<Flood> add_flood, remove_flood;
  std::vector<Mac> set_macs, remove_macs;
  std::vector<Neighbor> set_neighbors, remove_neighbors;
  std::vector<Route> set_routes, remove_routes;
  size_t size() const {
    return add_flood.size() + remove_flood.size() + set_macs.size() + remove_macs.size() +
           set_neighbors.size() + remove_neighbors.size() + set_routes.size() +
           remove_routes.size();
  }
  bool empty() const {
    return add_flood.empty() && remove_flood.empty() && set_macs.empty() && remove_macs.empty() &&
           set_neighbors.empty() && remove_neighbors.empty() && set_routes.empty() &&
           remove_routes.empty();
  }
  friend bool operator==(const EvpnKernelUpdate&, const EvpnKernelUpdate&) = default;
};

}  // namespace closbgp::rib
