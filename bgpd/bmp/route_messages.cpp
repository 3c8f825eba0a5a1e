#include "bgpd/bmp/route_messages.h"

#include <map>
#include <utility>

#include "bgpd/wire/codec.h"

namespace closbgp::bmp {

const rib::Path* path_in(const rib::Rib& rib, View view, rib::SourceId source,
                         const wire::Nlri& n) {
  switch (view) {
    case View::PrePolicy: {
      const rib::AdjRibIn* in = rib.adj_rib_in(source);
      return in ? in->find(n.prefix, n.path_id) : nullptr;
    }
    case View::PostPolicy:
      return rib.accepted(n.prefix, source, n.path_id);
    case View::LocRib: {
      const rib::LocRib::Entry* e = rib.entry(n.prefix);
      return e && e->size() > 0 ? &e->best() : nullptr;
    }
  }
  return nullptr;
}

void append_routes(const rib::Rib& rib, View view, rib::SourceId source,
                   const wire::bmp::PeerHeader& peer, std::span<const wire::Nlri> nlri,
                   std::vector<uint8_t>& out, bool withdraw_missing, wire::FamilySet ids) {
  // A group per path; the node's own paths (no next hop) by attribute set
  // and family, as their next hop is the family's unspecified address.
  struct Group {
    const rib::Path* path;
    wire::Family family;
    std::vector<wire::Nlri> nlri;
  };
  std::map<std::pair<const void*, wire::Family>, size_t> index;
  std::vector<Group> groups;
  std::map<wire::Family, std::vector<wire::Nlri>> withdrawn;
  for (const auto& n : nlri) {
    const wire::Family family = wire::family_of(n.prefix.afi());
    const rib::Path* path = path_in(rib, view, source, n);
    if (!path) {
      if (withdraw_missing) withdrawn[family].push_back(n);
      continue;
    }
    const bool ours = path->source.peer_id == rib::kLocalSource;
    const void* key = ours ? static_cast<const void*>(path->attributes.get()) : path;
    auto [at, added] = index.try_emplace({key, family}, groups.size());
    if (added) groups.push_back({path, family, {}});
    groups[at->second].nlri.push_back(n);
  }
  wire::EncodeContext ctx;  // 4-octet AS numbers, messages of up to 4096 octets
  ctx.add_path = ids;
  std::vector<uint8_t> updates;
  for (const auto& [family, gone] : withdrawn) wire::encode_withdraw(family, gone, ctx, updates);
  for (const auto& g : groups) {
    const bool ours = g.path->source.peer_id == rib::kLocalSource;
    const wire::MpNextHop next_hop =
        ours ? wire::unspecified_next_hop(g.nlri.front().prefix) : g.path->next_hop;
    wire::encode_announce(*g.path->attributes, next_hop, g.family, g.nlri, ctx, updates);
  }
  wire::bmp::route_monitoring(peer, updates, out);
}

std::vector<wire::Nlri> nlri_of(const wire::UpdateMessage& u) {
  std::vector<wire::Nlri> out;
  auto add = [&](const std::vector<wire::Nlri>& nlri) {
    out.insert(out.end(), nlri.begin(), nlri.end());
  };
  add(u.withdrawn);
  add(u.nlri);
  if (u.mp_reach) add(u.mp_reach->nlri);
  if (u.mp_unreach) add(u.mp_unreach->withdrawn);
  return out;
}

namespace {

const rib::EvpnTable::Candidate* evpn_candidate(const rib::Rib& rib, View view,
                                                rib::SourceId source,
                                                const rib::EvpnTable::Key& key) {
  const rib::EvpnTable::Entry* e = rib.evpn().find(key);
  if (!e) return nullptr;
  if (view == View::LocRib) return &e->best_candidate();
  for (const auto& c : e->candidates)
    if (c.path->source.peer_id == source) return &c;
  return nullptr;
}

bool is_evpn(const auto& reach_or_unreach) {
  return reach_or_unreach && reach_or_unreach->family == wire::Family::L2vpnEvpn;
}

}  // namespace

void append_evpn_routes(const rib::Rib& rib, View view, rib::SourceId source,
                        const wire::bmp::PeerHeader& peer,
                        std::span<const rib::EvpnTable::Key> keys, std::vector<uint8_t>& out,
                        bool withdraw_missing) {
  // Routes that share a path share an UPDATE, in the order first seen.
  std::map<const rib::Path*, size_t> index;
  std::vector<std::pair<const rib::Path*, std::vector<wire::EvpnRoute>>> held;
  std::vector<wire::EvpnRoute> gone;
  for (const auto& key : keys) {
    const rib::EvpnTable::Candidate* c = evpn_candidate(rib, view, source, key);
    if (!c) {
      if (withdraw_missing) gone.push_back(rib::EvpnTable::route_of(key));
      continue;
    }
    auto [at, added] = index.try_emplace(c->path.get(), held.size());
    if (added) held.push_back({c->path.get(), {}});
    held[at->second].second.push_back(c->route(key));
  }
  const wire::EncodeContext ctx;
  std::vector<uint8_t> updates;
  if (!gone.empty()) wire::encode_evpn_withdraw(gone, ctx, updates);
  for (const auto& [path, routes] : held)
    wire::encode_evpn_announce(*path->attributes, path->next_hop.address, routes, ctx, updates);
  wire::bmp::route_monitoring(peer, updates, out);
}

void append_received_evpn(const wire::bmp::PeerHeader& peer, const wire::UpdateMessage& u,
                          std::vector<uint8_t>& out) {
  const wire::EncodeContext ctx;
  std::vector<uint8_t> updates;
  if (is_evpn(u.mp_unreach) && !u.mp_unreach->evpn.empty())
    wire::encode_evpn_withdraw(u.mp_unreach->evpn, ctx, updates);
  if (is_evpn(u.mp_reach) && !u.mp_reach->evpn.empty()) {
    if (u.action == wire::AttrAction::TreatAsWithdraw)
      wire::encode_evpn_withdraw(u.mp_reach->evpn, ctx, updates);
    else
      wire::encode_evpn_announce(u.attributes, u.mp_reach->next_hop.address, u.mp_reach->evpn, ctx,
                                 updates);
  }
  wire::bmp::route_monitoring(peer, updates, out);
}

std::vector<rib::EvpnTable::Key> evpn_keys_of(const wire::UpdateMessage& u) {
  std::vector<rib::EvpnTable::Key> out;
  if (is_evpn(u.mp_unreach))
    for (const auto& r : u.mp_unreach->evpn) out.push_back(rib::EvpnTable::key_of(r));
  if (is_evpn(u.mp_reach))
    for (const auto& r : u.mp_reach->evpn) out.push_back(rib::EvpnTable::key_of(r));
  return out;
}

std::vector<wire::Nlri> without_ids(std::span<const wire::Prefix> prefixes) {
  std::vector<wire::Nlri> out;
  out.reserve(prefixes.size());
  for (const auto& p : prefixes) out.push_back({p, 0});
  return out;
}

void append_end_of_rib(const wire::bmp::PeerHeader& peer, wire::Family family,
                       std::vector<uint8_t>& out) {
  std::vector<uint8_t> marker;
  wire::encode_end_of_rib(family, marker);
  wire::bmp::route_monitoring(peer, marker, out);
}

}  // namespace closbgp::bmp
