#include "rib/adj_rib_in.h"

#include <algorithm>
#include <map>

#include "rib/attr_intern.h"

namespace closbgp::rib {

bool path_contains(const wire::AsPath& path, uint32_t asn) {
  return std::any_of(path.segments.begin(), path.segments.end(), [asn](const auto& seg) {
    return std::find(seg.asns.begin(), seg.asns.end(), asn) != seg.asns.end();
  });
}

size_t path_count(const wire::AsPath& path, uint32_t asn) {
  size_t n = 0;
  for (const auto& seg : path.segments)
    n += size_t(std::count(seg.asns.begin(), seg.asns.end(), asn));
  return n;
}

void AdjRibIn::withdraw(const std::vector<wire::Nlri>& nlri, std::vector<RouteChange>& changed,
                        bool by_peer) {
  for (const auto& n : nlri)
    if (!remove_one(n.prefix, n.path_id, changed) && by_peer) ++duplicate_withdraws_;
}

size_t AdjRibIn::mark_stale() {
  routes_.for_each([&](const wire::Prefix& p, const ReceivedPaths&) { stale_.try_emplace(p); });
  refreshed_.clear();
  return stale_.size();
}

bool AdjRibIn::is_refreshed(const wire::Prefix& prefix, uint32_t path_id) const {
  const auto* ids = refreshed_.find(prefix);
  return ids && std::ranges::find(*ids, path_id) != ids->end();
}

void AdjRibIn::refreshed(const wire::Prefix& prefix, uint32_t path_id) {
  if (!stale_.contains(prefix)) return;
  // Stale no more once every path it holds came again (at once without
  // add-path: one path, id 0).
  const ReceivedPaths* held = routes_.find(prefix);
  bool all = true;
  for (size_t i = 0; held && i < held->size() && all; ++i) {
    const uint32_t id = held->path(i).source.path_id;
    all = id == path_id || is_refreshed(prefix, id);
  }
  if (all) {
    stale_.erase(prefix);
    refreshed_.erase(prefix);
  } else if (!is_refreshed(prefix, path_id)) {
    refreshed_.try_emplace(prefix).first->push_back(path_id);
  }
}

std::vector<PathRef> AdjRibIn::stale_paths(const wire::Prefix& prefix) const {
  std::vector<PathRef> out;
  if (const ReceivedPaths* held = routes_.find(prefix))
    held->for_each([&](const PathRef& p) {
      if (!is_refreshed(prefix, p->source.path_id)) out.push_back(p);
    });
  return out;
}

std::vector<wire::Prefix> AdjRibIn::stale_prefixes(std::optional<wire::Family> family) const {
  std::vector<wire::Prefix> out;
  stale_.for_each([&](const wire::Prefix& p, const containers::Unit&) {
    if (!family || wire::family_of(p.afi()) == *family) out.push_back(p);
  });
  return out;
}

void AdjRibIn::sweep_stale(std::optional<wire::Family> family, std::vector<RouteChange>& changed) {
  for (const auto& p : stale_prefixes(family)) {
    for (const auto& path : stale_paths(p)) remove_one(p, path->source.path_id, changed);
    stale_.erase(p);
    refreshed_.erase(p);
  }
}

void AdjRibIn::mark_long_lived(wire::Family family, std::vector<RouteChange>& changed) {
  std::map<const Path*, PathRef> long_lived;  // prefixes of one UPDATE share their path
  for (const auto& p : stale_prefixes(family)) {
    for (const auto& path : stale_paths(p)) {
      const auto& communities = path->attributes->communities;
      if (std::ranges::find(communities, wire::kNoLlgr) != communities.end()) {
        remove_one(p, path->source.path_id, changed);
        continue;
      }
      if (path->rank.llgr_stale) continue;
      auto [it, added] = long_lived.try_emplace(path.get());
      if (added) {
        wire::PathAttributes a = *path->attributes;
        a.communities.push_back(wire::kLlgrStale);
        it->second = make_path(intern(a), path->next_hop, path->source, path->accepted);
      }
      hold(p, it->second);
      changed.push_back({p, it->second, path->source.path_id});
    }
    if (stale_paths(p).empty()) {  // all gone (NO_LLGR)
      stale_.erase(p);
      refreshed_.erase(p);
    }
  }
}

void AdjRibIn::recheck_loops(const LoopCheck& loops, std::vector<RouteChange>& changed) {
  std::map<const Path*, PathRef> rechecked;  // prefixes of one UPDATE share their path
  std::vector<RouteChange> moved;
  for_each_path([&](const wire::Prefix& p, const PathRef& path) {
    auto [it, added] = rechecked.try_emplace(path.get());
    if (added) {
      const bool accepted = !loops.is_loop(*path->attributes);
      it->second = accepted == path->accepted
                       ? path
                       : make_path(path->attributes, path->next_hop, path->source, accepted);
    }
    if (it->second != path) moved.push_back({p, it->second, path->source.path_id});
  });
  for (const auto& c : moved) {
    hold(c.prefix, c.path);
    changed.push_back(c);
  }
}

void AdjRibIn::hold(const wire::Prefix& prefix, PathRef path) {
  const bool accepted = path->accepted;
  const PathRef before = routes_.try_emplace(prefix).first->set(std::move(path));
  if (before && before->accepted) --accepted_[prefix.afi()];
  if (!before) ++received_[prefix.afi()];
  if (accepted) ++accepted_[prefix.afi()];
}

bool AdjRibIn::remove_one(const wire::Prefix& prefix, uint32_t path_id,
                          std::vector<RouteChange>& changed) {
  ReceivedPaths* held = routes_.find(prefix);
  const PathRef before = held ? held->remove(path_id) : nullptr;
  if (!before) return false;
  if (before->accepted) --accepted_[prefix.afi()];
  --received_[prefix.afi()];
  if (held->empty()) routes_.erase(prefix);
  changed.push_back({prefix, nullptr, path_id});
  return true;
}

void AdjRibIn::announce(const std::vector<wire::Nlri>& nlri, const PathRef& path,
                        std::vector<RouteChange>& changed) {
  PathRef with_id = path;  // the last path id's copy: an UPDATE's NLRI mostly share theirs
  for (const auto& n : nlri) {
    if (n.path_id != with_id->source.path_id) {
      PathSource source = path->source;
      source.path_id = n.path_id;
      with_id = make_path(path->attributes, path->next_hop, source, path->accepted);
    }
    hold(n.prefix, with_id);
    changed.push_back({n.prefix, with_id, n.path_id});
  }
}

bool LoopCheck::is_loop(const wire::PathAttributes& a) const {
  if (a.as_path && path_count(*a.as_path, local_as) > allowas_in) return true;
  if (router_id && a.originator_id == router_id) return true;
  return cluster_id && std::ranges::find(a.cluster_list, cluster_id) != a.cluster_list.end();
}

void AdjRibIn::apply(const wire::UpdateMessage& u, const PathSource& source, const LoopCheck& loops,
                     std::vector<RouteChange>& changed) {
  const size_t before = changed.size();
  apply_update(u, source, loops, changed);
  if (!stale_.empty())
    for (size_t i = before; i < changed.size(); ++i)
      refreshed(changed[i].prefix, changed[i].path_id);
}

void AdjRibIn::apply_update(const wire::UpdateMessage& u, const PathSource& source,
                            const LoopCheck& loops, std::vector<RouteChange>& changed) {
  withdraw(u.withdrawn, changed, true);
  if (u.mp_unreach) withdraw(u.mp_unreach->withdrawn, changed, true);
  if (u.action == wire::AttrAction::TreatAsWithdraw) {
    withdraw(u.nlri, changed, false);
    if (u.mp_reach) withdraw(u.mp_reach->nlri, changed, false);
    return;
  }
  if (u.nlri.empty() && !u.mp_reach) return;
  const bool accepted = !loops.is_loop(u.attributes);
  auto attrs = intern(u.attributes);
  if (!u.nlri.empty() && u.attributes.next_hop)
    announce(u.nlri,
             make_path(attrs, wire::MpNextHop{*u.attributes.next_hop, {}}, source, accepted),
             changed);
  if (u.mp_reach)
    announce(u.mp_reach->nlri, make_path(attrs, u.mp_reach->next_hop, source, accepted), changed);
}

void AdjRibIn::reserve(const FamilyCounts& prefixes) {
  for (auto afi : FamilyCounts::kAfis) routes_.reserve(afi, prefixes[afi]);
}

void AdjRibIn::clear() {
  routes_.clear();
  stale_.clear();
  refreshed_.clear();
  received_ = accepted_ = {};
}

}  // namespace closbgp::rib
