// Turns RouteUpdates into kernel operations on nexthop objects, groups and
// routes: one nexthop per (link, gateway), one group per distinct ECMP set
// shared by every prefix that uses it, created before the routes that use
// them and deleted after the last one goes. When every prefix of a group
// moves to the same new set (a link lost under an ECMP set), the group is
// rewritten in place: one message however many prefixes use it. Pure, so
// the FIB's logic is tested without a kernel.
#pragma once

#include <map>
#include <variant>
#include <vector>

#include "fib/route_update.h"

namespace closbgp::fib {

namespace op {
struct AddNexthop {
  uint32_t id;
  NextHop nexthop;
};
struct AddGroup {  // also rewrites an existing group in place (NLM_F_REPLACE)
  uint32_t id;
  std::vector<uint32_t> members;
};
struct SetRoute {
  wire::Prefix prefix;
  uint32_t group;
};
struct DelRoute {
  wire::Prefix prefix;
};
struct DelGroup {
  uint32_t id;
};
struct DelNexthop {
  uint32_t id;
};
}  // namespace op
using Op = std::variant<op::AddNexthop, op::AddGroup, op::SetRoute, op::DelRoute, op::DelGroup,
                        op::DelNexthop>;

// Our objects and routes as a previous run left them in the kernel.
struct Installed {
  std::vector<std::pair<uint32_t, NextHop>> nexthops;
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>> groups;  // id, member ids
  std::vector<std::pair<wire::Prefix, uint32_t>> routes;           // prefix, nexthop id

  bool empty() const { return nexthops.empty() && groups.empty() && routes.empty(); }
};

class Planner {
 public:
  // Object ids are allocated from `first_id` up (a range of our own, so
  // nothing collides with other daemons' nexthops).
  explicit Planner(uint32_t first_id) : next_id_(first_id) {}

  std::vector<Op> plan(const RouteUpdate& update);

  // Takes over what a previous run installed, so that planning the new
  // table touches only what differs: an unchanged route finds its group and
  // nexthops already there. Routes the new table lacks must be removed by
  // the caller (plan() with them in `remove`); objects no route uses are
  // then deleted. A route on an object that is not an adopted group is
  // kept until replaced or removed.
  void adopt(const Installed& installed);

  // What puts the kernel back to what we wrote, when someone else changed
  // it (`kernel` is a dump of our id range and protocol): objects missing
  // or different are written again, routes missing or pointing elsewhere
  // set again, and our routes and objects we do not hold removed. Our own
  // state does not change: it is what the kernel should have.
  std::vector<Op> repair(const Installed& kernel) const;

  size_t routes() const { return routes_.size(); }
  std::vector<wire::Prefix> prefixes() const;  // every route it holds
  size_t groups() const { return groups_.size(); }
  size_t nexthops() const { return nexthops_.size(); }

 private:
  struct Counted {
    uint32_t id;
    uint32_t refs;
  };
  std::vector<uint32_t> acquire_nexthops(const std::vector<NextHop>& set, std::vector<Op>& ops);
  uint32_t acquire_group(const std::vector<NextHop>& set, std::vector<Op>& ops);
  // Groups all of whose prefixes move to one new set not yet a group:
  // rewritten in place; their prefixes need no route change.
  void rewrite_groups_in_place(const RouteUpdate& update, std::vector<Op>& ops,
                               std::map<wire::Prefix, bool>& settled);
  void add_refs(const std::vector<uint32_t>& members, int delta);
  void release_group(uint32_t id);
  void collect(std::vector<Op>& ops);
  using Groups = std::multimap<std::vector<uint32_t>, Counted>;
  Groups::iterator add_group(const std::vector<uint32_t>& members, Counted c);

  uint32_t next_id_;
  std::map<NextHop, Counted> nexthops_;  // refs: groups using it
  // By member ids; refs: routes. Two groups may hold the same members (one
  // rewritten in place to a set another already had), as DESIGN.md allows.
  Groups groups_;
  std::map<uint32_t, Groups::iterator> group_by_id_;  // the same groups, by id
  std::map<wire::Prefix, uint32_t> routes_;           // prefix -> group id
  std::vector<uint32_t> orphans_;                     // adopted duplicate nexthops
};

}  // namespace closbgp::fib
