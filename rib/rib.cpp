#include "rib/rib.h"

#include <algorithm>

#include "rib/attr_intern.h"
#include "rib/evpn_route_map.h"

namespace closbgp::rib {

Rib::Rib(RibOptions options)
    : options_(std::move(options)),
      groups_(options_.local_as, options_.drain_prepend, cluster_id(options_)),
      evpn_out_(options_.local_as, options_.drain_prepend, cluster_id(options_)),
      evpn_leaf_(options_.local_as, options_.router_id, evpn_) {
  for (auto f : wire::kAllFamilies)
    unicast_[size_t(f)] = &open_table(TableId{std::string(kDefaultVrf), f});
}

Table& Rib::open_table(const TableId& id) {
  auto& table = tables_[id];
  if (!table)
    table = std::make_unique<Table>(id, options_.selection, aggregates_of(id), options_.local_as,
                                    options_.router_id);
  return *table;
}

const Table* Rib::find_table(const TableId& id) const {
  auto it = tables_.find(id);
  return it == tables_.end() ? nullptr : it->second.get();
}

std::vector<AggregateSpec> Rib::aggregates_of(const TableId& id) const {
  std::vector<AggregateSpec> specs;
  if (!id.is_default_vrf()) return specs;
  for (const auto& spec : options_.aggregates)
    if (family_of(spec.prefix) == id.family) specs.push_back(spec);
  return specs;
}

size_t Rib::prefixes() const {
  return unicast(wire::Afi::Ipv4).loc_rib().size() + unicast(wire::Afi::Ipv6).loc_rib().size();
}

bool Rib::pending() const {
  return next_hops_.outdated() || evpn_.pending() || evpn_leaf_.pending() ||
         std::ranges::any_of(tables_, [](const auto& t) { return t.second->pending(); });
}

size_t Rib::awaiting_install() const {
  size_t n = 0;
  for (const auto& [id, table] : tables_) n += table->awaiting_install();
  return n;
}

FamilyCounts Rib::session_up(const PathSource& source, const Member& member,
                             const PeerPolicy& policy, AdvertisementSink& sink,
                             const FamilyCounts& expected) {
  Source& s = sources_[source.peer_id];
  s.path_source = source;
  // Its paths carry it: a client's are reflected to every iBGP neighbour.
  // (A neighbour becomes a client or stops being one by a new session.)
  s.path_source.rr_client = policy.route_reflector_client;
  s.policy = policy;
  s.interface = member.interface;
  const FamilyCounts hint = presize(s, expected);  // before its group (a new one) starts
  groups_.add(member, policy, default_vrf(), sink);
  if (member.negotiated.has(wire::Family::L2vpnEvpn))
    evpn_out_.add(member, policy, groups_.node_drain(), evpn_, sink);
  return hint;
}

// In an ECMP fabric every neighbour sends much the same table: the
// Loc-RIB is presized for the largest, not for their sum; the update
// groups that send all of it follow.
FamilyCounts Rib::presize(Source& s, const FamilyCounts& expected) {
  FamilyCounts hint = expected;
  if (auto last = last_received_.find(s.path_source.peer_id); last != last_received_.end())
    hint.raise_to(last->second);
  s.adj_in.reserve(hint);
  for (auto afi : FamilyCounts::kAfis) {
    if (!hint[afi]) continue;
    Table& table = *unicast_[size_t(wire::family_of(afi))];
    table.loc_rib().reserve(afi, hint[afi]);
    groups_.follow(table);
  }
  return hint;
}

size_t Rib::apply(SourceId id, const wire::UpdateMessage& update) {
  auto it = sources_.find(id);
  if (it == sources_.end()) return 0;
  Source& s = it->second;
  std::vector<RouteChange> changed;
  s.adj_in.apply(update, s.path_source, loop_check(s), changed);
  if (!changed.empty()) import(s, changed);
  apply_evpn(s, update);
  return s.adj_in.received();
}

// RFC 8212 (either route-map-in will do), loop detection, then the EVPN
// route-map-in, route by route: a loop, a treat-as-withdraw or a route
// the route-map denies takes the route out, as a withdrawal would.
void Rib::apply_evpn(const Source& s, const wire::UpdateMessage& u) {
  const CandidateKey from{s.path_source.peer_id, 0};
  if (u.mp_unreach && u.mp_unreach->family == wire::Family::L2vpnEvpn)
    evpn_.withdraw(from, u.mp_unreach->evpn);
  if (!u.mp_reach || u.mp_reach->family != wire::Family::L2vpnEvpn) return;
  const auto& routes = u.mp_reach->evpn;
  const bool refused =
      s.path_source.ebgp && s.policy.requires_policy && !s.policy.in && !s.policy.evpn_in;
  if (u.action == wire::AttrAction::TreatAsWithdraw || refused ||
      loop_check(s).is_loop(u.attributes)) {
    evpn_.withdraw(from, routes);
    return;
  }
  const PathRef received = make_path(intern(u.attributes), u.mp_reach->next_hop, s.path_source);
  if (!s.policy.evpn_in) {
    evpn_.announce(received, routes);
    return;
  }
  const auto verdicts = evpn_route_map_in(*s.policy.evpn_in, received, routes,
                                          {s.interface, s.path_source.peer_address});
  evpn_.withdraw(from, verdicts.denied);
  for (const auto& [path, some] : verdicts.accepted) evpn_.announce(path, some);
}

// All prefixes of an UPDATE share one Path: unless route-map-in looks at
// the prefix, the verdict is the same for all of them, and so is the
// resulting Path. Without a change by policy the received Path itself goes
// into the Loc-RIB.
void Rib::import(Source& s, const std::vector<RouteChange>& changed) {
  const policy::Neighbor from{s.interface, s.path_source.peer_address};
  const PeerPolicy& policy = s.policy;
  const bool per_prefix = policy.in && policy.in->matches_prefix();
  const Path* last_received = nullptr;
  PathRef last_result;
  for (const auto& [prefix, r, path_id] : changed) {
    if (r && r->accepted && (per_prefix || r.get() != last_received)) {
      const Path& in = *r;
      auto attrs = import_attributes(policy, in.source.ebgp, prefix, in.attributes, from);
      if (attrs == in.attributes) {
        last_result = r;
      } else if (!attrs) {
        last_result = nullptr;
      } else {
        // Equal results share one Path (a prefix-list verdict differs per
        // prefix, the attributes it leaves mostly do not).
        attrs = intern(*attrs);
        if (!last_result || last_result->attributes != attrs ||
            last_result->next_hop != in.next_hop ||
            last_result->source.path_id != in.source.path_id)
          last_result = make_path(attrs, in.next_hop, in.source);
      }
      last_received = r.get();
    }
    s.rejected += r && r->accepted && !last_result;
    Table& table = table_of(prefix);
    const bool visible = r && r->accepted && last_result && reachable(*last_result, prefix)
                             ? table.loc_rib().set(prefix, last_result)
                             : table.loc_rib().remove(prefix, {s.path_source.peer_id, path_id});
    if (!next_hops_.empty()) next_hops_.touched(prefix);
    if (visible) table.mark(prefix);
  }
}

size_t Rib::session_down(SourceId id, DownKind kind) {
  groups_.remove(id);
  evpn_out_.remove(id);
  // Graceful: its EVPN routes stay, stale, as its unicast paths do.
  const size_t evpn_stale = kind == DownKind::Graceful ? evpn_.mark_stale(id) : 0;
  if (kind == DownKind::Hard) evpn_.remove_source(id);
  auto it = sources_.find(id);
  if (it == sources_.end()) return evpn_stale;
  if (kind == DownKind::Graceful) return it->second.adj_in.mark_stale() + evpn_stale;
  const size_t had = it->second.adj_in.received();
  last_received_[id] = it->second.adj_in.received_by_family();
  // Its candidates can only be at the prefixes it sent: those are visited,
  // not the whole Loc-RIB (a server's few routes beside a full table).
  std::vector<RouteChange> resolved;  // its paths through tracked next hops
  it->second.adj_in.for_each_path([&](const wire::Prefix& prefix, const PathRef& path) {
    Table& table = table_of(prefix);
    if (table.loc_rib().remove(prefix, CandidateKey::of(*path))) table.mark(prefix);
    if (!next_hops_.empty()) next_hops_.touched(prefix);
    if (!NextHopTracker::direct(*path)) resolved.push_back({prefix, path});
  });
  sources_.erase(it);
  for (const auto& c : resolved)
    if (!depends(c.prefix, c.path->next_hop.address))
      next_hops_.untrack(c.path->next_hop.address, c.prefix);
  return had;
}

size_t Rib::sweep_stale(SourceId id, std::optional<wire::Family> family) {
  const size_t evpn = !family || *family == wire::Family::L2vpnEvpn ? evpn_.sweep_stale(id) : 0;
  auto it = sources_.find(id);
  if (it == sources_.end() || it->second.adj_in.stale() == 0) return evpn;
  std::vector<RouteChange> changed;
  it->second.adj_in.sweep_stale(family, changed);
  import(it->second, changed);
  return evpn + changed.size();
}

size_t Rib::stale(SourceId id) const {
  auto it = sources_.find(id);
  return evpn_.stale(id) + (it == sources_.end() ? 0 : it->second.adj_in.stale());
}

size_t Rib::keep_long_lived(SourceId id, wire::Family family) {
  auto it = sources_.find(id);
  if (it == sources_.end()) return 0;
  std::vector<RouteChange> changed;
  it->second.adj_in.mark_long_lived(family, changed);
  import(it->second, changed);
  return size_t(std::ranges::count_if(changed, [](const RouteChange& c) { return bool(c.path); }));
}

void Rib::forget(SourceId id) {
  session_down(id, DownKind::Hard);
  last_received_.erase(id);
}

void Rib::set_policy(SourceId id, const PeerPolicy& policy, AdvertisementSink& sink) {
  if (auto it = sources_.find(id); it != sources_.end()) {
    evpn_out_.set_policy(id, policy, evpn_, sink);
    const bool allowas_changed = it->second.policy.allowas_in != policy.allowas_in;
    it->second.policy = policy;
    if (allowas_changed) {  // reimport() below takes every path, changed or not
      std::vector<RouteChange> ignored;
      it->second.adj_in.recheck_loops(loop_check(it->second), ignored);
    }
    reimport(id);
  }
  groups_.set_policy(id, policy, default_vrf(), sink);
}

LoopCheck Rib::loop_check(const Source& s) const {
  return {options_.local_as, s.policy.allowas_in, options_.router_id, cluster_id(options_)};
}

void Rib::reimport(SourceId id) {
  auto it = sources_.find(id);
  if (it == sources_.end()) return;
  std::vector<RouteChange> all;
  it->second.adj_in.for_each_path([&](const wire::Prefix& prefix, const PathRef& path) {
    all.push_back({prefix, path, path->source.path_id});
  });
  import(it->second, all);
}

void Rib::originate(const wire::Prefix& prefix, const wire::PathAttributes& attributes) {
  originate(default_table(prefix.afi()), prefix, attributes);
}

void Rib::originate(const TableId& id, const wire::Prefix& prefix,
                    const wire::PathAttributes& attributes) {
  Table& table = open_table(id);
  table.loc_rib().set(prefix, make_path(intern(attributes)));
  table.mark(prefix);  // may turn an aggregate on
}

void Rib::withdraw_local(const wire::Prefix& prefix) {
  withdraw_local(default_table(prefix.afi()), prefix);
}

void Rib::withdraw_local(const TableId& id, const wire::Prefix& prefix) {
  auto it = tables_.find(id);
  if (it != tables_.end() && it->second->loc_rib().remove(prefix, {kLocalSource, 0}))
    it->second->mark(prefix);
}

void Rib::set_connected(std::vector<ConnectedAddress> addresses) {
  next_hops_.set_connected(std::move(addresses));
}

bool Rib::reachable(const Path& path, const wire::Prefix& prefix) {
  return NextHopTracker::direct(path) ||
         next_hops_.track(path.next_hop.address, prefix, resolution_tables());
}

bool Rib::depends(const wire::Prefix& prefix, const wire::IpAddress& next_hop) const {
  return std::ranges::any_of(sources_, [&](const auto& s) {
    const ReceivedPaths* paths = s.second.adj_in.paths(prefix);
    for (size_t i = 0; paths && i < paths->size(); ++i)
      if (NextHopTracker::through(paths->path(i), next_hop)) return true;
    return false;
  });
}

// Resolution changes what other resolutions see (a route resolved through
// another), so it runs until nothing more moves, a bounded number of
// times: whatever is still pending then is taken up by the next flush.
void Rib::resolve_next_hops() {
  constexpr int kMaxPasses = 8;
  std::vector<wire::Prefix> moved;
  for (const Table* t : default_vrf())
    t->for_each_pending([&](const wire::Prefix& p) { moved.push_back(p); });
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    auto changes = next_hops_.refresh(moved, resolution_tables());
    if (changes.empty()) return;
    moved.clear();
    for (const auto& change : changes)
      for (const auto& prefix : change.dependents) {
        if (!depends(prefix, change.next_hop)) {
          next_hops_.untrack(change.next_hop, prefix);
          continue;
        }
        moved.push_back(prefix);
        if (!change.reachability_changed) {
          table_of(prefix).mark(prefix);  // the same paths, other hops
          continue;
        }
        for (auto& [id, s] : sources_) {  // the paths now valid, or no longer
          std::vector<RouteChange> again;
          if (const ReceivedPaths* paths = s.adj_in.paths(prefix))
            paths->for_each([&](const PathRef& r) {
              if (NextHopTracker::through(*r, change.next_hop))
                again.push_back({prefix, r, r->source.path_id});
            });
          if (!again.empty()) import(s, again);
        }
      }
  }
}

