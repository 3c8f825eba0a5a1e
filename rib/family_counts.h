// A count kept per address family (IPv4 and IPv6 unicast): what the
// per-neighbour prefix metrics label afi_safi.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>

#include "bgpd/wire/ip.h"

namespace closbgp::rib {

struct FamilyCounts {
  static constexpr std::array<wire::Afi, 2> kAfis = {wire::Afi::Ipv4, wire::Afi::Ipv6};
  std::array<size_t, 2> by_afi{};

  size_t& operator[](wire::Afi afi) { return by_afi[afi == wire::Afi::Ipv4 ? 0 : 1]; }
  size_t operator[](wire::Afi afi) const { return by_afi[afi == wire::Afi::Ipv4 ? 0 : 1]; }
  size_t total() const { return by_afi[0] + by_afi[1]; }
  // Each family's count raised to `other`'s where that is more.
  void raise_to(const FamilyCounts& other) {
    for (size_t i = 0; i < by_afi.size(); ++i) by_afi[i] = std::max(by_afi[i], other.by_afi[i]);
  }
  friend bool operator==(const FamilyCounts&, const FamilyCounts&) = default;
};

}  // namespace closbgp::rib
