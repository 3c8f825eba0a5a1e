// What the kernel's answers to read_vxlan_state's dumps make, message by
// message: the VXLAN devices with their segments (a VLAN-unaware bridge,
// or a VLAN of a VLAN-aware one) and SVIs, the bridges' learned MACs, the
// SVIs' neighbours, and what of ours the kernel holds. read_vxlan_state
// feeds it the kernel's messages; a test can feed it its own.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "fib/route_message.h"
#include "fib/vxlan_state.h"

struct nlmsghdr;

namespace closbgp::fib {

class VxlanStateReader {
 public:
  // In this order: every link (RTM_NEWLINK, AF_UNSPEC); with a VLAN-aware
  // bridge among them, its ports' VLANs (AF_BRIDGE, RTEXT_FILTER_BRVLAN);
  // then index(); then addresses, forwarding entries (AF_BRIDGE),
  // neighbours and, with a tenant, routes; take() last.
  void link(nlmsghdr* h);
  bool vlan_aware_bridges() const { return !vlan_aware_.empty(); }
  void port_vlans(nlmsghdr* h);
  // Each device's segment and SVI: the SVI's MAC, VRF and table.
  void index();
  // An address of a VNI's SVI: its prefix is a subnet of the VNI.
  void address(nlmsghdr* h);
  // A forwarding entry: the VXLAN device's own (NTF_SELF: flood list,
  // remote MACs), or a bridge's (learned MACs, with their VLAN).
  void fdb_entry(nlmsghdr* h);
  // A neighbour (ARP/ND) entry of a VNI's SVI.
  void neighbor(nlmsghdr* h);
  // A route of a tenant's: marked ours, every next hop through one L3
  // VNI's SVI.
  void route(nlmsghdr* h, const RouteMarks& tenant);
  VxlanState take();

 private:
  VxlanState out_;
  std::map<uint32_t, wire::MacAddress> link_macs_;
  std::map<uint32_t, uint32_t> masters_;  // ifindex -> its master's
  std::map<uint32_t, VrfDevice> vrfs_;
  std::set<uint32_t> vlan_aware_;                                 // bridges
  std::map<std::pair<uint32_t, uint16_t>, uint32_t> vlan_links_;  // (parent, VID) -> VLAN device
  std::map<uint32_t, uint16_t> access_vlans_;                     // bridge port -> its PVID
  std::map<uint32_t, VxlanDevice*> by_ifindex_, by_svi_;          // into out_.devices
};

}  // namespace closbgp::fib
