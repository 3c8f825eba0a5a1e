#include "rib/evpn_export.h"

namespace closbgp::rib {
namespace {

// What goes with EVPN routes of a neighbour's policy: its EVPN route-map-out
// is applied route by route (send()); the unicast route-maps are about
// prefixes and export_attributes() must not apply them. RFC 8212 still
// holds: an eBGP neighbour that must have a route-map-out and has neither
// is sent nothing.
PeerPolicy evpn_policy(const PeerPolicy& p) {
  PeerPolicy q = p;
  q.requires_policy = p.requires_policy && !p.out && !p.evpn_out;
  q.in = q.out = q.evpn_in = nullptr;
  return q;
}

}  // namespace

ExportRules EvpnExport::rules_of(const Receiver& r) const {
  ExportRules rules;
  rules.ebgp = r.info.ebgp;
  rules.local_as = local_as_;
  rules.policy = &r.policy;
  rules.neighbor = r.info.neighbor();
  rules.drain = effective_drain(r.node_drain, r.info.drain);
  rules.drain_prepend = drain_prepend_;
  rules.rr_clients = r.policy.route_reflector_client;
  rules.cluster_id = cluster_id_;
  return rules;
}

void EvpnExport::add(const Member& m, const PeerPolicy& policy, DrainState node_drain,
                     const EvpnTable& table, AdvertisementSink& sink) {
  Receiver& r = members_[m.id];
  r = Receiver{m, evpn_policy(policy), node_drain, {}, false};
  send(r, nullptr, table, sink);
}

void EvpnExport::set_policy(SourceId id, const PeerPolicy& policy, const EvpnTable& table,
                            AdvertisementSink& sink) {
  auto it = members_.find(id);
  if (it == members_.end() || it->second.policy == evpn_policy(policy)) return;
  it->second.policy = evpn_policy(policy);
  send(it->second, nullptr, table, sink);
}

void EvpnExport::set_member_drain(SourceId id, DrainState drain, const EvpnTable& table,
                                  AdvertisementSink& sink) {
  auto it = members_.find(id);
  if (it == members_.end() || it->second.info.drain == drain) return;
  it->second.info.drain = drain;
  send(it->second, nullptr, table, sink);
}

void EvpnExport::set_node_drain(DrainState drain, const EvpnTable& table, AdvertisementSink& sink) {
  for (auto& [id, r] : members_) {
    if (r.node_drain == drain) continue;
    r.node_drain = drain;
    send(r, nullptr, table, sink);
  }
}

void EvpnExport::refresh(SourceId id, const EvpnTable& table, AdvertisementSink& sink) {
  auto it = members_.find(id);
  if (it == members_.end()) return;
  it->second.sent.clear();  // all of it goes again
  send(it->second, nullptr, table, sink);
}

void EvpnExport::export_changes(std::span<const EvpnTable::Key> keys, const EvpnTable& table,
                                AdvertisementSink& sink) {
  if (keys.empty()) return;
  const std::vector<EvpnTable::Key> changed(keys.begin(), keys.end());
  for (auto& [id, r] : members_) send(r, &changed, table, sink);
}

size_t EvpnExport::sent(SourceId id) const {
  auto it = members_.find(id);
  return it == members_.end() ? 0 : it->second.sent.size();
}

void EvpnExport::send(Receiver& r, const std::vector<EvpnTable::Key>* keys, const EvpnTable& table,
                      AdvertisementSink& sink) {
  const ExportRules rules = rules_of(r);
  std::vector<Variant> variants;
  std::map<const Path*, int> variant_of;  // the routes of one UPDATE share their path; -1: not sent
  std::map<int, int> last_changed;        // a variant -> what route-map-out last made of it
  Advertisement a;
  // The variant `v` becomes for `route` through the EVPN route-map-out
  // (-1: denied); equal results one after the other share one.
  const auto route_map_out = [&](int v, const wire::EvpnRoute& route) {
    const auto verdict =
        r.policy.evpn_out->apply_evpn(route, variants[size_t(v)].attributes, rules.neighbor);
    if (!verdict.permit) return -1;
    if (!verdict.changed) return v;
    auto [it, added] = last_changed.try_emplace(v, -1);
    if (it->second >= 0 && variants[size_t(it->second)].attributes == *verdict.changed)
      return it->second;
    variants.push_back({*verdict.changed, wire::Family::L2vpnEvpn, variants[size_t(v)].next_hop});
    return it->second = int(variants.size() - 1);
  };
  const auto consider = [&](const EvpnTable::Key& key) {
    const EvpnTable::Entry* e = table.find(key);
    int v = -1;
    if (e) {
      const Path& best = *e->best_candidate().path;
      auto [it, added] = variant_of.try_emplace(&best, -1);
      if (added &&
          exportable_to(best, r.info.id, r.info.ebgp, r.policy.sender_loop_check, r.info.peer_as))
        if (auto attrs = export_attributes(best, wire::Prefix{}, rules)) {
          variants.push_back({std::move(*attrs), wire::Family::L2vpnEvpn, best.next_hop.address});
          it->second = int(variants.size() - 1);
        }
      v = it->second;
    }
    std::optional<wire::EvpnRoute> route;
    if (v >= 0) route = e->best_candidate().route(key);
    if (v >= 0 && r.policy.evpn_out) v = route_map_out(v, *route);
    if (v >= 0) {
      a.evpn_announce.resize(variants.size());
      a.evpn_announce[size_t(v)].push_back(std::move(*route));
      r.sent.insert(key);
    } else if (r.sent.erase(key)) {
      a.evpn_withdraw.push_back(EvpnTable::route_of(key));
    }
  };
  if (keys) {
    for (const auto& key : *keys) consider(key);
  } else {
    for (const auto& [key, entry] : table.entries()) consider(key);
    if (rules.drain != DrainState::Warm && !r.end_of_rib_sent) {
      a.end_of_rib.push_back(wire::Family::L2vpnEvpn);
      r.end_of_rib_sent = true;
    }
  }
  a.evpn_announce.resize(variants.size());
  a.variants = variants;
  if (!a.empty()) sink.advertise(r.info.id, a);
}

}  // namespace closbgp::rib
