// Route messages (RTM_NEWROUTE, RTM_DELROUTE) read and written: what the
// FIB (underlay) and the EVPN tenant's routes (overlay) share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "rib/route_update.h"

struct nlattr;
struct nl_msg;

namespace closbgp::fib {

// The next hops of a route whose attributes are `tb` (RTA_MAX + 1 of
// them): RTA_MULTIPATH's, or RTA_OIF with RTA_GATEWAY (or RTA_VIA: IPv4
// via IPv6). Next hops without a gateway are left out.
std::vector<rib::NextHop> route_next_hops(wire::Afi afi, nlattr** tb);

// What marks a route as ours: its table, protocol and metric.
struct RouteMarks {
  uint32_t table = 254;
  uint8_t protocol = 186;
  uint32_t metric = 20;
  friend bool operator==(const RouteMarks&, const RouteMarks&) = default;
};

// A request for route `p` with `marks`, room for `hops` next hops; a
// delete matches our route whatever its type. The caller frees it.
nl_msg* route_message(int type, int flags, const wire::Prefix& p, const RouteMarks& marks,
                      size_t hops, uint8_t route_type);
// RTA_MULTIPATH: each of `hops` (its weight as the kernel's hops + 1)
// with `flags` (RTNH_F_ONLINK: the gateway is on the link, whatever the
// link's addresses). A gateway of another family than `p` goes as RTA_VIA.
void put_multipath(nl_msg* m, const wire::Prefix& p, std::span<const rib::NextHop> hops,
                   uint8_t flags);

}  // namespace closbgp::fib
