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
    if (!remove_one(n.prefix, changed) && by_peer) ++duplicate_withdraws_;
}

size_t AdjRibIn::mark_stale() {
  routes_.for_each([&](const wire::Prefix& p, const PathRef&) { stale_.try_emplace(p); });
  return stale_.size();
}

void AdjRibIn::sweep_stale(std::optional<wire::Family> family, std::vector<RouteChange>& changed) {
  std::vector<wire::Prefix> gone;
  stale_.for_each([&](const wire::Prefix& p, const containers::Unit&) {
    if (!family || wire::family_of(p.afi()) == *family) gone.push_back(p);
  });
  for (const auto& p : gone) {
    stale_.erase(p);
    remove_one(p, changed);
  }
}

void AdjRibIn::mark_long_lived(wire::Family family, std::vector<RouteChange>& changed) {
  std::vector<wire::Prefix> stale;
  stale_.for_each([&](const wire::Prefix& p, const containers::Unit&) {
    if (wire::family_of(p.afi()) == family) stale.push_back(p);
  });
  std::map<const Path*, PathRef> long_lived;  // prefixes of one UPDATE share their path
  for (const auto& p : stale) {
    PathRef* found = routes_.find(p);
    if (!found) {  // not expected: a stale prefix always has its path
      stale_.erase(p);
      continue;
    }
    PathRef& slot = *found;
    const auto& communities = slot->attributes->communities;
    if (std::ranges::find(communities, wire::kNoLlgr) != communities.end()) {
      stale_.erase(p);
      remove_one(p, changed);
      continue;
    }
    if (slot->rank.llgr_stale) continue;
    auto [it, added] = long_lived.try_emplace(slot.get());
    if (added) {
      wire::PathAttributes a = *slot->attributes;
      a.communities.push_back(wire::kLlgrStale);
      it->second = make_path(intern(a), slot->next_hop, slot->source, slot->accepted);
    }
    slot = it->second;
    changed.push_back({p, slot});
  }
}

void AdjRibIn::recheck_loops(const LoopCheck& loops, std::vector<RouteChange>& changed) {
  std::map<const Path*, PathRef> rechecked;  // prefixes of one UPDATE share their path
  routes_.for_each_mut([&](const wire::Prefix& p, PathRef& slot) {
    auto [it, added] = rechecked.try_emplace(slot.get());
    if (added) {
      const bool accepted = !loops.is_loop(*slot->attributes);
      it->second = accepted == slot->accepted
                       ? slot
                       : make_path(slot->attributes, slot->next_hop, slot->source, accepted);
    }
    if (it->second == slot) return;
    if (slot->accepted) --accepted_[p.afi()];
    slot = it->second;
    if (slot->accepted) ++accepted_[p.afi()];
    changed.push_back({p, slot});
  });
}

bool AdjRibIn::remove_one(const wire::Prefix& prefix, std::vector<RouteChange>& changed) {
  const PathRef* r = routes_.find(prefix);
  if (!r) return false;
  if ((*r)->accepted) --accepted_[prefix.afi()];
  routes_.erase(prefix);
  changed.push_back({prefix, nullptr});
  return true;
}

void AdjRibIn::announce(const std::vector<wire::Nlri>& nlri, const PathRef& path,
                        std::vector<RouteChange>& changed) {
  for (const auto& n : nlri) {
    auto [slot, inserted] = routes_.try_emplace(n.prefix);
    if (!inserted && (*slot)->accepted) --accepted_[n.prefix.afi()];
    *slot = path;
    if (path->accepted) ++accepted_[n.prefix.afi()];
    changed.push_back({n.prefix, path});
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
  // Re-sent or withdrawn since a restart: no longer stale.
  if (!stale_.empty())
    for (size_t i = before; i < changed.size(); ++i) stale_.erase(changed[i].prefix);
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

void AdjRibIn::clear() {
  routes_.clear();
  stale_.clear();
  accepted_ = {};
}

}  // namespace closbgp::rib
