// What the API shows of the speaker's state: the summary, the paths
// received (after policy, with best and ECMP flags), and one neighbour's
// Adj-RIB-In (as received) or Adj-RIB-Out (as sent).
#include <unistd.h>

#include <fstream>

#include "bgpd/session/speaker.h"
#include "policy/community.h"
#include "rib/attr_intern.h"

namespace closbgp::session {
namespace {

api::RouteView route_view(const wire::Prefix& prefix, const std::string& peer,
                          const wire::MpNextHop& next_hop, const wire::PathAttributes& a) {
  static constexpr const char* kOrigins[] = {"igp", "egp", "incomplete"};
  api::RouteView v;
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

uint64_t resident_memory_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * uint64_t(sysconf(_SC_PAGESIZE));
}

}  // namespace

api::SummaryView Speaker::summary() const {
  api::SummaryView s;
  s.router_id = cfg_.router_id.to_string();
  s.local_as = cfg_.asn;
  s.drain_state = std::string(drain_name(rib_.node_drain()));
  s.rib_prefixes = rib_.loc_rib().size();
  s.rib_attribute_sets = rib::interned_count();
  for (auto f : wire::kAllFamilies)
    s.family_prefixes.emplace_back(wire::family_name(f),
                                   rib_.loc_rib().entries().size(wire::afi_of(f)));
  s.resident_memory_bytes = resident_memory_bytes();
  if (fib_) {
    const auto f = fib_->status();
    s.fib_enabled = true;
    s.fib_routes = f.routes;
    s.fib_groups = f.groups;
    s.fib_nexthops = f.nexthops;
    s.fib_operations = f.operations;
    s.fib_sends = f.sends;
    s.fib_errors = f.errors;
    s.fib_backlog = fib_->backlog();
    s.fib_awaiting_install = rib_.awaiting_install();
  }
  for (const auto& [name, p] : peers_) s.peers.push_back(peer_view(name, *p));
  // Configured interfaces that do not exist yet are shown too, so that a
  // typo in the config is visible.
  for (const auto& n : cfg_.neighbors)
    if (is_missing_interface(n)) s.peers.push_back(missing_interface_view(n));
  return s;
}

// One received path as the API shows it: as policy left it if it is in the
// Loc-RIB (`as_received`: as the neighbour sent it), with its flags there.
api::RouteView Speaker::received_view(const std::string& name, const Peer& p,
                                      const wire::Prefix& prefix, const rib::Path& received,
                                      bool as_received) const {
  const rib::LocRib::Entry* entry = rib_.loc_rib().find(prefix);
  const rib::Path* in_rib = rib_.accepted(prefix, p.id());
  const auto& shown = in_rib && !as_received ? *in_rib->attributes : *received.attributes;
  api::RouteView v = route_view(prefix, name, received.next_hop, shown);
  v.accepted = in_rib != nullptr;
  if (entry) {
    const auto set = entry->multipath();
    for (size_t i = 0; i < set.size(); ++i) {
      if (entry->path(set[i]).source.peer_id != p.id()) continue;
      v.multipath = true;
      v.best = i == 0;
    }
  }
  return v;
}

std::vector<api::RouteView> Speaker::routes() const {
  std::vector<api::RouteView> out;
  for (const auto& [name, p] : peers_) {
    const rib::AdjRibIn* in = rib_.adj_rib_in(p->id());
    if (!in) continue;
    const auto& received = in->routes();
    for (const auto& prefix : received.sorted_keys())
      out.push_back(received_view(name, *p, prefix, **received.find(prefix), false));
  }
  return out;
}

std::expected<std::vector<api::RouteView>, api::ControlError> Speaker::adj_rib(
    const std::string& neighbor, bool out) const {
  auto named = named_peer(neighbor);
  if (!named) return std::unexpected(named.error());
  const Peer& p = **named;
  std::vector<api::RouteView> views;
  if (!out) {
    const rib::AdjRibIn* in = rib_.adj_rib_in(p.id());
    if (!in) return views;
    const auto& received = in->routes();
    for (const auto& prefix : received.sorted_keys())
      views.push_back(received_view(neighbor, p, prefix, **received.find(prefix), true));
    return views;
  }
  auto sent = rib_.adj_rib_out(p.id());  // nothing unless established
  std::sort(sent.begin(), sent.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [prefix, attributes] : sent) {
    const auto next_hop = p.next_hop_self(wire::family_of(prefix.afi()));
    views.push_back(route_view(prefix, neighbor, next_hop.value_or(wire::MpNextHop{}), attributes));
  }
  return views;
}

}  // namespace closbgp::session
