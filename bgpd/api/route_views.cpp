#include "bgpd/api/route_views.h"

#include <algorithm>

#include "policy/community.h"

namespace closbgp::api {
namespace {

RouteView route_view(const wire::Prefix& prefix, const std::string& peer,
                     const wire::MpNextHop& next_hop, const wire::PathAttributes& a) {
  static constexpr const char* kOrigins[] = {"igp", "egp", "incomplete"};
  RouteView v;
  v.prefix = prefix.to_string();
  v.peer = peer;
  v.next_hop = next_hop.address.to_string();
  if (next_hop.link_local) v.next_hop_link_local = next_hop.link_local->to_string();
  if (a.as_path)
    for (const auto& seg : a.as_path->segments)
      v.as_path.insert(v.as_path.end(), seg.asns.begin(), seg.asns.end());
  if (a.origin) v.origin = kOrigins[uint8_t(*a.origin)];
  v.med = a.med;
  v.local_pref = a.local_pref;
  for (uint32_t c : a.communities) v.communities.push_back(policy::community_text(c));
  for (const auto& c : a.large_communities)
    v.large_communities.push_back(policy::large_community_text(c));
  return v;
}

// One received path: as policy left it if it is in the Loc-RIB
// (`as_received`: as the neighbour sent it), with its flags there.
RouteView received_view(const rib::Rib& rib, const std::string& name, rib::SourceId id,
                        const wire::Prefix& prefix, const rib::Path& received, bool as_received) {
  const rib::LocRib::Entry* entry = rib.loc_rib().find(prefix);
  const rib::Path* in_rib = rib.accepted(prefix, id);
  const auto& shown = in_rib && !as_received ? *in_rib->attributes : *received.attributes;
  RouteView v = route_view(prefix, name, received.next_hop, shown);
  v.accepted = in_rib != nullptr;
  if (entry) {
    const auto set = entry->multipath();
    for (size_t i = 0; i < set.size(); ++i) {
      if (entry->path(set[i]).source.peer_id != id) continue;
      v.multipath = true;
      v.best = i == 0;
    }
  }
  return v;
}

// Only what the query selects is visited, and only that is sorted.
void append_received(const rib::Rib& rib, const std::string& name, const session::Peer& p,
                     const rib::PrefixQuery& query, bool as_received, std::vector<RouteView>& out) {
  const rib::AdjRibIn* in = rib.adj_rib_in(p.id());
  if (!in) return;
  std::vector<std::pair<wire::Prefix, const rib::Path*>> selected;
  query.visit(in->routes(), [&](const wire::Prefix& prefix, const rib::PathRef& path) {
    selected.emplace_back(prefix, path.get());
  });
  std::sort(selected.begin(), selected.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [prefix, path] : selected)
    out.push_back(received_view(rib, name, p.id(), prefix, *path, as_received));
}

}  // namespace

std::vector<RouteView> received_routes(const session::Speaker& speaker,
                                       const rib::PrefixQuery& query) {
  std::vector<RouteView> out;
  for (const auto& [name, p] : speaker.peers())
    append_received(speaker.rib(), name, *p, query, false, out);
  return out;
}

std::vector<RouteView> received_routes(const session::Speaker& speaker, const std::string& name,
                                       const session::Peer& p, const rib::PrefixQuery& query) {
  std::vector<RouteView> out;
  append_received(speaker.rib(), name, p, query, true, out);
  return out;
}

std::vector<RouteView> sent_routes(const session::Speaker& speaker, const std::string& name,
                                   const session::Peer& p, const rib::PrefixQuery& query) {
  std::vector<std::pair<wire::Prefix, RouteView>> sent;  // nothing unless established
  speaker.rib().visit_adj_rib_out(
      p.id(), query, [&](const wire::Prefix& prefix, const wire::PathAttributes& attributes) {
        const auto next_hop = p.next_hop_self(wire::family_of(prefix.afi()));
        sent.emplace_back(
            prefix, route_view(prefix, name, next_hop.value_or(wire::MpNextHop{}), attributes));
      });
  std::sort(sent.begin(), sent.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<RouteView> views;
  views.reserve(sent.size());
  for (auto& [prefix, view] : sent) views.push_back(std::move(view));
  return views;
}

}  // namespace closbgp::api
