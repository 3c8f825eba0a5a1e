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

}  // namespace

EvpnTable::Key EvpnTable::key_of(const wire::EvpnRoute& route) {
  wire::EvpnRoute k = route;
  k.labels.assign(carries_labels(route.type) ? 1 : 0, 0);
  if (route.type == uint8_t(wire::EvpnType::MacIp) ||
      route.type == uint8_t(wire::EvpnType::IpPrefix))
    k.esi = {};
  if (k.gateway) k.gateway = k.gateway->is_v4() ? wire::IpAddress::v4(0) : wire::IpAddress::v6({});
  std::vector<uint8_t> bytes;
  wire::Writer w(bytes);
  wire::encode_evpn_route(k, w);
  return Key(bytes.begin(), bytes.end());
}

wire::EvpnRoute EvpnTable::route_of(const Key& key) {
  std::vector<wire::EvpnRoute> out;
  std::string why;
  const auto* data = reinterpret_cast<const uint8_t*>(key.data());
  wire::decode_evpn_nlri({data, key.size()}, out, why);  // made by key_of: it parses
  return out.empty() ? wire::EvpnRoute{} : out.front();
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
      if (at->stale && --stale_[source.peer_id] == 0) stale_.erase(source.peer_id);
      *at = {path, route};
    } else {
      cs.insert(at, {path, route});
      ++held_[source.peer_id];
    }
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
    forget_one(source.peer_id, at->stale);
    cs.erase(at);
    reselect(it, &best_before);
  }
}

void EvpnTable::forget_one(uint32_t peer_id, bool stale) {
  if (--held_[peer_id] == 0) held_.erase(peer_id);
  if (stale && --stale_[peer_id] == 0) stale_.erase(peer_id);
}

template <class Gone>
size_t EvpnTable::remove_candidates(uint32_t peer_id, Gone gone) {
  size_t removed = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto next = std::next(it);
    auto& cs = it->second.candidates;
    const Candidate best_before = it->second.best_candidate();
    const size_t had = cs.size();
    std::erase_if(cs, [&](const Candidate& c) {
      if (c.path->source.peer_id != peer_id || !gone(c)) return false;
      forget_one(peer_id, c.stale);
      return true;
    });
    if (cs.size() != had) {
      removed += had - cs.size();
      reselect(it, &best_before);
    }
    it = next;
  }
  return removed;
}

size_t EvpnTable::remove_source(uint32_t peer_id) {
  return remove_candidates(peer_id, [](const Candidate&) { return true; });
}

size_t EvpnTable::sweep_stale(uint32_t peer_id) {
  if (!stale(peer_id)) return 0;
  return remove_candidates(peer_id, [](const Candidate& c) { return c.stale; });
}

size_t EvpnTable::mark_stale(uint32_t peer_id) {
  size_t marked = 0;
  for (auto& [key, e] : entries_)
    for (auto& c : e.candidates)
      if (c.path->source.peer_id == peer_id && !c.stale) {
        c.stale = true;
        ++marked;
      }
  if (marked) stale_[peer_id] += marked;
  return stale(peer_id);
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
  if (!best_before || best_before->path != now.path || best_before->route != now.route)
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
