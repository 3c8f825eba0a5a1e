#include "rib/loc_rib.h"

#include <algorithm>

namespace closbgp::rib {
namespace {

// What the outside sees of an entry: the sources and attributes of the ECMP
// set, best first.
std::vector<std::pair<uint32_t, const wire::PathAttributes*>> visible(const LocRib::Entry& e) {
  std::vector<std::pair<uint32_t, const wire::PathAttributes*>> v;
  for (size_t i : e.selection.multipath)
    v.emplace_back(e.paths[i].source.peer_id, e.paths[i].attributes.get());
  return v;
}

}  // namespace

bool LocRib::set(const wire::Prefix& prefix, uint32_t peer_id, std::optional<Path> path) {
  auto it = entries_.find(prefix);
  if (it == entries_.end()) {
    if (!path) return false;
    path->source.peer_id = peer_id;
    Entry e;
    e.paths.push_back(std::move(*path));
    e.selection = select(e.paths, options_);
    entries_.emplace(prefix, std::move(e));
    return true;
  }
  Entry& e = it->second;
  const auto before = visible(e);
  auto pos = std::lower_bound(e.paths.begin(), e.paths.end(), peer_id,
                              [](const Path& p, uint32_t id) { return p.source.peer_id < id; });
  const bool present = pos != e.paths.end() && pos->source.peer_id == peer_id;
  if (!path) {
    if (!present) return false;
    e.paths.erase(pos);
    if (e.paths.empty()) {
      entries_.erase(it);
      return true;
    }
  } else {
    path->source.peer_id = peer_id;
    if (present)
      *pos = std::move(*path);
    else
      e.paths.insert(pos, std::move(*path));
  }
  e.selection = select(e.paths, options_);
  // A replaced path in the set has new attributes, hence a new pointer.
  return visible(e) != before;
}

std::vector<wire::Prefix> LocRib::remove_source(uint32_t peer_id) {
  std::vector<wire::Prefix> candidates, changed;
  for (const auto& [prefix, e] : entries_)
    if (std::any_of(e.paths.begin(), e.paths.end(),
                    [&](const Path& p) { return p.source.peer_id == peer_id; }))
      candidates.push_back(prefix);
  for (const auto& p : candidates)
    if (set(p, peer_id, std::nullopt)) changed.push_back(p);
  return changed;
}

const LocRib::Entry* LocRib::find(const wire::Prefix& prefix) const {
  auto it = entries_.find(prefix);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace closbgp::rib
