#include "bgpd/api/route_views.h"

#include <algorithm>
#include <map>

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
  for (uint64_t c : a.ext_communities) v.ext_communities.push_back(policy::ext_community_text(c));
  v.atomic_aggregate = a.atomic_aggregate;
  if (a.aggregator)
    v.aggregator = std::to_string(a.aggregator->asn) + " " +
                   wire::IpAddress::v4(a.aggregator->address).to_string();
  if (a.originator_id) v.originator_id = wire::IpAddress::v4(*a.originator_id).to_string();
  for (uint32_t id : a.cluster_list) v.cluster_list.push_back(wire::IpAddress::v4(id).to_string());
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

std::vector<RouteView> rib_routes(const session::Speaker& speaker, const rib::PrefixQuery& query) {
  const rib::Rib& rib = speaker.rib();
  const auto& loc = rib.loc_rib().entries();
  // An address resolves to the prefix forwarding would use: the Loc-RIB's.
  rib::PrefixQuery selected = query;
  if (query.longest) {
    const auto [prefix, entry] = loc.longest_match(*query.prefix);
    if (!entry) return {};
    selected = rib::PrefixQuery{prefix, false};
  }
  std::map<uint32_t, std::string> names;  // source id -> neighbour
  std::vector<wire::Prefix> prefixes;
  selected.visit(loc,
                 [&](const wire::Prefix& p, const rib::LocRib::Entry&) { prefixes.push_back(p); });
  // The paths neighbours sent that import policy or loop detection refused
  // are only in their Adj-RIB-In: found in one pass, shown after a prefix's
  // candidates, by neighbour.
  struct Rejected {
    wire::Prefix prefix;
    const std::string* name;
    uint32_t id;
    const rib::Path* path;
  };
  std::vector<Rejected> rejected;
  for (const auto& [name, peer] : speaker.peers()) {
    names[peer->id()] = name;
    if (const rib::AdjRibIn* in = rib.adj_rib_in(peer->id()))
      selected.visit(in->routes(), [&](const wire::Prefix& p, const rib::PathRef& path) {
        if (!rib.accepted(p, peer->id())) rejected.push_back({p, &name, peer->id(), path.get()});
      });
  }
  std::stable_sort(rejected.begin(), rejected.end(),
                   [](const Rejected& a, const Rejected& b) { return a.prefix < b.prefix; });
  for (const auto& r : rejected) prefixes.push_back(r.prefix);
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());

  std::vector<RouteView> out;
  size_t next_rejected = 0;
  for (const auto& prefix : prefixes) {
    if (const rib::LocRib::Entry* entry = rib.loc_rib().find(prefix)) {
      const auto set = entry->multipath();
      std::vector<bool> shown(entry->size());
      auto show = [&](size_t i, bool in_set) {
        const rib::Path& path = entry->path(i);
        const uint32_t id = path.source.peer_id;
        const bool local = id == rib::kLocalSource;
        RouteView v = route_view(prefix, local ? "local" : names[id],
                                 local ? wire::unspecified_next_hop(prefix) : path.next_hop,
                                 *path.attributes);
        v.accepted = true;
        v.multipath = in_set;
        v.best = i == entry->best_index();
        out.push_back(std::move(v));
        shown[i] = true;
      };
      for (uint16_t i : set) show(i, true);
      for (size_t i = 0; i < entry->size(); ++i)
        if (!shown[i]) show(i, false);
    }
    for (; next_rejected < rejected.size() && rejected[next_rejected].prefix == prefix;
         ++next_rejected) {
      const Rejected& r = rejected[next_rejected];
      out.push_back(received_view(rib, *r.name, r.id, prefix, *r.path, true));
    }
  }
  return out;
}

std::optional<RouteDetailView> route_detail(const session::Speaker& speaker,
                                            const rib::PrefixQuery& query) {
  if (!query.prefix) return std::nullopt;
  wire::Prefix prefix = *query.prefix;
  if (query.longest) {
    const auto [found, entry] = speaker.rib().loc_rib().entries().longest_match(prefix);
    if (!entry) return std::nullopt;
    prefix = found;
  }
  const rib::PrefixQuery exact{prefix, false};
  RouteDetailView detail{prefix.to_string(), rib_routes(speaker, exact), {}};
  if (detail.paths.empty()) return std::nullopt;
  for (const auto& [name, peer] : speaker.peers()) {
    bool sent = false;
    speaker.rib().visit_adj_rib_out(
        peer->id(), exact, [&](const wire::Prefix&, const wire::PathAttributes&) { sent = true; });
    if (sent) detail.advertised_to.push_back(name);
  }
  return detail;
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
