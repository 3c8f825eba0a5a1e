// A neighbour's EVPN route-map-in over the routes of one UPDATE, route by
// route (FRR's per-family `neighbor X route-map ... in` under `address-family
// l2vpn evpn`): what it denies goes as withdrawn, what it permits enters
// the EVPN table with the path it leaves.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "bgpd/wire/evpn.h"
#include "policy/route_map.h"
#include "rib/path.h"

namespace closbgp::rib {

struct EvpnVerdicts {
  std::vector<wire::EvpnRoute> denied;
  // By the path they enter with: `received` itself where the route-map
  // changed nothing; routes with equal results one after the other share
  // one path.
  std::vector<std::pair<PathRef, std::vector<wire::EvpnRoute>>> accepted;
};

EvpnVerdicts evpn_route_map_in(const policy::RouteMap& in, const PathRef& received,
                               std::span<const wire::EvpnRoute> routes,
                               const policy::Neighbor& from);

}  // namespace closbgp::rib
