#include "fib/planner.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <optional>
#include <set>

namespace closbgp::fib {

Members Planner::acquire_nexthops(const std::vector<rib::NextHop>& set, std::vector<Op>& ops) {
  Members members;
  for (const auto& weighted : set) {
    const rib::NextHop nh = weighted.unweighted();
    auto [it, inserted] = nexthops_.try_emplace(nh, Counted{next_id_, 0});
    if (inserted) {
      ++next_id_;
      ops.push_back(op::AddNexthop{it->second.id, nh});
    }
    members.emplace_back(it->second.id, weighted.weight);
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}

const Members* Planner::members_of(uint32_t group) const {
  auto g = group_by_id_.find(group);
  return g == group_by_id_.end() ? nullptr : &g->second->first;
}

std::vector<rib::NextHop> Planner::nexthops_of(uint32_t group) const {
  std::vector<rib::NextHop> out;
  for (const Member& m : group_by_id_.at(group)->first)
    for (const auto& [nh, c] : nexthops_)
      if (c.id == m.id) out.push_back(nh.weighted(m.weight));
  return out;
}

std::vector<Op> Planner::without_objects(const std::vector<Op>& ops) const {
  std::vector<Op> out;
  uint32_t last_group = 0;  // the prefixes of one UPDATE come in a row with one set
  std::vector<rib::NextHop> last_set;
  for (const auto& o : ops) {
    if (auto* r = std::get_if<op::SetRoute>(&o)) {
      if (r->group != last_group) {  // ids start above 0
        last_group = r->group;
        last_set = nexthops_of(r->group);
      }
      out.push_back(op::SetRouteVia{r->prefix, last_set});
    } else if (std::holds_alternative<op::DelRoute>(o)) {
      out.push_back(o);
    }
  }
  return out;
}

void Planner::add_refs(const Members& members, int delta) {
  for (const Member& m : members)
    for (auto& [nh, c] : nexthops_)
      if (c.id == m.id) c.refs = uint32_t(int(c.refs) + delta);
}

Planner::Groups::iterator Planner::add_group(const Members& members, Counted c) {
  auto g = groups_.emplace(members, c);
  group_by_id_.insert_or_assign(c.id, g);
  return g;
}

Planner::Groups::iterator Planner::group_for(const Members& members, std::vector<Op>& ops) {
  auto g = groups_.find(members);
  if (g == groups_.end()) {
    g = add_group(members, Counted{next_id_++, 0});
    add_refs(members, +1);
    ops.push_back(op::AddGroup{g->second.id, members});
  }
  return g;
}

uint32_t Planner::acquire_group(const std::vector<rib::NextHop>& set, std::vector<Op>& ops) {
  auto g = group_for(acquire_nexthops(set, ops), ops);
  ++g->second.refs;
  return g->second.id;
}

void Planner::release_group(uint32_t id) {
  if (auto g = group_by_id_.find(id); g != group_by_id_.end()) --g->second->second.refs;
}

namespace {

// The kernel deletes a group whose members' links all went down, and the
// routes on it, without a word; the RIB then moves those routes to another
// set. So a group is rewritten in place only while it surely exists: one
// of its members needs no link (a discard) or is on a link of the new set,
// which is up.
bool still_in_kernel(const std::vector<rib::NextHop>& group, const std::vector<rib::NextHop>& to) {
  return std::ranges::any_of(group, [&](const rib::NextHop& old) {
    return old.is_discard() || std::ranges::any_of(to, [&](const rib::NextHop& now) {
             return now.ifindex == old.ifindex;
           });
  });
}

}  // namespace

void Planner::rewrite_groups_in_place(const Batch& batch, std::vector<Op>& ops,
                                      containers::PrefixSet& settled) {
  // Each of the batch's sets sorted once, not once per prefix that has it.
  std::vector<std::vector<rib::NextHop>> sorted = batch.sets;
  for (auto& s : sorted) std::sort(s.begin(), s.end());
  // For each group touched: how many of its prefixes move, and whether they
  // all move to one and the same new set.
  struct Move {
    uint32_t moving = 0;
    const std::vector<rib::NextHop>* to = nullptr;  // sorted
    bool same = true;
  };
  std::map<uint32_t, Move> moves;
  for (const auto& [prefix, set] : batch.entries) {
    const uint32_t* r = routes_.find(prefix);
    if (!r || set == Batch::kRemove || batch.sets[set].empty()) continue;
    Move& m = moves[*r];
    if (m.moving++ == 0)
      m.to = &sorted[set];
    else
      m.same = m.same && *m.to == sorted[set];
  }
  std::set<uint32_t> rewritten;
  for (const auto& [gid, m] : moves) {
    auto by_id = group_by_id_.find(gid);
    if (by_id == group_by_id_.end()) continue;
    auto old = by_id->second;
    if (!m.same || m.moving != old->second.refs) continue;
    const auto members = acquire_nexthops(*m.to, ops);
    if (members == old->first || !still_in_kernel(nexthops_of(gid), *m.to)) continue;
    const Counted counted = old->second;
    const Members old_members = old->first;
    groups_.erase(old);
    add_group(members, counted);
    add_refs(members, +1);
    add_refs(old_members, -1);
    ops.push_back(op::AddGroup{gid, members});
    rewritten.insert(gid);
  }
  if (rewritten.empty()) return;
  for (const auto& [prefix, set] : batch.entries)
    if (const uint32_t* r = routes_.find(prefix); r && rewritten.contains(*r))
      settled.try_emplace(prefix);
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
      if (std::ranges::find(members, id, &Member::id) != members.end()) return false;
    ops.push_back(op::DelNexthop{id});
    return true;
  });
}

