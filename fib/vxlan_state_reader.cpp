#include "fib/vxlan_state_reader.h"

#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <algorithm>

#include "fib/netlink_attrs.h"

namespace closbgp::fib {
namespace {

// A VXLAN device: its VNI, local address (the VTEP), bridge, state.
std::optional<VxlanDevice> vxlan_device(nlmsghdr* h) {
  const auto* ifi = static_cast<const ifinfomsg*>(nlmsg_data(h));
  nlattr* tb[IFLA_MAX + 1];
  nlattr* data = kind_data(h, tb, "vxlan");
  if (!data) return std::nullopt;
  nlattr* vx[IFLA_VXLAN_MAX + 1];
  if (nla_parse_nested(vx, IFLA_VXLAN_MAX, data, nullptr) < 0 || !vx[IFLA_VXLAN_ID])
    return std::nullopt;
  VxlanDevice d;
  d.ifindex = uint32_t(ifi->ifi_index);
  if (tb[IFLA_IFNAME]) d.name = static_cast<const char*>(nla_data(tb[IFLA_IFNAME]));
  d.vni = nla_get_u32(vx[IFLA_VXLAN_ID]);
  if (vx[IFLA_VXLAN_LOCAL] && nla_len(vx[IFLA_VXLAN_LOCAL]) == 4)
    d.local = wire::IpAddress::from_bytes(
        wire::Afi::Ipv4, static_cast<const uint8_t*>(nla_data(vx[IFLA_VXLAN_LOCAL])));
  d.bridge = tb[IFLA_MASTER] ? nla_get_u32(tb[IFLA_MASTER]) : 0;
  d.up = (ifi->ifi_flags & IFF_UP) != 0;
  return d;
}

// A VLAN device (`ip link add vlan10 link br0 type vlan id 10`).
struct VlanDevice {
  uint32_t ifindex = 0;
  uint32_t parent = 0;  // the device it is a VLAN of
  uint16_t vid = 0;
};
std::optional<VlanDevice> vlan_device(const nlmsghdr* h) {
  auto* msg = const_cast<nlmsghdr*>(h);
  if (h->nlmsg_type != RTM_NEWLINK) return std::nullopt;
  nlattr* tb[IFLA_MAX + 1];
  nlattr* data = kind_data(msg, tb, "vlan");
  if (!data || !tb[IFLA_LINK]) return std::nullopt;
  nlattr* vlan[IFLA_VLAN_MAX + 1];
  if (nla_parse_nested(vlan, IFLA_VLAN_MAX, data, nullptr) < 0 || !vlan[IFLA_VLAN_ID])
    return std::nullopt;
  return VlanDevice{uint32_t(static_cast<const ifinfomsg*>(nlmsg_data(msg))->ifi_index),
                    nla_get_u32(tb[IFLA_LINK]), nla_get_u16(vlan[IFLA_VLAN_ID])};
}

// Whether a link message is a bridge's with VLAN filtering on.
bool vlan_filtering(const nlmsghdr* h) {
  nlattr* tb[IFLA_MAX + 1];
  nlattr* data = kind_data(const_cast<nlmsghdr*>(h), tb, "bridge");
  nlattr* br[IFLA_BR_MAX + 1];
  return data && nla_parse_nested(br, IFLA_BR_MAX, data, nullptr) == 0 &&
         br[IFLA_BR_VLAN_FILTERING] && nla_get_u8(br[IFLA_BR_VLAN_FILTERING]) != 0;
}

// A bridge port's access VLAN from its AF_BRIDGE link message: the VLAN
// that is its PVID and untagged.
std::optional<uint16_t> access_vlan(const nlmsghdr* h) {
  auto* msg = const_cast<nlmsghdr*>(h);
  nlattr* tb[IFLA_MAX + 1];
  if (static_cast<const ifinfomsg*>(nlmsg_data(msg))->ifi_family != AF_BRIDGE ||
      nlmsg_parse(msg, sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) < 0 || !tb[IFLA_AF_SPEC])
    return std::nullopt;
  nlattr* a;
  int left;
  nla_for_each_nested(a, tb[IFLA_AF_SPEC], left) {
    if (nla_type(a) != IFLA_BRIDGE_VLAN_INFO || nla_len(a) < int(sizeof(bridge_vlan_info)))
      continue;
    const auto* info = static_cast<const bridge_vlan_info*>(nla_data(a));
    constexpr uint16_t kAccess = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED;
    if ((info->flags & kAccess) == kAccess) return info->vid;
  }
  return std::nullopt;
}

}  // namespace

void VxlanStateReader::link(nlmsghdr* h) {
  if (auto d = vxlan_device(h)) out_.devices.push_back(std::move(*d));
  if (auto v = vrf_device(h)) vrfs_.emplace(v->ifindex, std::move(*v));
  if (auto v = vlan_device(h)) vlan_links_.emplace(std::pair{v->parent, v->vid}, v->ifindex);
  nlattr* tb[IFLA_MAX + 1];
  if (nlmsg_parse(h, sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) < 0) return;
  const auto ifindex = uint32_t(static_cast<const ifinfomsg*>(nlmsg_data(h))->ifi_index);
  if (vlan_filtering(h)) vlan_aware_.insert(ifindex);
  if (auto mac = mac_of(tb[IFLA_ADDRESS])) link_macs_[ifindex] = *mac;
  if (tb[IFLA_MASTER]) masters_[ifindex] = nla_get_u32(tb[IFLA_MASTER]);
}

void VxlanStateReader::port_vlans(nlmsghdr* h) {
  if (auto vlan = access_vlan(h))
    access_vlans_[uint32_t(static_cast<const ifinfomsg*>(nlmsg_data(h))->ifi_index)] = *vlan;
}

void VxlanStateReader::index() {
  for (auto& d : out_.devices) {
    by_ifindex_[d.ifindex] = &d;
    if (!d.bridge) continue;
    d.svi = d.bridge;
    if (vlan_aware_.contains(d.bridge)) {
      d.vlan_aware = true;
      auto vlan = access_vlans_.find(d.ifindex);
      d.vlan = vlan == access_vlans_.end() ? 0 : vlan->second;
      auto svi = vlan_links_.find({d.bridge, d.vlan});
      d.svi = d.vlan && svi != vlan_links_.end() ? svi->second : 0;
    }
    if (!d.svi) continue;
    by_svi_.emplace(d.svi, &d);  // one VNI per SVI: the first
    if (auto mac = link_macs_.find(d.svi); mac != link_macs_.end()) d.bridge_mac = mac->second;
    if (auto master = masters_.find(d.svi); master != masters_.end())
      if (auto vrf = vrfs_.find(master->second); vrf != vrfs_.end()) {
        d.vrf = vrf->second.name;
        d.table = vrf->second.table;
      }
  }
}

void VxlanStateReader::address(nlmsghdr* h) {
  const auto* ifa = static_cast<const ifaddrmsg*>(nlmsg_data(h));
  auto svi = by_svi_.find(ifa->ifa_index);
  if (svi == by_svi_.end()) return;
  nlattr* tb[IFA_MAX + 1];
  if (nlmsg_parse(h, sizeof(ifaddrmsg), tb, IFA_MAX, nullptr) < 0) return;
  const auto a = address_of(tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS]);
  if (!a || a->is_link_local() || ifa->ifa_prefixlen > wire::max_prefix_length(a->afi())) return;
  svi->second->addresses.push_back(*a);
  svi->second->subnets.emplace_back(*a, ifa->ifa_prefixlen);
}

