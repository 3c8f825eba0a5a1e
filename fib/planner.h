// Turns RouteUpdates into kernel operations on nexthop objects, groups and
// routes: one nexthop per (link, gateway), one group per distinct ECMP set
// shared by every prefix that uses it (its members weighted as the set's
// next hops are), created before the routes that use
// them and deleted after the last one goes. When every prefix of a group
// moves to the same new set (a link lost under an ECMP set), the group is
// rewritten in place: one message however many prefixes use it, unless the
// kernel may have deleted it (all its links gone). Pure, so
// the FIB's logic is tested without a kernel.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <variant>
#include <vector>

#include "containers/prefix_map.h"
#include "fib/update_queue.h"
#include "rib/route_update.h"

namespace closbgp::fib {

// A member of a nexthop group: a nexthop object and its weight (weighted
// ECMP; a weight belongs to the group, the object serves every group).
struct Member {
  constexpr Member(uint32_t object, uint16_t share = 1) : id(object), weight(share) {}  // NOLINT
  uint32_t id;
  uint16_t weight;
  friend auto operator<=>(const Member&, const Member&) = default;
};
using Members = std::vector<Member>;  // sorted by id

namespace op {
struct AddNexthop {
  uint32_t id;
  rib::NextHop nexthop;  // of weight 1: weights are the groups'
};
struct AddGroup {  // also rewrites an existing group in place (NLM_F_REPLACE)
  uint32_t id;
  Members members;
};
struct SetRoute {
  wire::Prefix prefix;
  uint32_t group;
};
// Without nexthop objects: the route carries its ECMP set (RTA_MULTIPATH).
struct SetRouteVia {
  wire::Prefix prefix;
  std::vector<rib::NextHop> nexthops;
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
                        op::DelNexthop, op::SetRouteVia>;

// Our objects and routes as a previous run left them in the kernel.
struct Installed {
  std::vector<std::pair<uint32_t, rib::NextHop>> nexthops;
  std::vector<std::pair<uint32_t, Members>> groups;       // id, members
  std::vector<std::pair<wire::Prefix, uint32_t>> routes;  // prefix, nexthop id
  // Without nexthop objects: routes that carry their next hops.
  std::vector<std::pair<wire::Prefix, std::vector<rib::NextHop>>> multipath_routes;

  bool empty() const {
    return nexthops.empty() && groups.empty() && routes.empty() && multipath_routes.empty();
  }
};

// How routes reach their next hops in the kernel.
enum class KernelNexthops {
  Objects,    // nexthop objects and groups (kernel 5.3+), shared by routes
  Multipath,  // each route carries its set (RTA_MULTIPATH, RTA_VIA): the fallback
};

class Planner {
 public:
  // Object ids are allocated from `first_id` up (a range of our own, so
  // nothing collides with other daemons' nexthops). With `Multipath` the
  // planner still interns each ECMP set once (its "groups" are never
  // written) and emits SetRouteVia and DelRoute only: a set that changes
  // rewrites every route that has it, as the kernel has no group to change.
  explicit Planner(uint32_t first_id, KernelNexthops mode = KernelNexthops::Objects)
      : next_id_(first_id), mode_(mode) {}

  std::vector<Op> plan(const Batch& batch);
  std::vector<Op> plan(rib::RouteUpdate update);  // as one batch
  // The same operations, in the same order, handed to `emit` in chunks of
  // about `chunk` (a route's new nexthops and group ride in its chunk; the
  // last may be shorter; emit may move the operations out): a batch of a
  // million new routes is written as it is planned instead of first being
  // a million operations in memory.
  // Each chunk is ready to write when emitted (its objects come before
  // the routes that use them; unused objects are deleted in the last).
  using Emit = std::function<void(std::vector<Op>& chunk)>;
  static constexpr size_t kChunk = 8192;
  void plan(const Batch& batch, const Emit& emit, size_t chunk = kChunk);

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
  // A size hint (Fib::expect): room for `routes` of `afi`, so a full table
  // does not grow the route table in steps; never shrinks.
  void reserve(wire::Afi afi, size_t routes) { routes_.reserve(afi, routes); }
  // How many routes of `afi` it holds before its table grows.
  size_t room(wire::Afi afi) const { return routes_.room(afi); }
  std::vector<wire::Prefix> prefixes() const;  // every route it holds
  // Kernel objects: none without them.
  size_t groups() const { return objects() ? groups_.size() : 0; }
  size_t nexthops() const { return objects() ? nexthops_.size() : 0; }

 private:
  struct Counted {
    uint32_t id;
    uint32_t refs;
  };
  Members acquire_nexthops(const std::vector<rib::NextHop>& set, std::vector<Op>& ops);
  uint32_t acquire_group(const std::vector<rib::NextHop>& set, std::vector<Op>& ops);
  // Groups all of whose prefixes move to one new set, on a link they share:
  // rewritten in place; their prefixes need no route change.
  void rewrite_groups_in_place(const Batch& batch, std::vector<Op>& ops,
                               containers::PrefixSet& settled);
  bool objects() const { return mode_ == KernelNexthops::Objects; }
  const Members* members_of(uint32_t group) const;  // nullptr: not a group
  // The next hops of a group (its members, sorted by id, with their weights).
  std::vector<rib::NextHop> nexthops_of(uint32_t group) const;
  // Objects mode's operations as the fallback writes them: each SetRoute
  // with its group's next hops; objects left out.
  std::vector<Op> without_objects(const std::vector<Op>& ops) const;
  std::vector<Op> repair_multipath(const Installed& kernel) const;
  // Deletes the routes of ours in `kernel` that we do not hold.
  template <class V>
  void add_strangers(const containers::PrefixMap<V>& kernel, std::vector<Op>& ops) const;
  void add_refs(const Members& members, int delta);
  void release_group(uint32_t id);
  void collect(std::vector<Op>& ops);
  using Groups = std::multimap<Members, Counted>;
  Groups::iterator add_group(const Members& members, Counted c);
  // The group with `members`, created if there is none (no reference taken).
  Groups::iterator group_for(const Members& members, std::vector<Op>& ops);

  uint32_t next_id_;
  KernelNexthops mode_;
  std::map<rib::NextHop, Counted> nexthops_;  // unweighted; refs: groups using it
  // By members; refs: routes. Two groups may hold the same members (one
  // rewritten in place to a set another already had), as DESIGN.md allows.
  Groups groups_;
  std::map<uint32_t, Groups::iterator> group_by_id_;  // the same groups, by id
  containers::PrefixMap<uint32_t> routes_;            // prefix -> group id
  std::vector<uint32_t> orphans_;                     // adopted duplicate nexthops
};

}  // namespace closbgp::fib
