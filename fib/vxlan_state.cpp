#include "fib/vxlan_state.h"

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "fib/netlink_socket.h"
#include "fib/route_message.h"

namespace closbgp::fib {
namespace {

// A link message's attributes and, for a link of kind `kind`, its
// IFLA_INFO_DATA; nullptr for any other kind.
nlattr* kind_data(nlmsghdr* h, nlattr** tb, const char* kind) {
  if (nlmsg_parse(h, sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) < 0 || !tb[IFLA_LINKINFO])
    return nullptr;
  nlattr* info[IFLA_INFO_MAX + 1];
  if (nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO], nullptr) < 0 ||
      !info[IFLA_INFO_KIND] || !info[IFLA_INFO_DATA] ||
      std::strcmp(static_cast<const char*>(nla_data(info[IFLA_INFO_KIND])), kind) != 0)
    return nullptr;
  return info[IFLA_INFO_DATA];
}

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

std::optional<wire::MacAddress> mac_of(nlattr* lladdr) {
  if (!lladdr || nla_len(lladdr) != 6) return std::nullopt;
  wire::MacAddress mac;
  std::memcpy(mac.data(), nla_data(lladdr), 6);
  return mac;
}

std::optional<wire::IpAddress> address_of(nlattr* a) {
  if (!a) return std::nullopt;
  const auto* bytes = static_cast<const uint8_t*>(nla_data(a));
  if (nla_len(a) == 4) return wire::IpAddress::from_bytes(wire::Afi::Ipv4, bytes);
  if (nla_len(a) == 16) return wire::IpAddress::from_bytes(wire::Afi::Ipv6, bytes);
  return std::nullopt;
}

struct Reader {
  VxlanState& out;
  std::map<uint32_t, wire::MacAddress> link_macs;
  std::map<uint32_t, uint32_t> masters;  // ifindex -> its master's
  std::map<uint32_t, VrfDevice> vrfs;
  std::map<uint32_t, VxlanDevice*> by_ifindex, by_bridge;

  void link(nlmsghdr* h) {
    if (auto d = vxlan_device(h)) out.devices.push_back(std::move(*d));
    if (auto v = vrf_device(h)) vrfs.emplace(v->ifindex, std::move(*v));
    nlattr* tb[IFLA_MAX + 1];
    if (nlmsg_parse(h, sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) < 0) return;
    const auto ifindex = uint32_t(static_cast<const ifinfomsg*>(nlmsg_data(h))->ifi_index);
    if (auto mac = mac_of(tb[IFLA_ADDRESS])) link_macs[ifindex] = *mac;
    if (tb[IFLA_MASTER]) masters[ifindex] = nla_get_u32(tb[IFLA_MASTER]);
  }

  void index() {
    for (auto& d : out.devices) {
      by_ifindex[d.ifindex] = &d;
      if (!d.bridge) continue;
      by_bridge.emplace(d.bridge, &d);  // one VNI per bridge: the first
      if (auto mac = link_macs.find(d.bridge); mac != link_macs.end()) d.bridge_mac = mac->second;
      if (auto master = masters.find(d.bridge); master != masters.end())
        if (auto vrf = vrfs.find(master->second); vrf != vrfs.end()) {
          d.vrf = vrf->second.name;
          d.table = vrf->second.table;
        }
    }
  }

