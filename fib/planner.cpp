#include "fib/planner.h"

#include <algorithm>

namespace closbgp::fib {

uint32_t Planner::acquire_group(const std::vector<NextHop>& set, std::vector<Op>& ops) {
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
  auto [g, inserted] = groups_.try_emplace(members, Counted{next_id_, 0});
  if (inserted) {
    ++next_id_;
    for (uint32_t m : members)
      for (auto& [nh, c] : nexthops_)
        if (c.id == m) ++c.refs;
    members_of_[g->second.id] = members;
    ops.push_back(op::AddGroup{g->second.id, members});
  }
  ++g->second.refs;
  return g->second.id;
}

void Planner::release_group(uint32_t id) {
  for (auto& [members, c] : groups_)
    if (c.id == id) --c.refs;
}

// Deletes what no route uses any more: groups first, then their nexthops.
void Planner::collect(std::vector<Op>& ops) {
  for (auto g = groups_.begin(); g != groups_.end();) {
    if (g->second.refs != 0) {
      ++g;
      continue;
    }
    ops.push_back(op::DelGroup{g->second.id});
    for (uint32_t m : g->first)
      for (auto& [nh, c] : nexthops_)
        if (c.id == m) --c.refs;
    members_of_.erase(g->second.id);
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
}

std::vector<Op> Planner::plan(const RouteUpdate& update) {
  std::vector<Op> ops;
  for (const auto& [prefix, set] : update.upsert) {
    if (set.empty()) continue;
    const uint32_t group = acquire_group(set, ops);
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
  return ops;
}

}  // namespace closbgp::fib
