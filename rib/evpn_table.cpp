#include "rib/evpn_table.h"

#include <algorithm>

namespace closbgp::rib {
namespace {

// One path of a route goes on: no multipath.
const SelectionOptions kSelection{
    .multipath = false, .max_paths = 1, .as_path_relax = false, .always_compare_med = false};

bool carries_labels(uint8_t type) {
  using T = wire::EvpnType;
  return type == uint8_t(T::EthernetAutoDiscovery) || type == uint8_t(T::MacIp) ||
         type == uint8_t(T::IpPrefix);
}

// RFC 7432 sec. 7.2, RFC 9136 sec. 3.1: a MAC/IP or IP prefix route's ESI
// is its path's, not part of the route's key.
bool esi_is_the_paths(uint8_t type) {
  return type == uint8_t(wire::EvpnType::MacIp) || type == uint8_t(wire::EvpnType::IpPrefix);
}

}  // namespace

EvpnTable::Key EvpnTable::key_of(const wire::EvpnRoute& route) {
  wire::EvpnRoute k = route;
  k.labels.assign(carries_labels(route.type) ? 1 : 0, 0);
  if (esi_is_the_paths(route.type)) k.esi = {};
  if (k.gateway) k.gateway = k.gateway->is_v4() ? wire::IpAddress::v4(0) : wire::IpAddress::v6({});
  std::vector<uint8_t> bytes;
  wire::Writer w(bytes);
  wire::encode_evpn_route(k, w);
  return Key(bytes);
}

wire::EvpnRoute EvpnTable::route_of(const Key& key) {
  std::vector<wire::EvpnRoute> out;
  std::string why;
  wire::decode_evpn_nlri(key.bytes(), out, why);  // made by key_of: it parses
  return out.empty() ? wire::EvpnRoute{} : out.front();
}

EvpnTable::PathFields EvpnTable::PathFields::of(const wire::EvpnRoute& route) {
  PathFields f;
  f.label_count = uint8_t(std::min(route.labels.size(), f.labels.size()));  // the codec reads two
  std::copy_n(route.labels.begin(), f.label_count, f.labels.begin());
  if (esi_is_the_paths(route.type)) f.esi = route.esi;
  f.gateway = route.gateway;
  return f;
}

wire::EvpnRoute EvpnTable::Candidate::route(const Key& key) const {
  wire::EvpnRoute r = route_of(key);
  const auto labels = fields.label_span();
  r.labels.assign(labels.begin(), labels.end());
  if (esi_is_the_paths(r.type)) r.esi = fields.esi;
  if (fields.gateway) r.gateway = fields.gateway;
  return r;
}

void EvpnTable::announce(const PathRef& path, std::span<const wire::EvpnRoute> routes) {
  const CandidateKey source = CandidateKey::of(*path);
  for (const auto& route : routes) {
    auto it = entries_.try_emplace(key_of(route)).first;
    auto& cs = it->second.candidates;
    const Candidate* before = cs.empty() ? nullptr : &it->second.best_candidate();
    const Candidate best_before = before ? *before : Candidate{};
    auto at = std::ranges::lower_bound(
        cs, source, {}, [](const Candidate& c) { return CandidateKey::of(*c.path); });
    if (at != cs.end() && CandidateKey::of(*at->path) == source) {
      *at = {path, PathFields::of(route)};
    } else {
      cs.insert(at, {path, PathFields::of(route)});
      ++held_[source.peer_id];
    }
    refreshed(source.peer_id, it->first);
    reselect(it, before ? &best_before : nullptr);
  }
}

void EvpnTable::withdraw(CandidateKey source, std::span<const wire::EvpnRoute> routes) {
  for (const auto& route : routes) {
    auto it = entries_.find(key_of(route));
    if (it == entries_.end()) continue;
    auto& cs = it->second.candidates;
    auto at =
        std::ranges::find(cs, source, [](const Candidate& c) { return CandidateKey::of(*c.path); });
    if (at == cs.end()) continue;
    const Candidate best_before = it->second.best_candidate();
    cs.erase(at);
    if (--held_[source.peer_id] == 0) held_.erase(source.peer_id);
    refreshed(source.peer_id, it->first);
    reselect(it, &best_before);
  }
}

void EvpnTable::refreshed(uint32_t peer_id, const Key& key) {
  if (stale_.empty()) return;  // no neighbour restarting: the usual case
  auto it = stale_.find(peer_id);
  if (it != stale_.end() && it->second.erase(key) && it->second.empty()) stale_.erase(it);
}

size_t EvpnTable::remove_at(std::map<Key, Entry>::iterator it, uint32_t peer_id) {
  auto& cs = it->second.candidates;
  const Candidate best_before = it->second.best_candidate();
  const auto gone = std::remove_if(
      cs.begin(), cs.end(), [&](const Candidate& c) { return c.path->source.peer_id == peer_id; });
  const size_t removed = size_t(cs.end() - gone);
  cs.erase(gone, cs.end());
  if (removed == 0) return 0;
  if ((held_[peer_id] -= removed) == 0) held_.erase(peer_id);
  reselect(it, &best_before);
  return removed;
}

size_t EvpnTable::remove_source(uint32_t peer_id) {
  size_t removed = 0;
  for (auto it = entries_.begin(); it != entries_.end();) removed += remove_at(it++, peer_id);
  stale_.erase(peer_id);
  return removed;
}

size_t EvpnTable::mark_stale(uint32_t peer_id) {
  auto& keys = stale_[peer_id];
  for (const auto& [key, e] : entries_)
    if (std::ranges::any_of(e.candidates,
                            [&](const Candidate& c) { return c.path->source.peer_id == peer_id; }))
      keys.insert(key);
  const size_t n = keys.size();
  if (n == 0) stale_.erase(peer_id);
  return n;
}

size_t EvpnTable::sweep_stale(uint32_t peer_id) {
  auto node = stale_.extract(peer_id);
  if (node.empty()) return 0;
  size_t removed = 0;
  for (const auto& key : node.mapped())
    if (auto it = entries_.find(key); it != entries_.end()) removed += remove_at(it, peer_id);
  return removed;
}

void EvpnTable::reselect(std::map<Key, Entry>::iterator it, const Candidate* best_before) {
  Entry& e = it->second;
  if (e.candidates.empty()) {
    changed_.push_back(it->first);
    entries_.erase(it);
    return;
  }
  std::vector<PathRef> paths;
  paths.reserve(e.candidates.size());
  for (const auto& c : e.candidates) paths.push_back(c.path);
  std::vector<uint16_t> chosen;
  select(paths, kSelection, chosen);
  e.best = chosen.empty() ? 0 : chosen.front();
  const Candidate& now = e.best_candidate();
  if (!best_before || best_before->path != now.path || best_before->fields != now.fields)
    changed_.push_back(it->first);
}

std::vector<EvpnTable::Key> EvpnTable::take_changes() {
  std::vector<Key> out = std::move(changed_);
  changed_.clear();
  std::ranges::sort(out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

const EvpnTable::Entry* EvpnTable::find(const Key& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace closbgp::rib
