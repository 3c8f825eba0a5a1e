// The RIB engine: one received route walks down it once. It owns every
// neighbour's Adj-RIB-In (as received; what policy accepted is that
// neighbour's candidate in the Loc-RIB), import policy, the tables (one per
// VRF and address family, `rib/table.h`: Loc-RIB with best path and
// multipath, aggregation, the hold of advertise-after-install), local
// origination, export policy with the update groups' Adj-RIB-Out, drain
// rules and graceful-restart stale paths. Sessions, hence neighbours'
// paths and update groups, are the default VRF's. L2VPN EVPN routes have a
// table of their own (rib/evpn_table.h), kept and passed on
// (rib/evpn_export.h); a leaf's VNIs add routes of its own to it and
// import the others' (rib/evpn_leaf.h).
//
// Pure: no sockets, threads, clock or kernel. Inputs are shaped like the
// wire (one call per UPDATE, per session event, per local change); its
// outputs are the FIB delta and the neighbours' advertisements of each
// flush(), which the caller runs once per loop turn.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "rib/adj_rib_in.h"
#include "rib/advertisement.h"
#include "rib/evpn_export.h"
#include "rib/evpn_leaf.h"
#include "rib/evpn_table.h"
#include "rib/next_hop_tracker.h"
#include "rib/route_policy.h"
#include "rib/route_update.h"
#include "rib/table.h"
#include "rib/update_groups.h"

namespace closbgp::rib {

struct RibOptions {
  uint32_t local_as = 0;
  uint32_t router_id = 0;  // host order; the AGGREGATOR of our summaries
  SelectionOptions selection;
  std::vector<AggregateSpec> aggregates;
  uint8_t drain_prepend = 0;  // our AS, this many more times, on drained routes
  // A route goes to neighbours once the FIB reports it installed.
  bool advertise_after_install = false;
  // Route reflection's cluster (RFC 4456), host order; 0: the router-id.
  uint32_t cluster_id = 0;
};

// A neighbour's session going down: its paths go (Hard), or stay, stale,
// while it restarts (Graceful, RFC 4724).
enum class DownKind { Hard, Graceful };

class Rib {
 public:
  explicit Rib(RibOptions options);

  // --- neighbours -------------------------------------------------------
  // A session came up: its UPDATEs bring paths from `source`, and it is a
  // member of the update group its description and policy select, sent
  // the table through `sink` at once. Its Adj-RIB-In and the Loc-RIB get
  // room for what it is expected to send: `expected` (configured) or as
  // many paths as its last session brought, whichever is more; returns
  // that size hint.
  FamilyCounts session_up(const PathSource& source, const Member& member, const PeerPolicy& policy,
                          AdvertisementSink& sink, const FamilyCounts& expected = {});
  // One received UPDATE (after RFC 7606 handling), through import policy
  // into the Loc-RIB. Returns how many prefixes its Adj-RIB-In holds now
  // (max-prefix counts them as received).
  size_t apply(SourceId source, const wire::UpdateMessage& update);
  // The session went down. Graceful: its paths stay, stale; returns how
  // many. Hard: they are withdrawn; returns how many there were.
  size_t session_down(SourceId source, DownKind kind);
  // Withdraws the source's stale paths (of `family` only, if given; its
  // EVPN routes are the L2VPN EVPN family's): End-of-RIB arrived, or its
  // restart or stale time ran out. Returns how many.
  size_t sweep_stale(SourceId source, std::optional<wire::Family> family);
  // How many of the source's paths and EVPN routes are stale.
  size_t stale(SourceId source) const;
  // Long-lived graceful restart (RFC 9494): its restart time ran out; the
  // source's stale paths of `family` stay, least preferred, tagged
  // LLGR_STALE (those with NO_LLGR go). Returns how many stay.
  size_t keep_long_lived(SourceId source, wire::Family family);
  // The neighbour is gone for good (removed, its interface re-created).
  void forget(SourceId source);
  // New policy for a neighbour: what it sent goes through the new import
  // policy again, and if up it moves to the group its export policy selects.
  void set_policy(SourceId source, const PeerPolicy& policy, AdvertisementSink& sink);
  // Soft reset in: every received path through import policy again.
  void reimport(SourceId source);
  // ROUTE-REFRESH from the member: its table again, then End-of-RIB.
  void refresh(SourceId member, AdvertisementSink& sink) {
    groups_.refresh(member, sink);
    evpn_out_.refresh(member, evpn_, sink);
  }
  // Drain states: of one member (its own), and of the node. Members move
  // to the groups of their new state.
  void set_member_drain(SourceId member, DrainState drain, AdvertisementSink& sink) {
    groups_.set_member_drain(member, drain, default_vrf(), sink);
    evpn_out_.set_member_drain(member, drain, evpn_, sink);
  }
  void set_node_drain(DrainState drain, AdvertisementSink& sink) {
    groups_.set_node_drain(drain, default_vrf(), sink);
    evpn_out_.set_node_drain(drain, evpn_, sink);
  }
  DrainState node_drain() const { return groups_.node_drain(); }

