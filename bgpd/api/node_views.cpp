#include "bgpd/api/node_views.h"

#include "bgpd/api/evpn_view.h"
#include "bgpd/api/fib_view.h"
#include "bgpd/api/process_stats.h"
#include "bgpd/api/route_views.h"
#include "bgpd/config/config_writer.h"
#include "bgpd/session/peer_config.h"
#include "rib/attr_intern.h"

namespace closbgp::api {
namespace {

PeerState to_api(session::State s) {
  using S = session::State;
  switch (s) {
    case S::Idle:
      return PeerState::Idle;
    case S::Connect:
      return PeerState::Connect;
    case S::Active:
      return PeerState::Active;
    case S::OpenSent:
      return PeerState::OpenSent;
    case S::OpenConfirm:
      return PeerState::OpenConfirm;
    case S::Established:
      return PeerState::Established;
  }
  return PeerState::Idle;
}

// A configured interface that does not exist: shown, so that a typo is visible.
PeerView missing_interface_view(const config::Neighbor& n) {
  PeerView v;
  v.interface = n.interface;
  v.description = n.description;
  v.route_reflector_client = n.route_reflector_client;
  v.remote_as_config = n.remote_as.to_string();
  v.last_error = "interface does not exist";
  return v;
}

BmpCollectorView collector_view(const bmp::Collector::Status& c) {
  BmpCollectorView v;
  v.name = c.name;
  v.address = c.address;
  using S = bmp::Collector::State;
  v.state = c.state == S::Up ? "up" : c.state == S::Connecting ? "connecting" : "waiting";
  v.messages = c.messages;
  v.bytes = c.bytes;
  v.connections = c.connections;
  v.drops = c.drops;
  v.queued_bytes = c.queued;
  v.last_error = c.last_error;
  if (c.up_since)
    v.uptime_seconds = uint64_t(std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now() - *c.up_since)
                                    .count());
  return v;
}

}  // namespace

ControlError control_error(const session::OpError& e) {
  using K = session::OpError::Kind;
  using A = ControlError::Kind;
  static constexpr A kKinds[] = {A::InvalidConfig,   A::NeedsRestart, A::NotFound,
                                 A::InvalidArgument, A::Conflict,     A::Internal};
  static_assert(std::size(kKinds) == size_t(K::Internal) + 1);
  return {kKinds[size_t(e.kind)], e.message};
}

PeerView NodeViews::peer_view(const std::string& name, const session::Peer& p) const {
  const session::PeerStatus s = p.status();
  const rib::Rib& rib = speaker_.rib();
  PeerView v;
  v.interface = p.identity().interface;
  v.address = s.address.value_or("");
  v.remote_as_config = p.identity().remote_as_config;
  if (const auto* n = session::find_neighbor(speaker_.config(), p.identity().config_name)) {
    v.description = n->description;
    v.update_source = n->update_source;
  }
  v.local_address = s.local_address.value_or("");
  v.state = to_api(s.state);
  if (s.negotiated) {
    v.remote_as = s.negotiated->peer_as;
    v.peer_router_id = wire::IpAddress::v4(s.negotiated->peer_router_id).to_string();
    v.hold_time = s.negotiated->hold_time;
    v.peer_hostname = s.negotiated->peer_hostname;
    v.capabilities = session::capability_names(*s.negotiated);
  }
  v.uptime_seconds = uint64_t(s.uptime.count());
  v.messages_received = s.messages_received;
  v.messages_sent = s.messages_sent;
  const rib::AdjRibIn* in = rib.adj_rib_in(p.id());
  if (in) {
    v.prefixes_received = in->received();
    v.prefixes_accepted = in->accepted();
    v.stale_paths = in->stale();
  }
  v.prefixes_sent = rib.prefixes_sent(p.id());
  for (auto f : wire::kAllFamilies) {
    const auto afi = wire::afi_of(f);
    v.families.push_back({std::string(wire::family_name(f)), in ? in->received(afi) : 0,
                          in ? in->accepted(afi) : 0, rib.prefixes_sent(p.id(), afi)});
  }
  // EVPN routes are kept as the EVPN route-map-in leaves them: what it
  // denied is not counted as received.
  const size_t evpn_held = rib.evpn().held(p.id());
  if (evpn_held || (s.negotiated && s.negotiated->families.has(wire::Family::L2vpnEvpn)))
    v.families.push_back({std::string(wire::family_name(wire::Family::L2vpnEvpn)), evpn_held,
                          evpn_held, rib.evpn_routes_sent(p.id())});
  v.last_error = s.last_error;
  v.last_reset = s.last_reset;
  v.rfc7606_events = s.rfc7606_events;
  v.updates_filtered = s.updates_filtered;
  v.transitions = s.transitions;
  v.max_prefix = p.policy().max_prefix.limit;
  v.route_reflector_client = p.policy().routing.route_reflector_client;
  v.max_prefix_exceeded = s.max_prefix_exceeded;
  v.bfd_state = s.bfd_state;
  v.bfd_multihop = s.bfd_multihop;
  if (s.bfd) {
    v.bfd_packets_received = s.bfd->counters.rx;
    v.bfd_packets_sent = s.bfd->counters.tx;
    v.bfd_packets_dropped = s.bfd->counters.dropped;
    v.bfd_flaps = s.bfd->counters.down_transitions;
  }
  v.drain_state = std::string(drain_name(effective_drain(rib.node_drain(), p.drain())));
  v.shutdown = speaker_.shut_down(name);
  return v;
}

std::chrono::nanoseconds NodeViews::route_work_running() const {
  return speaker_.activity().running(std::chrono::steady_clock::now());
}