  // An address of a bridge with a VNI (its SVI's): its prefix is a subnet of the VNI.
  void address(nlmsghdr* h) {
    const auto* ifa = static_cast<const ifaddrmsg*>(nlmsg_data(h));
    auto bridge = by_bridge.find(ifa->ifa_index);
    if (bridge == by_bridge.end()) return;
    nlattr* tb[IFA_MAX + 1];
    if (nlmsg_parse(h, sizeof(ifaddrmsg), tb, IFA_MAX, nullptr) < 0) return;
    const auto a = address_of(tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS]);
    if (!a || a->is_link_local() || ifa->ifa_prefixlen > wire::max_prefix_length(a->afi())) return;
    bridge->second->addresses.push_back(*a);
    bridge->second->subnets.emplace_back(*a, ifa->ifa_prefixlen);
  }

  // A route of a tenant's: marked ours, every next hop through one L3
  // VNI's bridge.
  void route(nlmsghdr* h, const RouteMarks& tenant) {
    if (!tenant_route_message(h, tenant)) return;
    const auto* rt = static_cast<const rtmsg*>(nlmsg_data(h));
    nlattr* tb[RTA_MAX + 1];
    if (nlmsg_parse(h, sizeof(rtmsg), tb, RTA_MAX, nullptr) < 0 || !tb[RTA_DST]) return;
    const auto dst = address_of(tb[RTA_DST]);
    if (!dst || rt->rtm_dst_len > wire::max_prefix_length(dst->afi())) return;
    const auto next_hops = route_next_hops(dst->afi(), tb);
    if (next_hops.empty()) return;
    auto bridge = by_bridge.find(next_hops[0].ifindex);
    if (bridge == by_bridge.end()) return;
    rib::EvpnKernelUpdate::Route r{bridge->second->vni, wire::Prefix(*dst, rt->rtm_dst_len), {}};
    for (const auto& nh : next_hops) {
      if (nh.ifindex != next_hops[0].ifindex) return;
      r.vteps.push_back(nh.gateway.unmapped_v4().value_or(nh.gateway));
    }
    std::ranges::sort(r.vteps);
    out.routes.push_back(std::move(r));
  }

  // A forwarding entry: the VXLAN device's own (NTF_SELF: flood list,
  // remote MACs), or a bridge's (learned MACs).
  void fdb_entry(nlmsghdr* h) {
    const auto* nd = static_cast<const ndmsg*>(nlmsg_data(h));
    nlattr* tb[NDA_MAX + 1];
    if (nlmsg_parse(h, sizeof(ndmsg), tb, NDA_MAX, nullptr) < 0) return;
    const auto mac = mac_of(tb[NDA_LLADDR]);
    if (!mac) return;
    const bool ours = (nd->ndm_flags & NTF_EXT_LEARNED) != 0;
    auto device = by_ifindex.find(uint32_t(nd->ndm_ifindex));
    if (device != by_ifindex.end()) {
      const auto dst = address_of(tb[NDA_DST]);
      if (!(nd->ndm_flags & NTF_SELF) || !dst) return;  // the bridge's view of the port
      const uint32_t vni = device->second->vni;
      if (*mac == wire::MacAddress{})
        out.floods.push_back({vni, *dst});
      else if (ours)
        out.remote_macs.push_back({vni, *mac, *dst});
      return;
    }
    const bool learned = !(nd->ndm_state & (NUD_PERMANENT | NUD_NOARP)) && !ours;
    const uint16_t vlan = tb[NDA_VLAN] ? nla_get_u16(tb[NDA_VLAN]) : 0;
    if (!tb[NDA_MASTER] || (nd->ndm_flags & NTF_SELF) || !learned || vlan != 0) return;
    out.macs.push_back({nla_get_u32(tb[NDA_MASTER]), uint32_t(nd->ndm_ifindex), *mac});
  }

  // A neighbour (ARP/ND) entry of a bridge with a VNI.
  void neighbor(nlmsghdr* h) {
    const auto* nd = static_cast<const ndmsg*>(nlmsg_data(h));
    auto bridge = by_bridge.find(uint32_t(nd->ndm_ifindex));
    if (bridge == by_bridge.end()) return;
    nlattr* tb[NDA_MAX + 1];
    if (nlmsg_parse(h, sizeof(ndmsg), tb, NDA_MAX, nullptr) < 0) return;
    const auto mac = mac_of(tb[NDA_LLADDR]);
    const auto ip = address_of(tb[NDA_DST]);
    if (!mac || !ip || ip->is_link_local()) return;
    if (nd->ndm_flags & NTF_EXT_LEARNED) {
      out.remote_neighbors.push_back({bridge->second->vni, *ip, *mac});
      return;
    }
    constexpr uint16_t kResolved =
        NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT;
    if (nd->ndm_state & kResolved) out.neighbors.push_back({bridge->first, *ip, *mac});
  }
};

}  // namespace

std::optional<FdbNotice> fdb_notice(const nlmsghdr* h) {
  if (h->nlmsg_type != RTM_NEWNEIGH && h->nlmsg_type != RTM_DELNEIGH) return std::nullopt;
  auto* msg = const_cast<nlmsghdr*>(h);
  const auto* nd = static_cast<const ndmsg*>(nlmsg_data(msg));
  nlattr* tb[NDA_MAX + 1];
  if (nd->ndm_family != AF_BRIDGE || nlmsg_parse(msg, sizeof(ndmsg), tb, NDA_MAX, nullptr) < 0)
    return std::nullopt;
  const auto mac = mac_of(tb[NDA_LLADDR]);
  if (!mac) return std::nullopt;
  return FdbNotice{uint32_t(nd->ndm_ifindex), h->nlmsg_type == RTM_NEWNEIGH, *mac,
                   address_of(tb[NDA_DST]), (nd->ndm_flags & NTF_EXT_LEARNED) != 0};
}

