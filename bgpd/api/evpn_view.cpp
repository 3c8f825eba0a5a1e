#include "bgpd/api/evpn_view.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "policy/community.h"

namespace closbgp::api {
namespace {

EvpnPathView path_view(const rib::EvpnTable::Candidate& c, const std::string& peer, bool best) {
  EvpnPathView v;
  v.peer = peer;
  v.next_hop = c.path->next_hop.address.to_string();
  v.esi = wire::esi_text(c.route.esi);
  v.vnis = c.route.labels;
  const auto& a = *c.path->attributes;
  if (a.as_path)
    for (const auto& seg : a.as_path->segments)
      v.as_path.insert(v.as_path.end(), seg.asns.begin(), seg.asns.end());
  for (uint64_t ec : a.ext_communities) v.ext_communities.push_back(policy::ext_community_text(ec));
  v.best = best;
  return v;
}

bool selected(const EvpnQuery& q, const wire::EvpnRoute& key, const rib::EvpnTable::Entry& e) {
  if (q.type && key.type != q.type) return false;
  if (!q.rd.empty() && key.rd.to_string() != q.rd) return false;
  return !q.vni || std::ranges::any_of(e.candidates, [&](const auto& c) {
    return std::ranges::find(c.route.labels, q.vni) != c.route.labels.end();
  });
}

}  // namespace

std::vector<EvpnRouteView> evpn_view(const session::Speaker& speaker, const EvpnQuery& query) {
  std::map<uint32_t, std::string> names;  // source id -> neighbour
  for (const auto& [name, peer] : speaker.peers()) names[peer->id()] = name;
  using Order = std::tuple<wire::RouteDistinguisher, const std::string*>;
  std::vector<std::pair<Order, EvpnRouteView>> out;
  for (const auto& [key, entry] : speaker.rib().evpn().entries()) {
    const wire::EvpnRoute route = rib::EvpnTable::route_of(key);
    if (!selected(query, route, entry)) continue;
    EvpnRouteView v{route.rd.to_string(), route.type, wire::evpn_route_text(route), {}};
    for (size_t i = 0; i < entry.candidates.size(); ++i) {
      const auto& c = entry.candidates[i];
      const auto name = names.find(c.path->source.peer_id);
      v.paths.push_back(path_view(c, name != names.end() ? name->second : "", i == entry.best));
    }
    out.emplace_back(Order{route.rd, &key}, std::move(v));
  }
  std::ranges::sort(out, [](const auto& a, const auto& b) {
    return std::get<0>(a.first) != std::get<0>(b.first)
               ? std::get<0>(a.first) < std::get<0>(b.first)
               : *std::get<1>(a.first) < *std::get<1>(b.first);
  });
  std::vector<EvpnRouteView> views;
  views.reserve(out.size());
  for (auto& [order, v] : out) views.push_back(std::move(v));
  return views;
}

}  // namespace closbgp::api