void Rib::set_selection(const SelectionOptions& options) {
  options_.selection = options;
  next_hops_.outdate();
  for (auto& [id, table] : tables_)
    for (const auto& p : table->loc_rib().reselect(options)) table->mark(p);
}

void Rib::set_aggregates(std::vector<AggregateSpec> specs) {
  options_.aggregates = std::move(specs);
  // Every prefix may contribute: the next flush recounts them all.
  for (auto& [id, table] : tables_)
    table->set_aggregates(aggregates_of(id), options_.local_as, options_.router_id);
}

Rib::Flushed Rib::flush(const Installer* install, AdvertisementSink& sink) {
  Flushed out;
  if (!next_hops_.empty()) resolve_next_hops();
  if (evpn_.pending()) {
    std::vector<EvpnTable::Key>& keys = out.evpn = evpn_.take_changes();
    // A remote claim on a MAC of ours may take our route out (it moved).
    evpn_leaf_.table_changed(keys);
    if (evpn_.pending()) {
      // Ours may be among the first changes too: each route goes out once.
      std::ranges::move(evpn_.take_changes(), std::back_inserter(keys));
      std::ranges::sort(keys);
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    }
    evpn_out_.export_changes(keys, evpn_, sink);
  }
  for (auto& [id, table] : tables_)
    if (table->pending()) out.tables.push_back({id, flush(*table, install, sink)});
  return out;
}

