// `show bgp evpn routes`: the RIB engine's EVPN table as views.
#pragma once

#include <vector>

#include "bgpd/api/backend.h"
#include "bgpd/session/speaker.h"

namespace closbgp::api {

// What `query` selects, by RD, then route; each route's paths by neighbour.
std::vector<EvpnRouteView> evpn_view(const session::Speaker& speaker, const EvpnQuery& query);
// The leaf's VNIs (`vni` only, unless 0): `show evpn vni|mac|arp-cache`.
std::vector<EvpnVniView> evpn_vni_view(const rib::EvpnLeaf& leaf, uint32_t vni);
// A routed tenant, named `name`: `show evpn vrf`.
EvpnTenantView evpn_tenant_view(const rib::EvpnTenant& tenant, const std::string& name);
// Each VNI's MACs, addresses and remote VTEPs counted (the metrics).
std::vector<EvpnVniCounts> evpn_vni_counts(const rib::EvpnLeaf& leaf);

}  // namespace closbgp::api
