// rib -> kernel for a leaf's VNIs (EVPN over VXLAN): what the kernel should
// hold of the remote side, as deltas; fib/vxlan_port.h writes them. The
// counterpart of rib/route_update.h for the overlay.
#pragma once

#include <compare>
#include <cstdint>
#include <vector>

#include "bgpd/wire/evpn.h"

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
  struct Neighbor {  // `ip` is at `mac` (unset in a removal)
    uint32_t vni = 0;
    wire::IpAddress ip;
    wire::MacAddress mac{};
    friend bool operator==(const Neighbor&, const Neighbor&) = default;
  };
  std::vector<Flood> add_flood, remove_flood;
  std::vector<Mac> set_macs, remove_macs;
  std::vector<Neighbor> set_neighbors, remove_neighbors;
  bool empty() const {
    return add_flood.empty() && remove_flood.empty() && set_macs.empty() && remove_macs.empty() &&
           set_neighbors.empty() && remove_neighbors.empty();
  }
  friend bool operator==(const EvpnKernelUpdate&, const EvpnKernelUpdate&) = default;
};

}  // namespace closbgp::rib