std::vector<wire::Prefix> Rib::flush(Table& table, const Installer* install,
                                     AdvertisementSink& sink) {
  std::vector<wire::Prefix> changed = table.take_changes();
  if (!install || !*install) {
    export_to_groups(table, changed, sink);
    return changed;
  }
  auto update = table.fib_update(changed, table.id().is_default_vrf() ? &next_hops_ : nullptr);
  // Only what neighbours are sent waits for the kernel.
  if (!options_.advertise_after_install || !table.id().is_default_vrf()) {
    (*install)(table.id(), std::move(update));
    export_to_groups(table, changed, sink);
    return changed;
  }
  // What goes into the kernel waits for it; removals and what the kernel
  // never holds (our own routes) go to neighbours now.
  std::vector<wire::Prefix> waiting;
  waiting.reserve(update.upsert.size());
  for (const auto& [prefix, set] : update.upsert) waiting.push_back(prefix);
  for (const auto& prefix : update.remove) table.release(prefix);
  table.hold(waiting, (*install)(table.id(), std::move(update)));
  std::vector<wire::Prefix> now;
  now.reserve(changed.size() - waiting.size());
  for (const auto& prefix : changed)
    if (!table.held(prefix)) now.push_back(prefix);
  export_to_groups(table, now, sink);
  return changed;
}

