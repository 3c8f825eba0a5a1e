#include "rib/evpn_export.h"

namespace closbgp::rib {
namespace {

// Route-maps match and set on unicast prefixes: EVPN routes pass them by.
// RFC 8212 still holds: an eBGP neighbour that must have a route-map-out
// and has none is sent nothing.
PeerPolicy without_route_maps(const PeerPolicy& p) {
  PeerPolicy q = p;
  q.requires_policy = p.requires_policy && !p.out;
  q.in = q.out = nullptr;
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
  r = Receiver{m, without_route_maps(policy), node_drain, {}, false};
  send(r, nullptr, table, sink);
}

void EvpnExport::set_policy(SourceId id, const PeerPolicy& policy, const EvpnTable& table,
                            AdvertisementSink& sink) {
  auto it = members_.find(id);
  if (it == members_.end() || it->second.policy == without_route_maps(policy)) return;
  it->second.policy = without_route_maps(policy);
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
  Advertisement a;
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
    if (v >= 0) {
      a.evpn_announce.resize(variants.size());
      a.evpn_announce[size_t(v)].push_back(e->best_candidate().route);
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
