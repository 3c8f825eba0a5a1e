#include "rib/next_hop_tracker.h"

#include <algorithm>

namespace closbgp::rib {
namespace {

// Recursion deeper than this is not a design anyone runs; it ends there.
constexpr size_t kMaxDepth = 8;

void add_unique(NextHopSet& set, const NextHop& hop) {
  if (std::ranges::find(set, hop) == set.end()) set.push_back(hop);
}

uint8_t host_length(const wire::IpAddress& a) {
  return wire::max_prefix_length(a.afi());
}

}  // namespace

bool NextHopTracker::direct(const Path& path) {
  const auto& nh = path.next_hop;
  return path.source.ifindex != 0 && (nh.link_local || nh.address == path.source.peer_address);
}

NextHop NextHopTracker::direct_hop(const Path& path) {
  const auto& nh = path.next_hop;
  return {path.source.ifindex, nh.link_local.value_or(nh.address)};
}

bool NextHopTracker::set_connected(std::vector<ConnectedAddress> addresses) {
  std::ranges::sort(addresses, {}, [](const ConnectedAddress& c) {
    return std::tie(c.ifindex, c.address, c.length);
  });
  if (addresses == connected_) return false;
  connected_ = std::move(addresses);
  everything_outdated_ = true;
  return true;
}

bool NextHopTracker::is_ours(const wire::IpAddress& address) const {
  return std::ranges::any_of(connected_,
                             [&](const ConnectedAddress& c) { return c.address == address; });
}

const ConnectedAddress* NextHopTracker::connected_subnet(const wire::IpAddress& address) const {
  const ConnectedAddress* best = nullptr;
  for (const auto& c : connected_) {
    if (c.loopback || c.address.afi() != address.afi() || c.length >= host_length(address))
      continue;
    if (wire::Prefix(c.address, c.length).contains(wire::Prefix(address, host_length(address))) &&
        (!best || c.length > best->length))
      best = &c;
  }
  return best;
}

// Longest match, one length at a time: a connected subnet before a route
// of the same length (the kernel's own route wins there too); our own
// routes (networks, aggregates: we would forward to ourselves) and routes
// that resolve to nothing (through a loop) are passed over for a shorter one.
Resolution NextHopTracker::resolve(const wire::IpAddress& address, const Tables& tables,
                                   std::vector<wire::IpAddress>& resolving) const {
  Resolution r;
  if (is_ours(address)) return r;
  const ConnectedAddress* subnet = connected_subnet(address);
  const LocRib& rib = *tables[address.is_v4() ? 0 : 1];
  resolving.push_back(address);
  for (int length = host_length(address); length >= 1; --length) {
    const wire::Prefix covering(address, uint8_t(length));
    if (subnet && subnet->length == length) {
      r.set = {{subnet->ifindex, address}};
      r.via = covering;
      r.connected = true;
      break;
    }
    const LocRib::Entry* e = rib.find(covering);
    if (!e || e->best().source.peer_id == kLocalSource) continue;
    for (uint16_t i : e->multipath()) append_resolved(e->path(i), tables, resolving, r.set);
    if (r.set.empty()) r.set = resolvable_others(*e, rib.options(), tables, resolving);
    if (r.set.empty()) continue;
    r.via = covering;
    break;
  }
  resolving.pop_back();
  return r;
}

// The selected paths of a route lead back to the address being resolved
// (a neighbour's loopback learned over iBGP from that neighbour, with
// itself as next hop, and over eBGP from the spines): the best of the
// route's other paths that do resolve, with those multipath-equal to it,
// are what the address resolves through. Whether the address resolves
// then does not depend on the selection it feeds, which would otherwise
// flip at each pass (resolved, so the iBGP path is selected, which
// resolves through itself, so it is not, so the eBGP paths are...).
NextHopSet NextHopTracker::resolvable_others(const LocRib::Entry& e, const SelectionOptions& o,
                                             const Tables& tables,
                                             std::vector<wire::IpAddress>& resolving) const {
  std::vector<PathRef> usable;  // in candidate order, as selection wants
  std::vector<NextHopSet> hops;
  for (size_t i = 0; i < e.size(); ++i) {
    NextHopSet h;
    append_resolved(e.path(i), tables, resolving, h);
    if (h.empty()) continue;
    usable.emplace_back(&e.path(i));
    hops.push_back(std::move(h));
  }
  NextHopSet set;
  if (usable.empty()) return set;
  std::vector<uint16_t> selected;
  select(usable, o, selected);
  for (uint16_t i : selected)
    for (const auto& hop : hops[i]) add_unique(set, hop);
  return set;
}

void NextHopTracker::append_resolved(const Path& path, const Tables& tables,
                                     std::vector<wire::IpAddress>& resolving,
                                     NextHopSet& set) const {
  if (direct(path)) return add_unique(set, direct_hop(path));
  const auto& next = path.next_hop.address;
  if (resolving.size() >= kMaxDepth || std::ranges::find(resolving, next) != resolving.end())
    return;  // a loop: this path forwards nowhere
  for (const auto& hop : resolve(next, tables, resolving).set) add_unique(set, hop);
}

bool NextHopTracker::track(const wire::IpAddress& next_hop, const wire::Prefix& dependent,
                           const Tables& tables) {
  auto [it, added] = tracked_.try_emplace(next_hop);
  if (added) {
    std::vector<wire::IpAddress> resolving;
    it->second.resolution = resolve(next_hop, tables, resolving);
  }
  it->second.dependents.try_emplace(dependent);
  return it->second.resolution.resolved();
}

void NextHopTracker::touched(const wire::Prefix& prefix) {
  for (auto& [address, t] : tracked_)
    if (!t.touched && prefix.contains(wire::Prefix(address, host_length(address))))
      any_touched_ = t.touched = true;
}

void NextHopTracker::untrack(const wire::IpAddress& next_hop, const wire::Prefix& dependent) {
  auto it = tracked_.find(next_hop);
  if (it == tracked_.end()) return;
  it->second.dependents.erase(dependent);
  if (it->second.dependents.empty()) tracked_.erase(it);
}

std::vector<NextHopTracker::Change> NextHopTracker::refresh(std::span<const wire::Prefix> moved,
                                                            const Tables& tables) {
  std::vector<Change> changes;
  const bool all = std::exchange(everything_outdated_, false);
  any_touched_ = false;
  std::vector<wire::IpAddress> resolving;
  for (auto& [address, t] : tracked_) {
    const wire::Prefix host(address, host_length(address));
    if (!all && !std::exchange(t.touched, false) &&
        std::ranges::none_of(moved, [&](const wire::Prefix& p) { return p.contains(host); }))
      continue;
    Resolution now = resolve(address, tables, resolving);
    if (now.set == t.resolution.set) {
      t.resolution = std::move(now);  // another route, the same hops
      continue;
    }
    const bool flipped = now.resolved() != t.resolution.resolved();
    t.resolution = std::move(now);
    changes.push_back({address, flipped, t.dependents.keys()});
  }
  return changes;
}

void NextHopTracker::append_hops(const Path& path, NextHopSet& set) const {
  if (direct(path)) return add_unique(set, direct_hop(path));
  if (const Resolution* r = find(path.next_hop.address))
    for (const auto& hop : r->set) add_unique(set, hop);
}

const Resolution* NextHopTracker::find(const wire::IpAddress& next_hop) const {
  auto it = tracked_.find(next_hop);
  return it == tracked_.end() ? nullptr : &it->second.resolution;
}

}  // namespace closbgp::rib
