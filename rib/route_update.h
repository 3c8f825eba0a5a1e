// The contract between RIB and FIB (DESIGN.md): what the kernel should hold,
// as deltas. A next hop is a link and a gateway, which may be an IPv6
// link-local address even for IPv4 routes (RFC 8950).
#pragma once

#include <compare>
#include <cstdint>
#include <utility>
#include <vector>

#include "bgpd/wire/ip.h"

namespace closbgp::rib {

struct NextHop {
  uint32_t ifindex = 0;
  wire::IpAddress gateway;
  friend auto operator<=>(const NextHop&, const NextHop&) = default;
  friend bool operator==(const NextHop&, const NextHop&) = default;
};

struct RouteUpdate {
  std::vector<std::pair<wire::Prefix, std::vector<NextHop>>> upsert;  // the ECMP set per prefix
  std::vector<wire::Prefix> remove;
};

}  // namespace closbgp::rib