std::vector<wire::Prefix> Planner::prefixes() const {
  return routes_.keys();
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
    Members sorted = members;
    std::sort(sorted.begin(), sorted.end());
    by_id[id] = &add_group(sorted, Counted{id, 0})->second;
    add_refs(sorted, +1);
    highest = std::max(highest, id);
  }
  for (const auto& [prefix, id] : installed.routes) {
    *routes_.try_emplace(prefix).first = id;
    if (auto g = by_id.find(id); g != by_id.end()) ++g->second->refs;
  }
  next_id_ = std::max(next_id_, highest + 1);
  std::vector<Op> never_written;  // the fallback's sets are interned, not kernel objects
  for (const auto& [prefix, set] : installed.multipath_routes)
    *routes_.try_emplace(prefix).first = acquire_group(set, never_written);
}

std::vector<Op> Planner::repair_multipath(const Installed& kernel) const {
  containers::PrefixMap<std::vector<rib::NextHop>> routes;
  for (const auto& [prefix, set] : kernel.multipath_routes) {
    auto& sorted = *routes.try_emplace(prefix).first = set;
    std::sort(sorted.begin(), sorted.end());
  }
  std::map<uint32_t, std::vector<rib::NextHop>> sets;  // by group, sorted
  for (const auto& [id, g] : group_by_id_) {
    auto& sorted = sets[id] = nexthops_of(id);
    std::sort(sorted.begin(), sorted.end());
  }
  std::vector<Op> ops;
  routes_.for_each([&](const wire::Prefix& prefix, uint32_t group) {
    const auto& want = sets.at(group);
    if (const auto* k = routes.find(prefix); !k || *k != want)
      ops.push_back(op::SetRouteVia{prefix, want});
  });
  add_strangers(routes, ops);
  return ops;
}

template <class V>
void Planner::add_strangers(const containers::PrefixMap<V>& kernel, std::vector<Op>& ops) const {
  kernel.for_each([&](const wire::Prefix& prefix, const V&) {
    if (!routes_.contains(prefix)) ops.push_back(op::DelRoute{prefix});
  });
}

