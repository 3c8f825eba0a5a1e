#include "bgpd/api/fib_view.h"

#include <net/if.h>

#include <algorithm>
#include <map>

namespace closbgp::api {
namespace {

FibNextHopView view_of(const rib::NextHop& nh) {
  if (nh.is_discard()) return {"", "", true};
  char name[IF_NAMESIZE] = {};
  const bool known = if_indextoname(nh.ifindex, name) != nullptr;
  return {known ? name : "ifindex " + std::to_string(nh.ifindex), nh.gateway.to_string(), false,
          nh.weight};
}

std::vector<FibNextHopView> views_of(std::vector<rib::NextHop> set) {
  std::sort(set.begin(), set.end());
  std::vector<FibNextHopView> out;
  for (const auto& nh : set) out.push_back(view_of(nh));
  return out;
}

// Each route's next hops as the kernel has them: through its group, the
// one nexthop object it names, or its own (without nexthop objects).
std::map<wire::Prefix, std::vector<rib::NextHop>> kernel_sets(const fib::Installed& k) {
  std::map<uint32_t, rib::NextHop> hops(k.nexthops.begin(), k.nexthops.end());
  std::map<uint32_t, fib::Members> groups(k.groups.begin(), k.groups.end());
  std::map<wire::Prefix, std::vector<rib::NextHop>> out;
  for (const auto& [prefix, id] : k.routes) {
    auto& set = out[prefix];
    const auto g = groups.find(id);
    for (const fib::Member& m : g != groups.end() ? g->second : fib::Members{id})
      if (auto h = hops.find(m.id); h != hops.end()) set.push_back(h->second.weighted(m.weight));
  }
  for (const auto& [prefix, set] : k.multipath_routes) out[prefix] = set;
  return out;
}

}  // namespace

std::expected<std::vector<FibRouteView>, ControlError> fib_view(const session::Speaker& speaker) {
  using Kind = ControlError::Kind;
  const fib::Fib* fib = speaker.fib();
  if (!fib) return std::unexpected(ControlError{Kind::Conflict, "the FIB is disabled"});
  auto kernel = fib->read_kernel();
  if (!kernel) return std::unexpected(ControlError{Kind::Internal, kernel.error()});
  auto in_kernel = kernel_sets(*kernel);
  const rib::Rib& rib = speaker.rib();
  std::vector<FibRouteView> out;
  for (const rib::Table* table : rib.default_vrf()) {  // the kernel's main table
    const auto wanted =
        table->fib_update(table->loc_rib().entries().sorted_keys(), &rib.next_hops());
    for (const auto& [prefix, set] : wanted.upsert) {
      FibRouteView v{prefix.to_string(), views_of(wanted.set(set)), {}, "missing"};
      if (auto k = in_kernel.find(prefix); k != in_kernel.end()) {
        v.kernel_next_hops = views_of(k->second);
        v.state = v.kernel_next_hops == v.next_hops ? "installed" : "differs";
        in_kernel.erase(k);
      }
      out.push_back(std::move(v));
    }
  }
  for (auto& [prefix, set] : in_kernel)
    out.push_back({prefix.to_string(), {}, views_of(set), "unexpected"});
  return out;
}

std::vector<TrackedNextHopView> next_hops_view(const session::Speaker& speaker) {
  std::vector<TrackedNextHopView> out;
  speaker.rib().next_hops().for_each([&](const wire::IpAddress& address, const rib::Resolution& r) {
    out.push_back(
        {address.to_string(), r.via ? r.via->to_string() : "", r.connected, views_of(r.set)});
  });
  return out;
}

}  // namespace closbgp::api
