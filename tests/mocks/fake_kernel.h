// An in-memory kernel for the FIB's unit tests: nexthop objects, groups
// and routes with the rules that make ordering matter (a group needs its
// members, a route its group; deleting an object takes it out of groups and
// drops the routes that used it, as Linux does), so a wrong order shows up
// as an error or a lost route; a blackhole nexthop is alone in its group
// and of its route's family, as Linux wants. Also a link going down, and a dump for
// adopt() and repair(). As a KernelPort it is what the FIB worker writes
// to in unit tests; `refuse` makes it fail a route as a kernel might.
#pragma once

#include <algorithm>
#include <expected>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "fib/kernel_port.h"
#include "fib/planner.h"

namespace closbgp::mocks {

using fib::Installed;
using fib::Op;
namespace op = fib::op;

class FakeKernel final : public fib::KernelPort {
 public:
  Written write(const std::vector<Op>& ops) override {
    Written out;
    out.sends = ops.empty() ? 0 : 1;
    for (size_t i = 0; i < ops.size(); ++i)
      if (auto e = std::visit([this](const auto& x) { return step(x); }, ops[i]); !e.empty())
        out.failed.emplace_back(i, e);
    return out;
  }
  std::expected<Installed, std::string> read() const override { return dump(); }

  // Routes for `prefix` fail from now on.
  void refuse(const wire::Prefix& prefix) { refused_.push_back(prefix); }

  // Applies `ops` in order; the errors a real kernel would return.
  std::vector<std::string> apply(const std::vector<Op>& ops) {
    std::vector<std::string> errors;
    for (auto& [i, why] : write(ops).failed) errors.push_back(why);
    return errors;
  }

  // Each route's next hops, resolved through its group (sorted).
  std::map<wire::Prefix, std::vector<rib::NextHop>> forwarding() const {
    std::map<wire::Prefix, std::vector<rib::NextHop>> out;
    for (const auto& [prefix, via] : routes_) {
      std::vector<rib::NextHop> set;
      if (const auto* id = std::get_if<uint32_t>(&via)) {
        for (const fib::Member& m : groups_.contains(*id) ? groups_.at(*id) : fib::Members{*id})
          set.push_back(nexthops_.at(m.id).weighted(m.weight));
      } else {
        set = std::get<std::vector<rib::NextHop>>(via);
      }
      std::sort(set.begin(), set.end());
      out[prefix] = set;
    }
    return out;
  }

  // The link goes down: its nexthops go, and with them group members and
  // the routes left without a next hop.
  void link_down(uint32_t ifindex) {
    std::vector<uint32_t> gone;
    for (const auto& [id, nh] : nexthops_)
      if (nh.ifindex == ifindex) gone.push_back(id);
    for (uint32_t id : gone) remove_nexthop(id);
    for (auto r = routes_.begin(); r != routes_.end();) {
      auto* hops = std::get_if<std::vector<rib::NextHop>>(&r->second);
      if (hops) std::erase_if(*hops, [&](const rib::NextHop& nh) { return nh.ifindex == ifindex; });
      r = hops && hops->empty() ? routes_.erase(r) : std::next(r);
    }
  }

  Installed dump() const {
    Installed out;
    for (const auto& [id, nh] : nexthops_) out.nexthops.emplace_back(id, nh);
    for (const auto& [id, members] : groups_) out.groups.emplace_back(id, members);
    for (const auto& [prefix, via] : routes_) {
      if (const auto* id = std::get_if<uint32_t>(&via))
        out.routes.emplace_back(prefix, *id);
      else
        out.multipath_routes.emplace_back(prefix, std::get<std::vector<rib::NextHop>>(via));
    }
    return out;
  }

  size_t objects() const { return nexthops_.size() + groups_.size(); }

