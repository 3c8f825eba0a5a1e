#include "rib/evpn_own_routes.h"

#include <algorithm>

#include "rib/attr_intern.h"

namespace closbgp::rib {

wire::EvpnRoute flood_route(const EvpnLeaf::Vni& v) {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::InclusiveMulticast);
  r.rd = v.rd;
  r.ip = v.local.vtep;
  return r;
}

wire::EvpnRoute mac_route(const EvpnLeaf::Vni& v, const wire::MacAddress& mac,
                          std::optional<wire::IpAddress> ip, const EvpnTenant* routed) {
  wire::EvpnRoute r;
  r.type = uint8_t(wire::EvpnType::MacIp);
  r.rd = v.rd;
  r.mac = mac;
  r.ip = ip;
  r.labels = {v.local.vni};
  if (ip && routed) r.labels.push_back(routed->config().l3vni);
  return r;
}

PathRef our_path(const EvpnLeaf::Vni& v, const PathExtras& x) {
  wire::PathAttributes a;
  a.origin = wire::Origin::Igp;
  a.as_path = wire::AsPath{};
  a.ext_communities = {v.export_rt, wire::kEncapVxlan};
  if (x.sequence) a.ext_communities.push_back(wire::mac_mobility_community({x.sequence, false}));
  if (x.gateway) a.ext_communities.push_back(wire::kDefaultGateway);
  if (x.router) a.ext_communities.push_back(wire::kNdRouter);
  if (x.routed) {
    a.ext_communities.push_back(x.routed->identity().export_rt);
    a.ext_communities.push_back(wire::router_mac_community(x.routed->attachment()->router_mac));
  }
  std::ranges::sort(a.ext_communities);
  if (x.flood) a.unknown.push_back(wire::pmsi_ingress_replication(v.local.vni, v.local.vtep));
  return make_path(intern(a), wire::MpNextHop{v.local.vtep, std::nullopt});
}

}  // namespace closbgp::rib
