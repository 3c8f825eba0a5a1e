// One table of the engine: a VRF's routes of one address family. Each
// holds its Loc-RIB, the aggregates of its family, what changed since the
// last flush, and (advertise-after-install) what waits for the kernel.
// The default VRF's IPv4 and IPv6 unicast tables always exist; a tenant
// VRF's table is opened by whoever fills it (EVPN's type-5 import).
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "containers/prefix_map.h"
#include "rib/aggregation.h"
#include "rib/loc_rib.h"
#include "rib/next_hop_tracker.h"
#include "rib/route_update.h"

namespace closbgp::rib {

inline constexpr std::string_view kDefaultVrf = "default";

struct TableId {
  std::string vrf{kDefaultVrf};
  wire::Family family = wire::Family::Ipv4Unicast;
  friend auto operator<=>(const TableId&, const TableId&) = default;
  bool is_default_vrf() const { return vrf == kDefaultVrf; }
};

// "default ipv4-unicast"
std::string to_string(const TableId& id);
// The default VRF's table of `afi`.
TableId default_table(wire::Afi afi);

class Table {
 public:
  Table(TableId id, const SelectionOptions& selection, std::vector<AggregateSpec> aggregates,
        uint32_t local_as, uint32_t router_id);

  const TableId& id() const { return id_; }
  LocRib& loc_rib() { return loc_rib_; }
  const LocRib& loc_rib() const { return loc_rib_; }
  const Aggregation& aggregation() const { return aggregation_; }

  // `prefix`'s best path or ECMP set changed: the next flush takes it.
  void mark(const wire::Prefix& prefix) { pending_.try_emplace(prefix); }
  bool pending() const { return !pending_.empty(); }
  // What changed since the last call, with what aggregation changed
  // because of it (summaries, suppressed more-specifics); sorted when
  // aggregation added to it.
  std::vector<wire::Prefix> take_changes();

  // Reload: new aggregates of this table's family; every prefix is
  // counted again at the next flush.
  void set_aggregates(std::vector<AggregateSpec> specs, uint32_t local_as, uint32_t router_id);

  // What the kernel should hold for `prefixes`: the ECMP set as links and
  // gateways, of paths learned over a link (weighted by their link
  // bandwidths) and, with `next_hops`, of resolved next hops; nothing for
  // our own prefixes.
  RouteUpdate fib_update(std::span<const wire::Prefix> prefixes,
                         const NextHopTracker* next_hops) const;
  // f(prefix) for each prefix changed since the last flush.
  template <class F>
  void for_each_pending(F&& f) const {
    pending_.for_each([&](const wire::Prefix& p, const auto&) { f(p); });
  }

  // advertise-after-install: `prefixes` wait for FIB update `sequence`.
  void hold(std::span<const wire::Prefix> prefixes, uint64_t sequence);
  void release(const wire::Prefix& prefix) { awaiting_install_.erase(prefix); }
  bool held(const wire::Prefix& prefix) const { return awaiting_install_.contains(prefix); }
  // True (and no longer held) if FIB update `through` installed `prefix`;
  // false when a later change of it is still on its way to the kernel.
  bool installed(const wire::Prefix& prefix, uint64_t through);
  size_t awaiting_install() const { return awaiting_install_.size(); }
  // The Loc-RIB's prefixes a new update group is sent: not those held.
  std::vector<wire::Prefix> exportable_keys() const;

 private:
  TableId id_;
  LocRib loc_rib_;
  Aggregation aggregation_;
  containers::PrefixSet pending_;  // changed in the Loc-RIB, not yet flushed
  // advertise-after-install: prefixes held back until the kernel has them,
  // with the FIB update (its sequence number) that carries them.
  containers::PrefixMap<uint64_t> awaiting_install_;
};

}  // namespace closbgp::rib