SummaryView NodeViews::summary() const {
  const config::Config& cfg = speaker_.config();
  const rib::Rib& rib = speaker_.rib();
  SummaryView s;
  s.router_id = cfg.router_id.to_string();
  s.local_as = cfg.asn;
  s.drain_state = std::string(drain_name(rib.node_drain()));
  s.rib_prefixes = rib.prefixes();
  s.rib_attribute_sets = rib::interned_count();
  for (auto f : wire::kAllFamilies)
    s.family_prefixes.emplace_back(wire::family_name(f),
                                   rib.unicast(wire::afi_of(f)).loc_rib().size());
  if (rib.evpn().size())
    s.family_prefixes.emplace_back(wire::family_name(wire::Family::L2vpnEvpn), rib.evpn().size());
  const ProcessStats process = process_stats();
  s.resident_memory_bytes = process.resident_bytes;
  s.cpu_seconds = process.cpu_seconds;
  s.start_time_seconds = process.start_time_seconds;
  if (const fib::Fib* fib = speaker_.fib()) {
    const auto f = fib->status();
    s.fib_enabled = true;
    s.fib_routes = f.routes;
    s.fib_groups = f.groups;
    s.fib_nexthops = f.nexthops;
    s.fib_operations = f.operations;
    s.fib_sends = f.sends;
    s.fib_errors = f.errors;
    s.fib_backlog = fib->backlog();
    s.fib_awaiting_install = rib.awaiting_install();
  }
  for (const auto& [name, p] : speaker_.peers()) s.peers.push_back(peer_view(name, *p));
  for (const auto& n : cfg.neighbors)
    if (speaker_.is_missing_interface(n)) s.peers.push_back(missing_interface_view(n));
  s.bmp_collectors = bmp().collectors;
  for (const auto& [feed, stats] : recorder_.stats())
    s.mrt_feeds.push_back({feed, stats.records, stats.bytes, stats.dropped});
  s.evpn_vnis = evpn_vni_counts(rib.evpn_leaf());
  s.evpn_refused_routes = rib.evpn_leaf().remote().unusable();
  for (const auto& [l3vni, t] : rib.evpn_leaf().tenants()) {
    s.evpn_tenants.push_back({l3vni, t.routes().size(), t.router_macs().size()});
    s.evpn_refused_routes += t.unusable();
  }
  return s;
}

BmpView NodeViews::bmp() const {
  const config::Bmp& cfg = speaker_.config().bmp;
  BmpView v;
  for (const auto& c : monitoring_.status()) v.collectors.push_back(collector_view(c));
  if (cfg.pre_policy) v.route_monitoring.push_back("pre-policy");
  if (cfg.post_policy) v.route_monitoring.push_back("post-policy");
  if (cfg.loc_rib) v.route_monitoring.push_back("loc-rib");
  v.statistics_interval = cfg.statistics_interval;
  return v;
}

std::expected<PeerView, ControlError> NodeViews::neighbor(const std::string& name) const {
  auto p = speaker_.find_peer(name);
  if (p) return peer_view(name, **p);
  for (const auto& n : speaker_.config().neighbors)
    if (n.interface == name && speaker_.is_missing_interface(n)) return missing_interface_view(n);
  return std::unexpected(control_error(p.error()));
}

std::unique_ptr<RoutePages> NodeViews::routes(const rib::PrefixQuery& query) const {
  return rib_routes(speaker_, query);
}

std::expected<std::unique_ptr<RoutePages>, ControlError> NodeViews::adj_rib(
    const std::string& neighbor, bool out, const rib::PrefixQuery& query) const {
  auto p = speaker_.find_peer(neighbor);
  if (!p) return std::unexpected(control_error(p.error()));
  return out ? sent_routes(speaker_, neighbor, **p, query)
             : received_routes(speaker_, neighbor, **p, query);
}

std::expected<std::vector<FibRouteView>, ControlError> NodeViews::fib_routes() const {
  return fib_view(speaker_);
}

std::vector<TrackedNextHopView> NodeViews::next_hops() const {
  return next_hops_view(speaker_);
}

std::vector<EvpnRouteView> NodeViews::evpn_routes(const EvpnQuery& query) const {
  return evpn_view(speaker_, query);
}

EvpnVnisView NodeViews::evpn_vnis(uint32_t vni) const {
  const auto& leaf = speaker_.rib().evpn_leaf();
  EvpnVnisView v{evpn_vni_view(leaf, vni), {}};
  for (const auto& vrf : speaker_.config().evpn.vrfs)
    if (auto t = leaf.tenants().find(vrf.vni); t != leaf.tenants().end())
      v.tenants.push_back(evpn_tenant_view(t->second, vrf.name));
  return v;
}

std::expected<RouteDetailView, ControlError> NodeViews::route_detail(
    const rib::PrefixQuery& query) const {
  auto detail = api::route_detail(speaker_, query);
  if (!detail)
    return std::unexpected(
        ControlError{ControlError::Kind::NotFound,
                     "no path for " + (query.prefix ? query.prefix->to_string() : "") +
                         (query.longest ? " (no prefix holds it)" : "") + " in the RIB"});
  return *detail;
}

std::unique_ptr<mrt::RibDump> NodeViews::mrt_dump(std::optional<wire::Family> family) const {
  return std::make_unique<mrt::RibDump>(speaker_, family);
}

RunningConfigView NodeViews::running_config() const {
  return {config::running_config_yaml(speaker_.config()), speaker_.config_source()};
}

}  // namespace closbgp::api
