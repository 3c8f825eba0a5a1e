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

struct NextHop {
  uint32_t ifindex = 0;
  wire::IpAddress gateway;
  friend auto operator<=>(const NextHop&, const NextHop&) = default;
  friend bool operator==(const NextHop&, const NextHop&) = default;
};

using NextHopSet = std::vector<NextHop>;  // an ECMP set

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
