#include "fib/planner.h"

#include <algorithm>
#include <set>

namespace closbgp::fib {

std::vector<uint32_t> Planner::acquire_nexthops(const std::vector<NextHop>& set,
                                                std::vector<Op>& ops) {
  std::vector<uint32_t> members;
  for (const auto& nh : set) {
    auto [it, inserted] = nexthops_.try_emplace(nh, Counted{next_id_, 0});
    if (inserted) {
      ++next_id_;
      ops.push_back(op::AddNexthop{it->second.id, nh});
    }
    members.push_back(it->second.id);
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}

std::vector<NextHop> Planner::nexthops_of(uint32_t group) const {
  std::vector<NextHop> out;
  for (uint32_t id : group_by_id_.at(group)->first)
    for (const auto& [nh, c] : nexthops_)
      if (c.id == id) out.push_back(nh);
  return out;
}

std::vector<Op> Planner::without_objects(std::vector<Op> ops) const {
  std::vector<Op> out;
  uint32_t last_group = 0;  // the prefixes of one UPDATE come in a row with one set
  std::vector<NextHop> last_set;
  for (auto& o : ops) {
    if (auto* r = std::get_if<op::SetRoute>(&o)) {
      if (r->group != last_group) {  // ids start above 0
        last_group = r->group;
        last_set = nexthops_of(r->group);
      }
      out.push_back(op::SetRouteVia{r->prefix, last_set});
    } else if (std::holds_alternative<op::DelRoute>(o)) {
      out.push_back(std::move(o));
    }
  }
  return out;
}

void Planner::add_refs(const std::vector<uint32_t>& members, int delta) {
  for (uint32_t m : members)
    for (auto& [nh, c] : nexthops_)
      if (c.id == m) c.refs = uint32_t(int(c.refs) + delta);
}

Planner::Groups::iterator Planner::add_group(const std::vector<uint32_t>& members, Counted c) {
  auto g = groups_.emplace(members, c);
  group_by_id_.insert_or_assign(c.id, g);
  return g;
}

uint32_t Planner::acquire_group(const std::vector<NextHop>& set, std::vector<Op>& ops) {
  const auto members = acquire_nexthops(set, ops);
  auto g = groups_.find(members);
  if (g == groups_.end()) {
    g = add_group(members, Counted{next_id_++, 0});
    add_refs(members, +1);
    ops.push_back(op::AddGroup{g->second.id, members});
  }
  ++g->second.refs;
  return g->second.id;
}

void Planner::release_group(uint32_t id) {
  if (auto g = group_by_id_.find(id); g != group_by_id_.end()) --g->second->second.refs;
}

void Planner::rewrite_groups_in_place(const RouteUpdate& update, std::vector<Op>& ops,
                                      std::map<wire::Prefix, bool>& settled) {
  // For each group touched: how many of its prefixes move, and whether they
  // all move to one and the same new set.
  struct Move {
    uint32_t moving = 0;
    std::vector<NextHop> to;  // sorted
    bool same = true;
  };
  std::map<uint32_t, Move> moves;
  for (const auto& [prefix, set] : update.upsert) {
    auto r = routes_.find(prefix);
    if (r == routes_.end() || set.empty()) continue;
    std::vector<NextHop> sorted = set;
    std::sort(sorted.begin(), sorted.end());
    Move& m = moves[r->second];
    if (m.moving++ == 0)
      m.to = std::move(sorted);
    else
      m.same = m.same && m.to == sorted;
  }
  for (const auto& [gid, m] : moves) {
    auto by_id = group_by_id_.find(gid);
    if (by_id == group_by_id_.end()) continue;
    auto old = by_id->second;
    if (!m.same || m.moving != old->second.refs) continue;
    const auto members = acquire_nexthops(m.to, ops);
    if (members == old->first) continue;
    const Counted counted = old->second;
    const std::vector<uint32_t> old_members = old->first;
    groups_.erase(old);
    add_group(members, counted);
    add_refs(members, +1);
    add_refs(old_members, -1);
    ops.push_back(op::AddGroup{gid, members});
    for (const auto& [prefix, set] : update.upsert) {
      auto r = routes_.find(prefix);
      if (r != routes_.end() && r->second == gid) settled[prefix] = true;
    }
  }
}

// Deletes what no route uses any more: groups first, then their nexthops.
void Planner::collect(std::vector<Op>& ops) {
  for (auto g = groups_.begin(); g != groups_.end();) {
    if (g->second.refs != 0) {
      ++g;
      continue;
    }
    ops.push_back(op::DelGroup{g->second.id});
    add_refs(g->first, -1);
    group_by_id_.erase(g->second.id);
    g = groups_.erase(g);
  }
  for (auto n = nexthops_.begin(); n != nexthops_.end();) {
    if (n->second.refs != 0) {
      ++n;
      continue;
    }
    ops.push_back(op::DelNexthop{n->second.id});
    n = nexthops_.erase(n);
  }
  std::erase_if(orphans_, [&](uint32_t id) {
    for (const auto& [members, c] : groups_)
      if (std::find(members.begin(), members.end(), id) != members.end()) return false;
    ops.push_back(op::DelNexthop{id});
    return true;
  });
}

std::vector<wire::Prefix> Planner::prefixes() const {
  std::vector<wire::Prefix> out;
  for (const auto& [prefix, group] : routes_) out.push_back(prefix);
  return out;
}

void Planner::adopt(const Installed& installed) {
  uint32_t highest = 0;
  for (const auto& [id, nh] : installed.nexthops) {
    // A second object for the same next hop goes once no group uses it.
    if (!nexthops_.try_emplace(nh, Counted{id, 0}).second) orphans_.push_back(id);
    highest = std::max(highest, id);
  }
  std::map<uint32_t, Counted*> by_id;
  for (const auto& [id, members] : installed.groups) {
    std::vector<uint32_t> sorted = members;
    std::sort(sorted.begin(), sorted.end());
    by_id[id] = &add_group(sorted, Counted{id, 0})->second;
    add_refs(sorted, +1);
    highest = std::max(highest, id);
  }
  for (const auto& [prefix, id] : installed.routes) {
    routes_.insert_or_assign(prefix, id);
    if (auto g = by_id.find(id); g != by_id.end()) ++g->second->refs;
  }
  next_id_ = std::max(next_id_, highest + 1);
  std::vector<Op> never_written;  // the fallback's sets are interned, not kernel objects
  for (const auto& [prefix, set] : installed.multipath_routes)
    routes_.insert_or_assign(prefix, acquire_group(set, never_written));
}

std::vector<Op> Planner::repair_multipath(const Installed& kernel) const {
  std::map<wire::Prefix, std::vector<NextHop>> routes;
  for (const auto& [prefix, set] : kernel.multipath_routes) {
    auto& sorted = routes[prefix] = set;
    std::sort(sorted.begin(), sorted.end());
  }
  std::map<uint32_t, std::vector<NextHop>> sets;  // by group, sorted
  for (const auto& [id, g] : group_by_id_) {
    auto& sorted = sets[id] = nexthops_of(id);
    std::sort(sorted.begin(), sorted.end());
  }
  std::vector<Op> ops;
  for (const auto& [prefix, group] : routes_) {
    const auto& want = sets.at(group);
    if (auto k = routes.find(prefix); k == routes.end() || k->second != want)
      ops.push_back(op::SetRouteVia{prefix, want});
  }
  for (const auto& [prefix, set] : routes)
    if (!routes_.contains(prefix)) ops.push_back(op::DelRoute{prefix});
  return ops;
}

std::vector<Op> Planner::repair(const Installed& kernel) const {
  if (!objects()) return repair_multipath(kernel);
  std::map<uint32_t, NextHop> hops(kernel.nexthops.begin(), kernel.nexthops.end());
  std::map<uint32_t, std::vector<uint32_t>> groups;
  for (const auto& [id, members] : kernel.groups) {
    auto& sorted = groups[id] = members;
    std::sort(sorted.begin(), sorted.end());
  }
  std::map<wire::Prefix, uint32_t> routes(kernel.routes.begin(), kernel.routes.end());
  std::vector<Op> ops;
  std::set<uint32_t> ours;
  for (const auto& [nh, c] : nexthops_) {
    ours.insert(c.id);
    if (auto k = hops.find(c.id); k == hops.end() || k->second != nh)
      ops.push_back(op::AddNexthop{c.id, nh});
  }
  for (const auto& [members, c] : groups_) {
    ours.insert(c.id);
    if (auto k = groups.find(c.id); k == groups.end() || k->second != members)
      ops.push_back(op::AddGroup{c.id, members});
  }
  for (const auto& [prefix, group] : routes_)
    if (auto k = routes.find(prefix); k == routes.end() || k->second != group)
      ops.push_back(op::SetRoute{prefix, group});
  for (const auto& [prefix, id] : routes)
    if (!routes_.contains(prefix)) ops.push_back(op::DelRoute{prefix});
  // Objects of ours we do not hold: groups before the nexthops they use.
  for (const auto& [id, members] : groups)
    if (!ours.contains(id)) ops.push_back(op::DelGroup{id});
  for (const auto& [id, nh] : hops)
    if (!ours.contains(id)) ops.push_back(op::DelNexthop{id});
  return ops;
}

std::vector<Op> Planner::plan(const RouteUpdate& update) {
  std::vector<Op> ops;
  std::map<wire::Prefix, bool> settled;  // prefixes whose group was rewritten in place
  if (objects()) rewrite_groups_in_place(update, ops, settled);
  // The prefixes of one UPDATE come in a row with the same set: the group
  // found for the previous one serves them all.
  const std::vector<NextHop>* last_set = nullptr;
  uint32_t last_group = 0;
  for (const auto& [prefix, set] : update.upsert) {
    if (set.empty() || settled.contains(prefix)) continue;
    uint32_t group;
    if (last_set && *last_set == set) {
      group = last_group;
      ++group_by_id_.at(group)->second.refs;
    } else {
      group = acquire_group(set, ops);
    }
    last_set = &set;
    last_group = group;
    auto [it, inserted] = routes_.try_emplace(prefix, group);
    if (!inserted) {
      const uint32_t old = it->second;
      if (old == group) {  // already there
        release_group(group);
        continue;
      }
      it->second = group;
      release_group(old);
    }
    ops.push_back(op::SetRoute{prefix, group});
  }
  for (const auto& prefix : update.remove) {
    auto it = routes_.find(prefix);
    if (it == routes_.end()) continue;
    ops.push_back(op::DelRoute{prefix});
    release_group(it->second);
    routes_.erase(it);
  }
  collect(ops);
  return objects() ? ops : without_objects(std::move(ops));
}

}  // namespace closbgp::fib