  // --- tables -------------------------------------------------------------
  // The table `id`, opened empty if new (a tenant VRF's). Only the default
  // VRF's tables are exported to neighbours.
  Table& open_table(const TableId& id);
  // nullptr if not open.
  const Table* find_table(const TableId& id) const;
  // The default VRF's table of `afi` (always open).
  const Table& unicast(wire::Afi afi) const { return *unicast_[size_t(wire::family_of(afi))]; }
  // The default VRF's tables, IPv4 then IPv6.
  std::array<const Table*, 2> default_vrf() const { return {unicast_[0], unicast_[1]}; }
  const std::map<TableId, std::unique_ptr<Table>>& tables() const { return tables_; }
  // The default VRF's Loc-RIB entry for `prefix`; nullptr if none.
  const LocRib::Entry* entry(const wire::Prefix& prefix) const {
    return unicast(prefix.afi()).loc_rib().find(prefix);
  }
  // Prefixes in the default VRF's Loc-RIB, both families.
  size_t prefixes() const;
  // The L2VPN EVPN table: every neighbour's routes and the best of each.
  const EvpnTable& evpn() const { return evpn_; }
  // The leaf's VNIs: their routes of our own, and what the kernel should
  // hold of the remote ones (take_kernel_update() after each flush()).
  EvpnLeaf& evpn_leaf() { return evpn_leaf_; }
  const EvpnLeaf& evpn_leaf() const { return evpn_leaf_; }

  // --- the node's own routes --------------------------------------------
  // A path of the node's own for `prefix` (a network, a connected prefix,
  // a route added through the API) in the default VRF, or in table
  // `table`; replaces an earlier one.
  void originate(const wire::Prefix& prefix, const wire::PathAttributes& attributes);
  void originate(const TableId& table, const wire::Prefix& prefix,
                 const wire::PathAttributes& attributes);
  void withdraw_local(const wire::Prefix& prefix);
  void withdraw_local(const TableId& table, const wire::Prefix& prefix);
  // The node's interface addresses (connected subnets and addresses of
  // ours), which next hops resolve through besides the Loc-RIB.
  void set_connected(std::vector<ConnectedAddress> addresses);
  // Reload: new best-path options (every prefix selected again), new
  // aggregates (every prefix counted again).
  void set_selection(const SelectionOptions& options);
  void set_aggregates(std::vector<AggregateSpec> specs);

  // --- outputs ----------------------------------------------------------
  // Takes a table's FIB delta and returns its sequence number (Fib::apply).
  using Installer = std::function<uint64_t(const TableId&, RouteUpdate)>;
  // The prefixes of one table whose best path or ECMP set changed.
  struct TableChanges {
    TableId table;
    std::vector<wire::Prefix> prefixes;
  };
  struct Flushed {
    std::vector<TableChanges> tables;  // each table that had changes
    // The EVPN routes whose best path changed, or that went; sorted.
    std::vector<EvpnTable::Key> evpn;
  };
  // Once per loop turn, table by table: aggregation, the FIB delta for
  // what changed (to `install`, when given), and the default VRF's changes
  // to every group (advertisements to `sink`); the EVPN table's changes to
  // the EVPN members and the leaf's VNIs. With advertise-after-install
  // what goes into the kernel waits for installed().
  Flushed flush(const Installer* install, AdvertisementSink& sink);
  bool pending() const;
  // The FIB installed the default VRF's `prefixes` by its update
  // `through`: advertise them.
  void installed(std::span<const wire::Prefix> prefixes, uint64_t through, AdvertisementSink& sink);
  size_t awaiting_install() const;

