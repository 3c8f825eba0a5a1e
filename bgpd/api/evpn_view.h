// `show bgp evpn routes`: the RIB engine's EVPN table as views.
#pragma once

#include <vector>

#include "bgpd/api/backend.h"
#include "bgpd/session/speaker.h"

namespace closbgp::api {

// What `query` selects, by RD, then route; each route's paths by neighbour.
std::vector<EvpnRouteView> evpn_view(const session::Speaker& speaker, const EvpnQuery& query);

}  // namespace closbgp::api
