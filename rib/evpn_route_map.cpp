#include "rib/evpn_route_map.h"

#include "rib/attr_intern.h"

namespace closbgp::rib {

EvpnVerdicts evpn_route_map_in(const policy::RouteMap& in, const PathRef& received,
                               std::span<const wire::EvpnRoute> routes,
                               const policy::Neighbor& from) {
  EvpnVerdicts out;
  for (const auto& route : routes) {
    auto verdict = in.apply_evpn(route, *received->attributes, from);
    if (!verdict.permit) {
      out.denied.push_back(route);
      continue;
    }
    PathRef path = received;
    if (verdict.changed) {
      auto attrs = intern(*verdict.changed);
      const bool same = !out.accepted.empty() && out.accepted.back().first->attributes == attrs;
      path =
          same ? out.accepted.back().first : make_path(attrs, received->next_hop, received->source);
    }
    if (out.accepted.empty() || out.accepted.back().first != path)
      out.accepted.push_back({path, {}});
    out.accepted.back().second.push_back(route);
  }
  return out;
}

}  // namespace closbgp::rib