std::vector<Op> Planner::repair(const Installed& kernel) const {
  if (!objects()) return repair_multipath(kernel);
  std::map<uint32_t, rib::NextHop> hops(kernel.nexthops.begin(), kernel.nexthops.end());
  std::map<uint32_t, Members> groups;
  for (const auto& [id, members] : kernel.groups) {
    auto& sorted = groups[id] = members;
    std::sort(sorted.begin(), sorted.end());
  }
  containers::PrefixMap<uint32_t> routes;
  for (const auto& [prefix, id] : kernel.routes) *routes.try_emplace(prefix).first = id;
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
  routes_.for_each([&](const wire::Prefix& prefix, uint32_t group) {
    if (const uint32_t* k = routes.find(prefix); !k || *k != group)
      ops.push_back(op::SetRoute{prefix, group});
  });
  add_strangers(routes, ops);
  // Objects of ours we do not hold: groups before the nexthops they use.
  for (const auto& [id, members] : groups)
    if (!ours.contains(id)) ops.push_back(op::DelGroup{id});
  for (const auto& [id, nh] : hops)
    if (!ours.contains(id)) ops.push_back(op::DelNexthop{id});
  return ops;
}

std::vector<Op> Planner::plan(rib::RouteUpdate update) {
  UpdateQueue queue;
  queue.push(std::move(update));
  return plan(queue.take());
}

std::vector<Op> Planner::plan(const Batch& batch) {
  std::vector<Op> all;
  plan(
      batch, [&](std::vector<Op>& ops) { std::ranges::move(ops, std::back_inserter(all)); },
      std::numeric_limits<size_t>::max());
  return all;
}

void Planner::plan(const Batch& batch, const Emit& emit, size_t chunk) {
  std::vector<Op> ops;
  // Hands what is planned on once there is a chunk of it (`at_least` 1:
  // whatever is left).
  const auto pass_on = [&](size_t at_least) {
    if (ops.empty() || ops.size() < at_least) return;
    if (objects()) {
      emit(ops);
    } else {
      auto via = without_objects(ops);
      emit(via);
    }
    ops.clear();
  };
  containers::PrefixSet settled;  // prefixes whose group was rewritten in place
  if (objects()) rewrite_groups_in_place(batch, ops, settled);
  // The prefixes of one UPDATE come in a row with the same set (one entry
  // of batch.sets): its members and group, found once, serve them all.
  uint32_t memo_set = Batch::kRemove;
  Members members;
  std::optional<Groups::iterator> memo_group;
  for (const auto& [prefix, set] : batch.entries) {
    if (set == Batch::kRemove || batch.sets[set].empty() || settled.contains(prefix)) continue;
    if (set != memo_set) {
      memo_set = set;
      members = acquire_nexthops(batch.sets[set], ops);
      memo_group.reset();
    }
    uint32_t* now = routes_.find(prefix);
    // Already on a group with these members: stays (after a restart two
    // adopted groups may hold the same members; either serves).
    if (const auto* m = now ? members_of(*now) : nullptr; m && *m == members) continue;
    if (!memo_group) memo_group = group_for(members, ops);
    Counted& group = (*memo_group)->second;
    ++group.refs;
    if (now) {
      release_group(*now);
      *now = group.id;
    } else {
      *routes_.try_emplace(prefix).first = group.id;
    }
    ops.push_back(op::SetRoute{prefix, group.id});
    pass_on(chunk);
  }
  for (const auto& [prefix, set] : batch.entries) {
    if (set != Batch::kRemove) continue;
    const uint32_t* group = routes_.find(prefix);
    if (!group) continue;
    ops.push_back(op::DelRoute{prefix});
    release_group(*group);
    routes_.erase(prefix);
    pass_on(chunk);
  }
  collect(ops);
  pass_on(1);
}

}  // namespace closbgp::fib
