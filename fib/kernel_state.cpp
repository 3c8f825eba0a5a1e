#include "fib/kernel_state.h"

#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cstring>
#include <optional>

#include "fib/netlink_socket.h"
#include "fib/route_message.h"

namespace closbgp::fib {
namespace {

struct Reader {
  const OwnedRange& ours;
  Installed& out;

  bool owned(uint32_t id) const { return id >= ours.first_id && id <= ours.last_id; }

  void nexthop(nlmsghdr* h) {
    const auto* nh = static_cast<const nhmsg*>(nlmsg_data(h));
    nlattr* tb[NHA_MAX + 1];
    if (nlmsg_parse(h, sizeof(nhmsg), tb, NHA_MAX, nullptr) < 0 || !tb[NHA_ID]) return;
    const uint32_t id = nla_get_u32(tb[NHA_ID]);
    if (!owned(id)) return;
    if (tb[NHA_GROUP]) {
      const auto* members = static_cast<const nexthop_grp*>(nla_data(tb[NHA_GROUP]));
      Members group;
      for (size_t i = 0; i < size_t(nla_len(tb[NHA_GROUP])) / sizeof(nexthop_grp); ++i)
        group.emplace_back(members[i].id, uint16_t(members[i].weight + 1));
      out.groups.emplace_back(id, std::move(group));
      return;
    }
    const auto afi = nh->nh_family == AF_INET ? wire::Afi::Ipv4 : wire::Afi::Ipv6;
    if (tb[NHA_BLACKHOLE]) {
      out.nexthops.emplace_back(id, rib::discard_next_hop(afi));
      return;
    }
    const size_t want = nh->nh_family == AF_INET ? 4 : 16;
    if (!tb[NHA_OIF] || !tb[NHA_GATEWAY] || size_t(nla_len(tb[NHA_GATEWAY])) != want) return;
    out.nexthops.emplace_back(
        id, rib::NextHop{nla_get_u32(tb[NHA_OIF]),
                         wire::IpAddress::from_bytes(
                             afi, static_cast<const uint8_t*>(nla_data(tb[NHA_GATEWAY])))});
  }

  void route(nlmsghdr* h) {
    const auto* rt = static_cast<const rtmsg*>(nlmsg_data(h));
    const bool blackhole = rt->rtm_type == RTN_BLACKHOLE;  // an aggregate's discard
    if (rt->rtm_protocol != ours.protocol || (rt->rtm_type != RTN_UNICAST && !blackhole)) return;
    nlattr* tb[RTA_MAX + 1];
    if (nlmsg_parse(h, sizeof(rtmsg), tb, RTA_MAX, nullptr) < 0) return;
    const uint32_t table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rt->rtm_table;
    if (table != ours.table) return;
    const auto afi = rt->rtm_family == AF_INET ? wire::Afi::Ipv4 : wire::Afi::Ipv6;
    uint8_t zero[16] = {};
    const auto* dst = tb[RTA_DST] ? static_cast<const uint8_t*>(nla_data(tb[RTA_DST])) : zero;
    const wire::Prefix prefix(wire::IpAddress::from_bytes(afi, dst), rt->rtm_dst_len);
    if (tb[RTA_NH_ID]) {
      if (const uint32_t id = nla_get_u32(tb[RTA_NH_ID]); owned(id))
        out.routes.emplace_back(prefix, id);
      return;
    }
    const uint32_t metric = tb[RTA_PRIORITY] ? nla_get_u32(tb[RTA_PRIORITY]) : 0;
    if (ours.mode != KernelNexthops::Multipath || metric != ours.metric) return;
    std::vector<rib::NextHop> set;
    if (blackhole)
      set.push_back(rib::discard_next_hop(afi));
    else
      set = route_next_hops(afi, tb);
    if (!set.empty()) out.multipath_routes.emplace_back(prefix, std::move(set));
  }

  void on_message(nlmsghdr* h) {
    if (h->nlmsg_type == RTM_NEWNEXTHOP) nexthop(h);
    if (h->nlmsg_type == RTM_NEWROUTE) route(h);
  }
};

std::expected<void, std::string> dump(nl_sock* sock, Reader& reader, int type, const void* header,
                                      size_t size, const char* what) {
  return fib::dump(sock, type, header, size, what, [&](nlmsghdr* h) { reader.on_message(h); });
}

}  // namespace

std::expected<Installed, std::string> read_installed(nl_sock* sock, const OwnedRange& ours) {
  Installed out;
  Reader reader{ours, out};
  nhmsg nh{};
  nh.nh_family = AF_UNSPEC;
  if (ours.mode == KernelNexthops::Objects)
    if (auto r = dump(sock, reader, RTM_GETNEXTHOP, &nh, sizeof nh, "nexthops"); !r)
      return std::unexpected(r.error());
  for (uint8_t family : {uint8_t(AF_INET), uint8_t(AF_INET6)}) {
    rtmsg rt{};
    rt.rtm_family = family;
    if (auto r = dump(sock, reader, RTM_GETROUTE, &rt, sizeof rt, "routes"); !r)
      return std::unexpected(r.error());
  }
  return out;
}

std::expected<void, std::string> probe_nexthop_objects(nl_sock* sock) {
  Installed ignored;
  const OwnedRange none{.table = 0, .protocol = 0, .first_id = 1, .last_id = 0};  // owns nothing
  Reader reader{none, ignored};
  nhmsg nh{};
  nh.nh_family = AF_UNSPEC;
  return dump(sock, reader, RTM_GETNEXTHOP, &nh, sizeof nh, "nexthops");
}

}  // namespace closbgp::fib
