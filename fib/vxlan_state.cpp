#include "fib/vxlan_state.h"

#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include "fib/netlink_attrs.h"
#include "fib/netlink_socket.h"
#include "fib/route_message.h"
#include "fib/vxlan_state_reader.h"

namespace closbgp::fib {

std::optional<FdbNotice> fdb_notice(const nlmsghdr* h) {
  if (h->nlmsg_type != RTM_NEWNEIGH && h->nlmsg_type != RTM_DELNEIGH) return std::nullopt;
  auto* msg = const_cast<nlmsghdr*>(h);
  const auto* nd = static_cast<const ndmsg*>(nlmsg_data(msg));
  nlattr* tb[NDA_MAX + 1];
  if (nd->ndm_family != AF_BRIDGE || nlmsg_parse(msg, sizeof(ndmsg), tb, NDA_MAX, nullptr) < 0)
    return std::nullopt;
  const auto mac = mac_of(tb[NDA_LLADDR]);
  if (!mac) return std::nullopt;
  FdbNotice n{uint32_t(nd->ndm_ifindex), h->nlmsg_type == RTM_NEWNEIGH, *mac,
              address_of(tb[NDA_DST]), (nd->ndm_flags & NTF_EXT_LEARNED) != 0};
  if (tb[NDA_MASTER] && learned_fdb_entry(nd->ndm_state, nd->ndm_flags)) {
    n.learned = true;
    n.bridge = nla_get_u32(tb[NDA_MASTER]);
    n.vlan = tb[NDA_VLAN] ? nla_get_u16(tb[NDA_VLAN]) : 0;
  }
  return n;
}

bool learned_fdb_entry(uint16_t state, uint8_t flags) {
  return !(state & (NUD_PERMANENT | NUD_NOARP)) && !(flags & (NTF_EXT_LEARNED | NTF_SELF));
}

bool resolved_neighbor_state(uint16_t state) {
  return state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT);
}

std::optional<NeighborNotice> neighbor_notice(const nlmsghdr* h) {
  if (h->nlmsg_type != RTM_NEWNEIGH && h->nlmsg_type != RTM_DELNEIGH) return std::nullopt;
  auto* msg = const_cast<nlmsghdr*>(h);
  const auto* nd = static_cast<const ndmsg*>(nlmsg_data(msg));
  nlattr* tb[NDA_MAX + 1];
  if ((nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6) ||
      nlmsg_parse(msg, sizeof(ndmsg), tb, NDA_MAX, nullptr) < 0)
    return std::nullopt;
  const auto ip = address_of(tb[NDA_DST]);
  if (!ip) return std::nullopt;
  NeighborNotice n{uint32_t(nd->ndm_ifindex), *ip, std::nullopt,
                   (nd->ndm_flags & NTF_EXT_LEARNED) != 0};
  const auto mac = mac_of(tb[NDA_LLADDR]);
  if (h->nlmsg_type == RTM_NEWNEIGH && mac && !n.extern_learned &&
      resolved_neighbor_state(nd->ndm_state))
    n.binding = BridgeNeighbor{n.ifindex, *ip, *mac, (nd->ndm_flags & NTF_ROUTER) != 0};
  return n;
}

std::optional<LinkNotice> link_notice(const nlmsghdr* h) {
  auto* msg = const_cast<nlmsghdr*>(h);
  if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR) {
    nlattr* tb[IFA_MAX + 1];
    if (nlmsg_parse(msg, sizeof(ifaddrmsg), tb, IFA_MAX, nullptr) < 0) return std::nullopt;
    return LinkNotice{static_cast<const ifaddrmsg*>(nlmsg_data(msg))->ifa_index,
                      true,
                      {},
                      address_of(tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS])};
  }
  if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) return std::nullopt;
  if (h->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) return std::nullopt;
  nlattr* tb[IFLA_MAX + 1];
  return LinkNotice{uint32_t(static_cast<const ifinfomsg*>(nlmsg_data(msg))->ifi_index), false,
                    link_kind(msg, tb), std::nullopt};
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
    hops.push_back({d.svi, r.prefix.afi() == wire::Afi::Ipv6 ? vtep.v4_mapped() : vtep});
  put_multipath(m, r.prefix, hops, RTNH_F_ONLINK);
  return m;
}

std::expected<VxlanState, std::string> read_vxlan_state(nl_sock* sock,
                                                        const std::optional<RouteMarks>& tenant) {
  VxlanStateReader reader;
  const auto read = [&](int type, const auto& header, const char* what, auto on_message) {
    return dump(sock, type, &header, sizeof header, what, on_message);
  };
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  if (auto r = read(RTM_GETLINK, ifi, "links", [&](nlmsghdr* h) { reader.link(h); }); !r)
    return std::unexpected(r.error());
  // With a VLAN-aware bridge, its ports' VLANs (a request the kernel
  // answers per bridge port, asked for with a filter attribute).
  if (reader.vlan_aware_bridges()) {
    struct {
      ifinfomsg ifi;
      nlattr attr;
      uint32_t mask;
    } ports{};
    static_assert(sizeof ports == sizeof(ifinfomsg) + NLA_HDRLEN + sizeof(uint32_t));
    ports.ifi.ifi_family = AF_BRIDGE;
    ports.attr = {uint16_t(NLA_HDRLEN + sizeof(uint32_t)), IFLA_EXT_MASK};
    ports.mask = RTEXT_FILTER_BRVLAN;
    if (auto r = read(RTM_GETLINK, ports, "bridge ports' VLANs",
                      [&](nlmsghdr* h) { reader.port_vlans(h); });
        !r)
      return std::unexpected(r.error());
  }
  reader.index();
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_UNSPEC;
  if (auto r = read(RTM_GETADDR, ifa, "addresses", [&](nlmsghdr* h) { reader.address(h); }); !r)
    return std::unexpected(r.error());
  ndmsg nd{};
  nd.ndm_family = AF_BRIDGE;
  if (auto r =
          read(RTM_GETNEIGH, nd, "forwarding entries", [&](nlmsghdr* h) { reader.fdb_entry(h); });
      !r)
    return std::unexpected(r.error());
  for (uint8_t family : {uint8_t(AF_INET), uint8_t(AF_INET6)}) {
    nd.ndm_family = family;
    if (auto r = read(RTM_GETNEIGH, nd, "neighbours", [&](nlmsghdr* h) { reader.neighbor(h); }); !r)
      return std::unexpected(r.error());
  }
  // Routes of ours only with a routed tenant.
  for (uint8_t family : {uint8_t(AF_INET), uint8_t(AF_INET6)}) {
    if (!tenant) break;
    rtmsg rt{};
    rt.rtm_family = family;
    if (auto r = read(RTM_GETROUTE, rt, "routes", [&](nlmsghdr* h) { reader.route(h, *tenant); });
        !r)
      return std::unexpected(r.error());
  }
  return reader.take();
}

}  // namespace closbgp::fib
