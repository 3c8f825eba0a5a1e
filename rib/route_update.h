// The contract between RIB and FIB (DESIGN.md): what the kernel should hold,
// as deltas. A next hop is a link and a gateway, which may be an IPv6
// link-local address even for IPv4 routes (RFC 8950).
#pragma once

#include <algorithm>
#include <compare>
#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "bgpd/wire/ip.h"

namespace closbgp::rib {

// A next hop without a link (ifindex 0) is a discard: the kernel drops
// what it would forward (a blackhole route, for an active aggregate).
// `weight`: its share of an ECMP set's flows against the others' (weighted
// ECMP, from link bandwidth); 1 in a set where all weigh the same.
struct NextHop {
  uint32_t ifindex = 0;
  wire::IpAddress gateway;
  uint16_t weight = 1;  // 1..kMaxWeight
  bool is_discard() const { return ifindex == 0; }
  NextHop weighted(uint16_t w) const { return {ifindex, gateway, w}; }
  NextHop unweighted() const { return weighted(1); }
  friend auto operator<=>(const NextHop&, const NextHop&) = default;
  friend bool operator==(const NextHop&, const NextHop&) = default;
};

// The discard of a family: its gateway is the family's unspecified address,
// so IPv4 and IPv6 discards stay apart (the kernel wants a blackhole
// nexthop of the route's own family).
inline NextHop discard_next_hop(wire::Afi afi) {
  return {0, afi == wire::Afi::Ipv4 ? wire::IpAddress::v4(0) : wire::IpAddress::v6({})};
}

// Weights are spread over 1..kMaxWeight (as FRR and Cumulus do); the
// kernel takes up to 256.
inline constexpr uint16_t kMaxWeight = 100;

using NextHopSet = std::vector<NextHop>;  // an ECMP set

// A set that drops: a discard is never part of an ECMP set.
inline bool is_discard(const NextHopSet& set) {
  return set.size() == 1 && set[0].is_discard();
}

// Each distinct ECMP set is stored once and named by its index: a million
// prefixes over a fabric's few sets cost a million indices, not a million
// vectors. Built with RouteUpdateBuilder.
struct RouteUpdate {
  std::vector<NextHopSet> sets;
  std::vector<std::pair<wire::Prefix, uint32_t>> upsert;  // prefix, index into `sets`
  std::vector<wire::Prefix> remove;

  const NextHopSet& set(uint32_t index) const { return sets[index]; }
};

// Interns the sets as prefixes are added.
class RouteUpdateBuilder {
 public:
  void upsert(const wire::Prefix& prefix, std::span<const NextHop> set) {
    // Prefixes in a row often share their set: no lookup for those.
    if (u_.sets.empty() || !std::ranges::equal(u_.sets[last_], set)) {
      auto [it, added] =
          index_.try_emplace(NextHopSet(set.begin(), set.end()), uint32_t(u_.sets.size()));
      if (added) u_.sets.push_back(it->first);
      last_ = it->second;
    }
    u_.upsert.emplace_back(prefix, last_);
  }
  void remove(const wire::Prefix& prefix) { u_.remove.push_back(prefix); }
  RouteUpdate take() {
    index_.clear();
    last_ = 0;
    return std::exchange(u_, {});
  }

 private:
  RouteUpdate u_;
  std::map<NextHopSet, uint32_t> index_;
  uint32_t last_ = 0;
};

}  // namespace closbgp::rib
