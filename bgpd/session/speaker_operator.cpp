// What an operator asks of the running daemon beyond configuration: the
// kernel's routes against the RIB's (`show fib`), neighbour resets, and
// neighbours shut down and enabled again.
#include <net/if.h>

#include <algorithm>
#include <map>

#include "bgpd/session/session_log.h"
#include "bgpd/session/speaker.h"

namespace closbgp::session {
namespace {

api::FibNextHopView view_of(const rib::NextHop& nh) {
  char name[IF_NAMESIZE] = {};
  const bool known = if_indextoname(nh.ifindex, name) != nullptr;
  return {known ? name : "ifindex " + std::to_string(nh.ifindex), nh.gateway.to_string()};
}

std::vector<api::FibNextHopView> views_of(std::vector<rib::NextHop> set) {
  std::sort(set.begin(), set.end());
  std::vector<api::FibNextHopView> out;
  for (const auto& nh : set) out.push_back(view_of(nh));
  return out;
}

// Each route's next hops as the kernel has them: through its group, the
// one nexthop object it names, or its own (without nexthop objects).
std::map<wire::Prefix, std::vector<rib::NextHop>> kernel_sets(const fib::Installed& k) {
  std::map<uint32_t, rib::NextHop> hops(k.nexthops.begin(), k.nexthops.end());
  std::map<uint32_t, std::vector<uint32_t>> groups(k.groups.begin(), k.groups.end());
  std::map<wire::Prefix, std::vector<rib::NextHop>> out;
  for (const auto& [prefix, id] : k.routes) {
    auto& set = out[prefix];
    const auto g = groups.find(id);
    for (uint32_t m : g != groups.end() ? g->second : std::vector<uint32_t>{id})
      if (auto h = hops.find(m); h != hops.end()) set.push_back(h->second);
  }
  for (const auto& [prefix, set] : k.multipath_routes) out[prefix] = set;
  return out;
}

}  // namespace

std::expected<std::vector<api::FibRouteView>, api::ControlError> Speaker::fib_routes() const {
  using Kind = api::ControlError::Kind;
  if (!fib_) return std::unexpected(api::ControlError{Kind::Conflict, "the FIB is disabled"});
  auto kernel = fib_->read_kernel();
  if (!kernel) return std::unexpected(api::ControlError{Kind::Internal, kernel.error()});
  auto in_kernel = kernel_sets(*kernel);
  std::vector<api::FibRouteView> out;
  for (auto& [prefix, set] : rib_.fib_update(rib_.loc_rib().entries().sorted_keys()).upsert) {
    api::FibRouteView v{prefix.to_string(), views_of(set), {}, "missing"};
    if (auto k = in_kernel.find(prefix); k != in_kernel.end()) {
      v.kernel_next_hops = views_of(k->second);
      v.state = v.kernel_next_hops == v.next_hops ? "installed" : "differs";
      in_kernel.erase(k);
    }
    out.push_back(std::move(v));
  }
  for (auto& [prefix, set] : in_kernel)
    out.push_back({prefix.to_string(), {}, views_of(set), "unexpected"});
  return out;
}

std::expected<std::string, api::ControlError> Speaker::reset_neighbor(const std::string& neighbor,
                                                                      const std::string& soft) {
  using Kind = api::ControlError::Kind;
  auto named = named_peer(neighbor);
  if (!named) return std::unexpected(named.error());
  Peer& p = **named;
  if (soft.empty()) {
    session_logger()->warn("{}: reset by the operator", neighbor);
    p.stop(wire::cease::kAdminReset, "reset by the operator");
    start_peer(p);
    return "neighbour " + neighbor + ": session reset";
  }
  if (soft != "in" && soft != "out" && soft != "both")
    return std::unexpected(
        api::ControlError{Kind::InvalidArgument, "soft reset '" + soft + "': in, out or both"});
  if (!p.negotiated())
    return std::unexpected(api::ControlError{
        Kind::Conflict, "neighbour " + neighbor + " has no established session to refresh"});
  session_logger()->info("{}: soft reset {} by the operator", neighbor, soft);
  if (soft != "out") rib_.reimport(p.id());
  if (soft != "in") rib_.refresh(p.id(), advertiser_);
  schedule_flush();
  return "neighbour " + neighbor + ": policy re-applied (" + soft + ")";
}

std::expected<Peer*, api::ControlError> Speaker::named_peer(const std::string& name) const {
  auto it = peers_.find(name);
  if (it == peers_.end())
    return std::unexpected(
        api::ControlError{api::ControlError::Kind::NotFound,
                          "no neighbour " + name + " (closctl show bgp summary lists them)"});
  return it->second.get();
}

std::expected<api::PeerView, api::ControlError> Speaker::neighbor(const std::string& name) const {
  auto p = named_peer(name);
  if (p) return peer_view(name, **p);
  for (const auto& n : cfg_.neighbors)
    if (n.interface == name && is_missing_interface(n)) return missing_interface_view(n);
  return std::unexpected(p.error());
}

// A neighbour the operator shut down stays down (the state file keeps it so),
// and one that max-prefix stopped waits for its restart.
void Speaker::start_peer(Peer& p) {
  if (!saved_.shutdown.contains(p.identity().name) && !p.held_down()) p.start();
}

std::expected<std::string, api::ControlError> Speaker::set_neighbor_enabled(
    const std::string& neighbor, bool enabled, const std::string& message) {
  auto named = named_peer(neighbor);
  if (!named) return std::unexpected(named.error());
  Peer& p = **named;
  std::string what = "neighbour " + neighbor;
  if (enabled) {
    saved_.shutdown.erase(neighbor);
    p.start();  // also one that max-prefix stopped
    what += " enabled";
  } else {
    saved_.shutdown.insert(neighbor);
    p.stop(wire::cease::kAdminShutdown, message.empty() ? "shut down by the operator" : message);
    what += " shut down";
  }
  session_logger()->warn("{}", what);
  return what + save_state_file();
}

}  // namespace closbgp::session
