// Next-hop tracking: a path whose next hop is not its neighbour on the
// neighbour's link (a loopback session's, a third party's) is forwarded
// through the route that covers that address. The tracker resolves each
// such address by longest match over the node's connected subnets and the
// default VRF's Loc-RIB (not the default route, as FRR's default), inheriting
// the resolving route's ECMP set, and remembers which prefixes depend on it,
// so a change of the underlay re-marks exactly those.
//
// A path whose next hop does not resolve is invalid (RFC 4271 sec. 9.1.2:
// excluded from selection); the engine keeps it in the Adj-RIB-In only.
// Resolution starts from the table each time, with the addresses being
// resolved on a stack: a next hop reached only through a route that itself
// needs that next hop is a loop and does not resolve (never a hang).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "containers/prefix_map.h"
#include "rib/loc_rib.h"
#include "rib/route_update.h"

namespace closbgp::rib {

// One address of one of the node's interfaces, with its subnet's length.
// On a loopback device it is only an address of ours (no subnet reached
// through it).
struct ConnectedAddress {
  wire::IpAddress address;
  uint8_t length = 0;
  uint32_t ifindex = 0;
  bool loopback = false;
  friend bool operator==(const ConnectedAddress&, const ConnectedAddress&) = default;
};

// How a tracked next hop resolves now.
struct Resolution {
  NextHopSet set;                   // empty: unresolved
  std::optional<wire::Prefix> via;  // the route or connected subnet used
  bool connected = false;
  bool resolved() const { return !set.empty(); }
  friend bool operator==(const Resolution&, const Resolution&) = default;
};

class NextHopTracker {
 public:
  // The Loc-RIBs resolution looks through, by family (IPv4, IPv6).
  using Tables = std::array<const LocRib*, 2>;

  // True when the path's next hop is its neighbour on the neighbour's link
  // (the common case in a fabric): forwarded there, no resolution.
  static bool direct(const Path& path);
  // Whether `path` is forwarded through the tracked `next_hop`.
  static bool through(const Path& path, const wire::IpAddress& next_hop) {
    return !direct(path) && path.next_hop.address == next_hop;
  }
  // That neighbour as the kernel's next hop (its link-local if it sent one).
  static NextHop direct_hop(const Path& path);

  // The node's interface addresses; true if they changed (every tracked
  // next hop is resolved again at the next refresh()).
  bool set_connected(std::vector<ConnectedAddress> addresses);

  // `dependent` has (or had) a path through `next_hop`; the address is
  // resolved now if it was not tracked. Returns whether it resolves.
  bool track(const wire::IpAddress& next_hop, const wire::Prefix& dependent, const Tables& tables);
  // `dependent` no longer has a path through `next_hop`; an address no
  // prefix depends on is no longer tracked.
  void untrack(const wire::IpAddress& next_hop, const wire::Prefix& dependent);

  // `prefix`'s candidates changed, whether or not its selection did (a
  // path that is not selected may still be what a next hop resolves
  // through): the next refresh() resolves again what it covers.
  void touched(const wire::Prefix& prefix);
  // Everything is resolved again at the next refresh() (new selection
  // options).
  void outdate() { everything_outdated_ = true; }

  // A tracked next hop whose resolution changed, and its dependents.
  struct Change {
    wire::IpAddress next_hop;
    bool reachability_changed = false;  // resolved <-> unresolved
    std::vector<wire::Prefix> dependents;
  };
  // Resolves again every tracked next hop that one of `moved` (prefixes
  // whose best path or ECMP set changed) or a touched prefix covers, or
  // all of them after outdate() or new connected addresses. Returns those
  // whose resolution changed.
  std::vector<Change> refresh(std::span<const wire::Prefix> moved, const Tables& tables);

  // Appends the kernel's next hops of `path` to `set` (not twice): its
  // neighbour, or what its next hop resolves to.
  void append_hops(const Path& path, NextHopSet& set) const;

  bool empty() const { return tracked_.empty(); }
  // Whether refresh() has something to do (touched, new connected
  // addresses, outdate()).
  bool outdated() const { return (everything_outdated_ || any_touched_) && !tracked_.empty(); }
  // nullptr if not tracked.
  const Resolution* find(const wire::IpAddress& next_hop) const;
  // f(address, resolution) for every tracked next hop, by address.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& [address, t] : tracked_) f(address, t.resolution);
  }

 private:
  struct Tracked {
    Resolution resolution;
    containers::PrefixSet dependents;
    bool touched = false;  // a covering prefix's candidates changed
  };
  Resolution resolve(const wire::IpAddress& address, const Tables& tables,
                     std::vector<wire::IpAddress>& resolving) const;
  NextHopSet resolvable_others(const LocRib::Entry& e, const SelectionOptions& o,
                               const Tables& tables, std::vector<wire::IpAddress>& resolving) const;
  void append_resolved(const Path& path, const Tables& tables,
                       std::vector<wire::IpAddress>& resolving, NextHopSet& set) const;
  bool is_ours(const wire::IpAddress& address) const;
  // The longest connected subnet holding `address`; nullptr if none.
  const ConnectedAddress* connected_subnet(const wire::IpAddress& address) const;

  std::map<wire::IpAddress, Tracked> tracked_;
  std::vector<ConnectedAddress> connected_;
  bool everything_outdated_ = false;
  bool any_touched_ = false;
};

}  // namespace closbgp::rib
