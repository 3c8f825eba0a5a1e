// Writes the remote side of the node's VNIs into the kernel over rtnetlink,
// as FRR's zebra does: a remote VTEP in a VNI's flood list is an all-zero
// MAC entry of its VXLAN device (`bridge fdb append 00:00:00:00:00:00 dev
// vxlan100 dst VTEP self permanent`); a remote MAC an `extern_learn` entry
// both of the device (`dst VTEP self`) and of its bridge (`master`, in the
// VNI's VLAN on a VLAN-aware bridge), so
// that the bridge moves a MAC it had learned locally once it has moved
// away; a remote address an `extern_learn` neighbour entry of the VNI's
// SVI, so the kernel answers ARP and ND for it with the
// bridge's `neigh_suppress`. A routed tenant's route goes through its L3
// VNI's SVI to the VTEPs, `onlink`, in the table the SVI routes in
// (its VRF's, or the main table: `ip route replace PREFIX table T proto
// bgp metric 21 nexthop via VTEP dev br4001 onlink ...`); each VTEP's router
// MAC is a remote MAC and neighbour of the L3 VNI (an IPv6 route's gateway
// is the VTEP IPv4-mapped, ::ffff:10.0.0.2, a neighbour too, as FRR's
// zebra does). Many requests per send
// (fib/netlink_batch.h).
#pragma once

#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fib/netlink_batch.h"
#include "fib/vxlan_state.h"

struct nl_sock;

namespace closbgp::fib {

class VxlanPort {
 public:
  // `tenant`: what marks a routed tenant's routes (none: no tenant).
  explicit VxlanPort(std::optional<RouteMarks> tenant = std::nullopt) : tenant_(tenant) {}
  ~VxlanPort();
  VxlanPort(const VxlanPort&) = delete;
  VxlanPort& operator=(const VxlanPort&) = delete;

  std::expected<void, std::string> open();
  // What the kernel holds now, on a socket of its own.
  std::expected<VxlanState, std::string> read() const;
  // Writes `u` to the devices of its VNIs (`devices`: VNI -> its VXLAN
  // device); what the kernel refused, said for a log. Entries of a VNI
  // without a device are skipped (they went with it).
  std::vector<std::string> write(const rib::EvpnKernelUpdate& u,
                                 const std::map<uint32_t, VxlanDevice>& devices);
  // The netlink port id our writes carry: their notifications are ours.
  uint32_t port_id() const;

 private:
  // A request sent, described only if it fails (a write of 100,000 remote
  // MACs makes 100,000 requests): its entry of the update, written or
  // removed, on which device.
  struct Request {
    std::variant<const rib::EvpnKernelUpdate::Flood*, const rib::EvpnKernelUpdate::Mac*,
                 const rib::EvpnKernelUpdate::Neighbor*, const rib::EvpnKernelUpdate::Route*>
        entry;
    bool set = false;
    const VxlanDevice* device = nullptr;
  };
  static std::string describe(const Request& r);

  std::optional<RouteMarks> tenant_;
  nl_sock* sock_ = nullptr;
  std::unique_ptr<NetlinkBatch> batch_;
};

}  // namespace closbgp::fib