  // --- queries (read-only, for the API) -----------------------------------
  // The next hops that resolve through the routing table, as they do now.
  const NextHopTracker& next_hops() const { return next_hops_; }
  // A neighbour's Adj-RIB-In as received; nullptr for an unknown source.
  const AdjRibIn* adj_rib_in(SourceId source) const;
  // What `query` selects of what its group has sent it, with the
  // attributes (before its next hop); nothing unless it is a member.
  void visit_adj_rib_out(SourceId member, const PrefixQuery& query,
                         const UpdateGroup::SentVisitor& f) const {
    groups_.visit_sent(member, query, f);
  }
  size_t prefixes_sent(SourceId member) const { return groups_.prefixes_sent(member); }
  size_t evpn_routes_sent(SourceId member) const { return evpn_out_.sent(member); }
  size_t prefixes_sent(SourceId member, wire::Afi afi) const {
    return groups_.prefixes_sent(member, afi);
  }
  bool is_member(SourceId member) const { return groups_.is_member(member); }
  // How many members share its update group (0: not a member).
  size_t group_size(SourceId member) const { return groups_.group_size(member); }
  // The path of `source` (its `path_id` with add-path) in the Loc-RIB for
  // `prefix`: what import policy made of what it sent; nullptr if
  // rejected or absent.
  const Path* accepted(const wire::Prefix& prefix, SourceId source, uint32_t path_id = 0) const;
  // How many times import policy rejected one of the source's prefixes.
  uint64_t rejected_by_policy(SourceId source) const;

 private:
  struct Source {
    PathSource path_source;
    PeerPolicy policy;
    std::string interface;  // what route-map-in matches on
    AdjRibIn adj_in;
    uint64_t rejected = 0;  // prefixes import policy rejected, each time it did
  };
  // `changed` of the Adj-RIB-In through import policy into the Loc-RIB.
  void import(Source& s, const std::vector<RouteChange>& changed);
  // The EVPN routes of `update` into the EVPN table.
  void apply_evpn(const Source& s, const wire::UpdateMessage& update);
  // Neighbours' paths and the node's routes without a VRF: the default VRF's.
  Table& table_of(const wire::Prefix& prefix) { return *unicast_[size_t(family_of(prefix))]; }
  static wire::Family family_of(const wire::Prefix& p) { return wire::family_of(p.afi()); }
  static uint32_t cluster_id(const RibOptions& o) {
    return o.cluster_id ? o.cluster_id : o.router_id;
  }
  // What makes one of the source's paths a loop (its allowas-in).
  LoopCheck loop_check(const Source& s) const;
  // Room in its Adj-RIB-In and the Loc-RIB for what a new session will
  // send (session_up); returns the size hint.
  FamilyCounts presize(Source& s, const FamilyCounts& expected);
  // Whether `path` may enter the Loc-RIB at `prefix` for its next hop:
  // direct, or resolved (tracked either way).
  bool reachable(const Path& path, const wire::Prefix& prefix);
  NextHopTracker::Tables resolution_tables() const {
    return {&unicast_[0]->loc_rib(), &unicast_[1]->loc_rib()};
  }
  // Before a flush: tracked next hops that the pending changes (or new
  // connected addresses) move are resolved again, and the prefixes that
  // depend on them are imported again (resolved <-> unresolved) or marked
  // for the FIB (another ECMP set).
  void resolve_next_hops();
  // Whether a neighbour still has a path for `prefix` through `next_hop`.
  bool depends(const wire::Prefix& prefix, const wire::IpAddress& next_hop) const;
  void export_to_groups(const Table& table, std::span<const wire::Prefix> prefixes,
                        AdvertisementSink& sink);
  // One table's share of flush().
  std::vector<wire::Prefix> flush(Table& table, const Installer* install, AdvertisementSink& sink);
  // The aggregates of `table`'s family (a tenant VRF has none).
  std::vector<AggregateSpec> aggregates_of(const TableId& table) const;

  RibOptions options_;
  std::map<TableId, std::unique_ptr<Table>> tables_;  // stable in memory
  Table* unicast_[2] = {};                            // the default VRF's, by Family
  std::map<SourceId, Source> sources_;
  // How many paths of each family a neighbour's last session brought: the
  // size hint for its next one.
  std::map<SourceId, FamilyCounts> last_received_;
  UpdateGroups groups_;
  NextHopTracker next_hops_;
  EvpnTable evpn_;
  EvpnExport evpn_out_;
  EvpnLeaf evpn_leaf_;  // after evpn_, which it refers to
};

}  // namespace closbgp::rib