void Rib::installed(std::span<const wire::Prefix> prefixes, uint64_t through,
                    AdvertisementSink& sink) {
  std::vector<wire::Prefix> ready[2];  // by family
  for (const auto& prefix : prefixes)
    if (table_of(prefix).installed(prefix, through))
      ready[size_t(family_of(prefix))].push_back(prefix);
  for (auto f : wire::kAllFamilies)
    if (!ready[size_t(f)].empty()) export_to_groups(*unicast_[size_t(f)], ready[size_t(f)], sink);
}

// Sessions are the default VRF's: a tenant's table is not theirs to send.
void Rib::export_to_groups(const Table& table, std::span<const wire::Prefix> prefixes,
                           AdvertisementSink& sink) {
  if (!table.id().is_default_vrf() || prefixes.empty()) return;
  groups_.export_changes(table, prefixes, sink);
}

const AdjRibIn* Rib::adj_rib_in(SourceId source) const {
  auto it = sources_.find(source);
  return it == sources_.end() ? nullptr : &it->second.adj_in;
}

uint64_t Rib::rejected_by_policy(SourceId source) const {
  auto it = sources_.find(source);
  return it == sources_.end() ? 0 : it->second.rejected;
}

const Path* Rib::accepted(const wire::Prefix& prefix, SourceId source, uint32_t path_id) const {
  const LocRib::Entry* entry = this->entry(prefix);
  for (size_t i = 0; entry && i < entry->size(); ++i)
    if (CandidateKey::of(entry->path(i)) == CandidateKey{source, path_id}) return &entry->path(i);
  return nullptr;
}

}  // namespace closbgp::rib