void VxlanStateReader::route(nlmsghdr* h, const RouteMarks& tenant) {
  if (!tenant_route_message(h, tenant)) return;
  const auto* rt = static_cast<const rtmsg*>(nlmsg_data(h));
  nlattr* tb[RTA_MAX + 1];
  if (nlmsg_parse(h, sizeof(rtmsg), tb, RTA_MAX, nullptr) < 0 || !tb[RTA_DST]) return;
  const auto dst = address_of(tb[RTA_DST]);
  if (!dst || rt->rtm_dst_len > wire::max_prefix_length(dst->afi())) return;
  const auto next_hops = route_next_hops(dst->afi(), tb);
  if (next_hops.empty()) return;
  auto svi = by_svi_.find(next_hops[0].ifindex);
  if (svi == by_svi_.end()) return;
  rib::EvpnKernelUpdate::Route r{svi->second->vni, wire::Prefix(*dst, rt->rtm_dst_len), {}};
  for (const auto& nh : next_hops) {
    if (nh.ifindex != next_hops[0].ifindex) return;
    r.vteps.push_back(nh.gateway.unmapped_v4().value_or(nh.gateway));
  }
  std::ranges::sort(r.vteps);
  out_.routes.push_back(std::move(r));
}

void VxlanStateReader::fdb_entry(nlmsghdr* h) {
  const auto* nd = static_cast<const ndmsg*>(nlmsg_data(h));
  nlattr* tb[NDA_MAX + 1];
  if (nlmsg_parse(h, sizeof(ndmsg), tb, NDA_MAX, nullptr) < 0) return;
  const auto mac = mac_of(tb[NDA_LLADDR]);
  if (!mac) return;
  const bool ours = (nd->ndm_flags & NTF_EXT_LEARNED) != 0;
  auto device = by_ifindex_.find(uint32_t(nd->ndm_ifindex));
  if (device != by_ifindex_.end()) {
    const auto dst = address_of(tb[NDA_DST]);
    if (!(nd->ndm_flags & NTF_SELF) || !dst) return;  // the bridge's view of the port
    const uint32_t vni = device->second->vni;
    if (*mac == wire::MacAddress{})
      out_.floods.push_back({vni, *dst});
    else if (ours)
      out_.remote_macs.push_back({vni, *mac, *dst});
    return;
  }
  if (!tb[NDA_MASTER] || !learned_fdb_entry(nd->ndm_state, nd->ndm_flags)) return;
  const uint16_t vlan = tb[NDA_VLAN] ? nla_get_u16(tb[NDA_VLAN]) : 0;
  out_.macs.push_back({nla_get_u32(tb[NDA_MASTER]), uint32_t(nd->ndm_ifindex), *mac, vlan});
}

