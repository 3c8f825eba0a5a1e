// A count kept per address family (IPv4 and IPv6 unicast): what the
// per-neighbour prefix metrics label afi_safi.
#pragma once

#include <array>
#include <cstddef>

#include "bgpd/wire/ip.h"

namespace closbgp::rib {

struct FamilyCounts {
  std::array<size_t, 2> by_afi{};

  size_t& operator[](wire::Afi afi) { return by_afi[afi == wire::Afi::Ipv4 ? 0 : 1]; }
  size_t operator[](wire::Afi afi) const { return by_afi[afi == wire::Afi::Ipv4 ? 0 : 1]; }
  size_t total() const { return by_afi[0] + by_afi[1]; }
  friend bool operator==(const FamilyCounts&, const FamilyCounts&) = default;
};

}  // namespace closbgp::rib
