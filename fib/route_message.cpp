#include "fib/route_message.h"

#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <cstring>
#include <optional>

namespace closbgp::fib {
namespace {

// RTA_GATEWAY in the route's own family, or RTA_VIA (IPv4 via IPv6).
std::optional<wire::IpAddress> gateway(wire::Afi afi, nlattr** tb) {
  if (tb[RTA_GATEWAY] && size_t(nla_len(tb[RTA_GATEWAY])) == (afi == wire::Afi::Ipv4 ? 4 : 16))
    return wire::IpAddress::from_bytes(afi, static_cast<const uint8_t*>(nla_data(tb[RTA_GATEWAY])));
  if (!tb[RTA_VIA] || nla_len(tb[RTA_VIA]) < 2) return std::nullopt;
  const auto* via = static_cast<const uint8_t*>(nla_data(tb[RTA_VIA]));
  uint16_t family;
  std::memcpy(&family, via, sizeof family);
  const size_t want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
  if (want == 0 || size_t(nla_len(tb[RTA_VIA])) < 2 + want) return std::nullopt;
  return wire::IpAddress::from_bytes(family == AF_INET ? wire::Afi::Ipv4 : wire::Afi::Ipv6,
                                     via + 2);
}

// RTA_MULTIPATH: rtnexthop entries, each followed by its attributes.
void multipath(wire::Afi afi, nlattr* attr, std::vector<rib::NextHop>& set) {
  const auto* p = static_cast<const uint8_t*>(nla_data(attr));
  size_t left = size_t(nla_len(attr));
  while (left >= sizeof(rtnexthop)) {
    rtnexthop rtnh;
    std::memcpy(&rtnh, p, sizeof rtnh);
    if (rtnh.rtnh_len < sizeof rtnh || rtnh.rtnh_len > left) return;
    nlattr* tb[RTA_MAX + 1];
    const size_t header = RTNH_ALIGN(sizeof rtnh);
    auto* attrs = reinterpret_cast<nlattr*>(const_cast<uint8_t*>(p) + header);
    if (nla_parse(tb, RTA_MAX, attrs, int(rtnh.rtnh_len - header), nullptr) == 0)
      if (auto gw = gateway(afi, tb))
        set.push_back({uint32_t(rtnh.rtnh_ifindex), *gw, uint16_t(rtnh.rtnh_hops + 1)});
    const size_t step = RTNH_ALIGN(rtnh.rtnh_len);
    if (step >= left) return;
    p += step;
    left -= step;
  }
}

int family_of(const wire::IpAddress& a) {
  return a.is_v4() ? AF_INET : AF_INET6;
}

// A gateway in the route's own family (RTA_GATEWAY), or another's
// (RTA_VIA: IPv4 via an IPv6 link-local address).
void put_gateway(nl_msg* m, const wire::Prefix& route, const wire::IpAddress& gw) {
  if (family_of(gw) == family_of(route.address())) {
    nla_put(m, RTA_GATEWAY, int(gw.size()), gw.bytes().data());
    return;
  }
  uint8_t via[2 + 16];
  const uint16_t family = uint16_t(family_of(gw));
  std::memcpy(via, &family, sizeof family);
  std::memcpy(via + 2, gw.bytes().data(), gw.size());
  nla_put(m, RTA_VIA, int(2 + gw.size()), via);
}

// libnl's default message is a zeroed page; a route needs a few dozen
// octets, and a few dozen more per next hop.
constexpr size_t kMessageSize = 1024;
constexpr size_t kMultipathHopSize = 40;  // rtnexthop, RTA_VIA with an IPv6 address

}  // namespace

nl_msg* route_message(int type, int flags, const wire::Prefix& p, const RouteMarks& marks,
                      size_t hops, uint8_t route_type) {
  nl_msg* m = nlmsg_alloc_size(kMessageSize + hops * kMultipathHopSize);
  nlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0, flags);
  rtmsg rt{};
  rt.rtm_family = uint8_t(family_of(p.address()));
  rt.rtm_dst_len = p.length();
  rt.rtm_table = marks.table < 256 ? uint8_t(marks.table) : uint8_t(RT_TABLE_UNSPEC);
  rt.rtm_protocol = marks.protocol;
  rt.rtm_scope = RT_SCOPE_UNIVERSE;
  // A route on a blackhole nexthop object takes that type from it.
  rt.rtm_type = type == RTM_DELROUTE ? uint8_t(RTN_UNSPEC) : route_type;
  nlmsg_append(m, &rt, sizeof rt, NLMSG_ALIGNTO);
  nla_put(m, RTA_DST, int(p.address().size()), p.address().bytes().data());
  nla_put_u32(m, RTA_TABLE, marks.table);
  nla_put_u32(m, RTA_PRIORITY, marks.metric);
  return m;
}

void put_multipath(nl_msg* m, const wire::Prefix& p, std::span<const rib::NextHop> hops,
                   uint8_t flags) {
  nlattr* nest = nla_nest_start(m, RTA_MULTIPATH);
  for (const auto& nh : hops) {
    auto* rtnh = static_cast<rtnexthop*>(nlmsg_reserve(m, sizeof(rtnexthop), NLMSG_ALIGNTO));
    rtnh->rtnh_flags = flags;
    rtnh->rtnh_hops = uint8_t(nh.weight - 1);  // the route's weight, less 1
    rtnh->rtnh_ifindex = int(nh.ifindex);
    put_gateway(m, p, nh.gateway);
    rtnh->rtnh_len = uint16_t(static_cast<uint8_t*>(nlmsg_tail(nlmsg_hdr(m))) -
                              reinterpret_cast<uint8_t*>(rtnh));
  }
  nla_nest_end(m, nest);
}

std::vector<rib::NextHop> route_next_hops(wire::Afi afi, nlattr** tb) {
  std::vector<rib::NextHop> set;
  if (tb[RTA_MULTIPATH])
    multipath(afi, tb[RTA_MULTIPATH], set);
  else if (tb[RTA_OIF])
    if (auto gw = gateway(afi, tb)) set.push_back({nla_get_u32(tb[RTA_OIF]), *gw});
  return set;
}

}  // namespace closbgp::fib