void VxlanStateReader::neighbor(nlmsghdr* h) {
  const auto* nd = static_cast<const ndmsg*>(nlmsg_data(h));
  auto svi = by_svi_.find(uint32_t(nd->ndm_ifindex));
  if (svi == by_svi_.end()) return;
  nlattr* tb[NDA_MAX + 1];
  if (nlmsg_parse(h, sizeof(ndmsg), tb, NDA_MAX, nullptr) < 0) return;
  const auto mac = mac_of(tb[NDA_LLADDR]);
  const auto ip = address_of(tb[NDA_DST]);
  if (!mac || !ip || ip->is_link_local()) return;
  if (nd->ndm_flags & NTF_EXT_LEARNED) {
    out_.remote_neighbors.push_back(
        {svi->second->vni, *ip, *mac, (nd->ndm_flags & NTF_ROUTER) != 0});
    return;
  }
  if (resolved_neighbor_state(nd->ndm_state))
    out_.neighbors.push_back({svi->first, *ip, *mac, (nd->ndm_flags & NTF_ROUTER) != 0});
}

VxlanState VxlanStateReader::take() {
  for (auto& d : out_.devices) {
    std::ranges::sort(d.addresses);
    std::ranges::sort(d.subnets);
  }
  by_ifindex_.clear();
  by_svi_.clear();
  return std::move(out_);
}

}  // namespace closbgp::fib