bool tenant_route_message(const nlmsghdr* h, const RouteMarks& tenant) {
  if (h->nlmsg_type != RTM_NEWROUTE && h->nlmsg_type != RTM_DELROUTE) return false;
  auto* msg = const_cast<nlmsghdr*>(h);
  const auto* rt = static_cast<const rtmsg*>(nlmsg_data(msg));
  if (rt->rtm_protocol != tenant.protocol || rt->rtm_type != RTN_UNICAST) return false;
  nlattr* tb[RTA_MAX + 1];
  if (nlmsg_parse(msg, sizeof(rtmsg), tb, RTA_MAX, nullptr) < 0) return false;
  const uint32_t metric = tb[RTA_PRIORITY] ? nla_get_u32(tb[RTA_PRIORITY]) : 0;
  return metric == tenant.metric;
}

std::optional<VrfDevice> vrf_device(const nlmsghdr* h) {
  auto* msg = const_cast<nlmsghdr*>(h);
  if (h->nlmsg_type != RTM_NEWLINK) return std::nullopt;
  nlattr* tb[IFLA_MAX + 1];
  nlattr* data = kind_data(msg, tb, "vrf");
  if (!data || !tb[IFLA_IFNAME]) return std::nullopt;
  nlattr* vrf[IFLA_VRF_MAX + 1];
  if (nla_parse_nested(vrf, IFLA_VRF_MAX, data, nullptr) < 0 || !vrf[IFLA_VRF_TABLE])
    return std::nullopt;
  return VrfDevice{uint32_t(static_cast<const ifinfomsg*>(nlmsg_data(msg))->ifi_index),
                   static_cast<const char*>(nla_data(tb[IFLA_IFNAME])),
                   nla_get_u32(vrf[IFLA_VRF_TABLE])};
}

nl_msg* tenant_route_request(const rib::EvpnKernelUpdate::Route& r, const VxlanDevice& d,
                             const RouteMarks& tenant, bool set) {
  RouteMarks marks = tenant;
  marks.table = d.table;
  nl_msg* m =
      route_message(set ? RTM_NEWROUTE : RTM_DELROUTE, set ? NLM_F_CREATE | NLM_F_REPLACE : 0,
                    r.prefix, marks, r.vteps.size(), RTN_UNICAST);
  if (!set) return m;
  std::vector<rib::NextHop> hops;
  // An IPv6 route's IPv4 VTEP is IPv4-mapped (its neighbour entry too).
  for (const auto& vtep : r.vteps)
    hops.push_back({d.bridge, r.prefix.afi() == wire::Afi::Ipv6 ? vtep.v4_mapped() : vtep});
  put_multipath(m, r.prefix, hops, RTNH_F_ONLINK);
  return m;
}

std::expected<VxlanState, std::string> read_vxlan_state(nl_sock* sock,
                                                        const std::optional<RouteMarks>& tenant) {
  VxlanState out;
  Reader reader{out, {}, {}, {}, {}, {}};
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  if (auto r =
          dump(sock, RTM_GETLINK, &ifi, sizeof ifi, "links", [&](nlmsghdr* h) { reader.link(h); });
      !r)
    return std::unexpected(r.error());
  reader.index();
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_UNSPEC;
  if (auto r = dump(sock, RTM_GETADDR, &ifa, sizeof ifa, "addresses",
                    [&](nlmsghdr* h) { reader.address(h); });
      !r)
    return std::unexpected(r.error());
  for (auto& d : out.devices) {
    std::ranges::sort(d.addresses);
    std::ranges::sort(d.subnets);
  }
  ndmsg nd{};
  nd.ndm_family = AF_BRIDGE;
  if (auto r = dump(sock, RTM_GETNEIGH, &nd, sizeof nd, "forwarding entries",
                    [&](nlmsghdr* h) { reader.fdb_entry(h); });
      !r)
    return std::unexpected(r.error());
  for (uint8_t family : {uint8_t(AF_INET), uint8_t(AF_INET6)}) {
    nd.ndm_family = family;
    if (auto r = dump(sock, RTM_GETNEIGH, &nd, sizeof nd, "neighbours",
                      [&](nlmsghdr* h) { reader.neighbor(h); });
        !r)
      return std::unexpected(r.error());
  }
  if (!tenant) return out;
  for (uint8_t family : {uint8_t(AF_INET), uint8_t(AF_INET6)}) {
    rtmsg rt{};
    rt.rtm_family = family;
    if (auto r = dump(sock, RTM_GETROUTE, &rt, sizeof rt, "routes",
                      [&](nlmsghdr* h) { reader.route(h, *tenant); });
        !r)
      return std::unexpected(r.error());
  }
  return out;
}

}  // namespace closbgp::fib