 private:
  std::string step(const op::AddNexthop& o) {
    if (groups_.contains(o.id)) return "nexthop " + std::to_string(o.id) + " is a group";
    if (o.nexthop.weight != 1) return "nexthop " + std::to_string(o.id) + " has a weight";
    nexthops_[o.id] = o.nexthop;
    return "";
  }
  std::string step(const op::AddGroup& o) {
    if (nexthops_.contains(o.id)) return "group " + std::to_string(o.id) + " is a nexthop";
    for (const fib::Member& m : o.members) {
      if (!nexthops_.contains(m.id))
        return "group " + std::to_string(o.id) + ": no member " + std::to_string(m.id);
      if (m.weight < 1 || m.weight > 256)
        return "group " + std::to_string(o.id) + ": weight " + std::to_string(m.weight);
      if (nexthops_.at(m.id).is_discard() && o.members.size() > 1)
        return "group " + std::to_string(o.id) + ": a blackhole nexthop must be alone";
    }
    groups_[o.id] = o.members;
    return "";
  }
  bool refused(const wire::Prefix& p) const {
    return std::find(refused_.begin(), refused_.end(), p) != refused_.end();
  }
  std::string step(const op::SetRoute& o) {
    if (refused(o.prefix)) return "route " + o.prefix.to_string() + ": refused";
    if (!groups_.contains(o.group) && !nexthops_.contains(o.group))
      return "route " + o.prefix.to_string() + ": no nexthop " + std::to_string(o.group);
    for (const fib::Member& m :
         groups_.contains(o.group) ? groups_.at(o.group) : fib::Members{o.group})
      if (const auto& nh = nexthops_.at(m.id);
          nh.is_discard() && nh.gateway.afi() != o.prefix.afi())
        return "route " + o.prefix.to_string() + ": a blackhole of the other family";
    routes_[o.prefix] = o.group;
    return "";
  }
  std::string step(const op::SetRouteVia& o) {
    if (refused(o.prefix)) return "route " + o.prefix.to_string() + ": refused";
    routes_[o.prefix] = o.nexthops;
    return "";
  }
  std::string step(const op::DelRoute& o) {
    routes_.erase(o.prefix);  // ENOENT is no error to the FIB
    return "";
  }
  std::string step(const op::DelGroup& o) {
    if (uses(o.id)) return "group " + std::to_string(o.id) + " deleted under its routes";
    groups_.erase(o.id);
    return "";
  }
  std::string step(const op::DelNexthop& o) {
    for (const auto& [id, members] : groups_)
      if (std::ranges::find(members, o.id, &fib::Member::id) != members.end())
        return "nexthop " + std::to_string(o.id) + " deleted under group " + std::to_string(id);
    if (uses(o.id)) return "nexthop " + std::to_string(o.id) + " deleted under its routes";
    nexthops_.erase(o.id);
    return "";
  }

  bool uses(uint32_t id) const {
    return std::any_of(routes_.begin(), routes_.end(), [&](const auto& r) {
      const auto* via = std::get_if<uint32_t>(&r.second);
      return via && *via == id;
    });
  }

  // The kernel's own removal: out of every group (a group left empty goes),
  // and every route on it or on a group that went.
  void remove_nexthop(uint32_t id) {
    nexthops_.erase(id);
    std::vector<uint32_t> emptied;
    for (auto& [gid, members] : groups_) {
      std::erase_if(members, [&](const fib::Member& m) { return m.id == id; });
      if (members.empty()) emptied.push_back(gid);
    }
    for (uint32_t gid : emptied) groups_.erase(gid);
    std::erase_if(routes_, [&](const auto& r) {
      const auto* via = std::get_if<uint32_t>(&r.second);
      return via &&
             (*via == id || std::find(emptied.begin(), emptied.end(), *via) != emptied.end());
    });
  }

  std::map<uint32_t, rib::NextHop> nexthops_;
  std::map<uint32_t, fib::Members> groups_;
  std::map<wire::Prefix, std::variant<uint32_t, std::vector<rib::NextHop>>> routes_;
  std::vector<wire::Prefix> refused_;
};

}  // namespace closbgp::mocks
