// What the kernel holds for EVPN over VXLAN (RFC 8365), read back over
// rtnetlink as an operator's `ip -d link`, `bridge fdb` and `ip neigh`
// would show it: the VXLAN devices in bridges (the node's VNIs), the MACs
// the bridges learned on their other ports and the addresses the bridges'
// neighbour tables resolved (the node's own hosts), and the remote
// entries a previous run of ours installed (extern_learn), so that a
// restart adopts them. A VNI's segment is a VLAN-unaware bridge (one VNI
// per bridge, the bridge its SVI) or one VLAN of a VLAN-aware bridge (the
// VXLAN device its access port, a VLAN device on the bridge its SVI), as
// FRR's zebra reads them; not yet one VXLAN device for many VNIs
// (`vnifilter`).
// With routed tenants, their routes through the L3 VNIs too, in whichever
// table: a bridge enslaved to a VRF device routes in the VRF's table.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fib/route_message.h"
#include "rib/evpn_kernel_update.h"

struct nl_msg;
struct nl_sock;
struct nlmsghdr;

namespace closbgp::fib {

struct VxlanDevice {
  uint32_t ifindex = 0;
  std::string name;
  uint32_t vni = 0;
  wire::IpAddress local;  // its tunnels' source: the VTEP
  uint32_t bridge = 0;    // the bridge it is a port of (its master); 0: none
  bool up = false;
  // A VLAN-aware bridge's (`vlan_filtering 1`) port: the VNI's segment is
  // the VLAN it is the access port of (its PVID, untagged: `bridge vlan add
  // dev vxlan100 vid 10 pvid untagged`); 0 when it has none.
  bool vlan_aware = false;
  uint16_t vlan = 0;
  // The VNI's SVI, where its addresses and neighbours are: the bridge, or
  // on a VLAN-aware bridge the VLAN device for `vlan` on it (`ip link add
  // vlan10 link br0 type vlan id 10`); 0: none (a VNI that only bridges).
  uint32_t svi = 0;
  // The SVI's: its MAC (an L3 VNI's router MAC), its addresses and their
  // prefixes (a routed tenant's subnets); no link-local, both sorted.
  wire::MacAddress bridge_mac{};
  std::vector<wire::IpAddress> addresses{};
  std::vector<wire::Prefix> subnets{};
  // The VRF device the SVI is enslaved to ("": none) and the table the
  // SVI routes in (the VRF's; the main table without one).
  std::string vrf{};
  uint32_t table = 254;
  // A VNI of ours: in a bridge (on a VLAN-aware one, with an access
  // VLAN), up, with a local IPv4 address.
  bool usable() const {
    return bridge != 0 && (!vlan_aware || vlan != 0) && up && local.is_v4() &&
           !local.is_unspecified();
  }
  friend bool operator==(const VxlanDevice&, const VxlanDevice&) = default;
};

struct BridgeMac {  // learned by `bridge` on its port `port`, in `vlan` (0: VLAN-unaware)
  uint32_t bridge = 0;
  uint32_t port = 0;
  wire::MacAddress mac{};
  uint16_t vlan = 0;
  friend auto operator<=>(const BridgeMac&, const BridgeMac&) = default;
};

struct BridgeNeighbor {  // resolved by a VNI's SVI
  uint32_t svi = 0;
  wire::IpAddress ip;
  wire::MacAddress mac{};
  bool router = false;  // an IPv6 router's (its NA said so: NTF_ROUTER)
  friend auto operator<=>(const BridgeNeighbor&, const BridgeNeighbor&) = default;
};

struct VxlanState {
  std::vector<VxlanDevice> devices;
  std::vector<BridgeMac> macs;            // dynamic entries on ports that are not VXLAN devices
  std::vector<BridgeNeighbor> neighbors;  // not ours, not link-local, not failed
  // Ours (by VNI): flood-list entries, remote MACs, remote addresses.
  std::vector<rib::EvpnKernelUpdate::Flood> floods;
  std::vector<rib::EvpnKernelUpdate::Mac> remote_macs;
  std::vector<rib::EvpnKernelUpdate::Neighbor> remote_neighbors;
  std::vector<rib::EvpnKernelUpdate::Route> routes;  // through an L3 VNI's bridge (with `tenant`)
};

// With `tenant` (the protocol and metric that mark routed tenants' routes
// ours; the FIB's underlay routes use another metric, so neither takes the
// other's for its own), their routes are read too, from every table.
std::expected<VxlanState, std::string> read_vxlan_state(nl_sock* sock,
                                                        const std::optional<RouteMarks>& tenant);
// A forwarding-entry notification (AF_BRIDGE RTM_NEWNEIGH or RTM_DELNEIGH):
// the port, whether the entry came or went, its MAC, the VXLAN destination
// it names (a VXLAN device's own entries), whether it is extern_learn.
// The kernel sends these without the writer's netlink port id, so this is
// how the writer recognises its own. `learned`: the bridge (`bridge`, in
// `vlan`) learned it on the port, as a read lists it among `macs`.
// nullopt for any other message.
struct FdbNotice {
  uint32_t ifindex = 0;
  bool added = false;
  wire::MacAddress mac{};
  std::optional<wire::IpAddress> dst;
  bool extern_learned = false;
  bool learned = false;
  uint32_t bridge = 0;
  uint16_t vlan = 0;
};
std::optional<FdbNotice> fdb_notice(const nlmsghdr* h);
// Whether a bridge's forwarding entry with these NUD state and flags was
// learned on its port (dynamic: not static, not extern_learn, not the
// port's own entry).
bool learned_fdb_entry(uint16_t state, uint8_t flags);
// Whether a learned neighbour entry in NUD state `state` is a binding (a
// read lists it among `neighbors`): resolved, or being confirmed again.
bool resolved_neighbor_state(uint16_t state);
// A neighbour notification (AF_INET or AF_INET6 RTM_NEWNEIGH or
// RTM_DELNEIGH) as a read would take the entry: `binding` set (its `svi`
// the notice's interface) when it is a learned, resolved one; whether it
// is extern_learn (a remote binding). nullopt for any other message.
struct NeighborNotice {
  uint32_t ifindex = 0;
  wire::IpAddress ip;
  std::optional<BridgeNeighbor> binding;
  bool extern_learned = false;
};
std::optional<NeighborNotice> neighbor_notice(const nlmsghdr* h);
// A link or address notification (RTM_NEWLINK, RTM_DELLINK of any family;
// RTM_NEWADDR, RTM_DELADDR): its interface, a link's kind (see
// link_kind(); valid while the message is), an address notification's
// address. nullopt for any other message.
struct LinkNotice {
  uint32_t ifindex = 0;
  bool address = false;
  std::string_view kind;
  std::optional<wire::IpAddress> ip;
};
std::optional<LinkNotice> link_notice(const nlmsghdr* h);
// Whether a route notification is about a route `tenant` marks ours (its
// protocol and metric, in any table).
bool tenant_route_message(const nlmsghdr* h, const RouteMarks& tenant);

// A VRF device (`ip link add red type vrf table 1001`) from a link message;
// nullopt for any other link.
struct VrfDevice {
  uint32_t ifindex = 0;
  std::string name;
  uint32_t table = 0;
  friend bool operator==(const VrfDevice&, const VrfDevice&) = default;
};
std::optional<VrfDevice> vrf_device(const nlmsghdr* h);

// The request that installs (`set`) or removes a tenant's route through
// the L3 VNI device `d`: in the table of d's SVI, marked `tenant`, the
// VTEPs on the SVI `onlink` (an IPv6 route's VTEPs IPv4-mapped). The
// caller frees it.
nl_msg* tenant_route_request(const rib::EvpnKernelUpdate::Route& r, const VxlanDevice& d,
                             const RouteMarks& tenant, bool set);

}  // namespace closbgp::fib
