#include "bgpd/session/peer_config.h"

#include <unistd.h>

#include <algorithm>

#include "bgpd/config/evpn_config.h"
#include "bgpd/session/origination.h"

namespace closbgp::session {
namespace {

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

// The parts of a neighbour that only change how routes are filtered and
// sent: a reload re-applies them to a running session.
config::Neighbor without_policy(config::Neighbor n) {
  n.description.clear();  // words only: shown at once, nothing restarts
  n.timers.reset();       // compared as the session runs them (own or top level)
  n.route_map_in.clear();
  n.route_map_out.clear();
  n.evpn_route_map_in.clear();  // a new one: the neighbour is asked for its routes again
  n.evpn_route_map_out.clear();
  n.remove_private_as = {};
  n.default_originate = false;
  n.sender_loop_check = true;  // the engine sends or withdraws the difference
  n.next_hop_self = false;     // the engine sends what goes with another next hop
  n.allowas_in = 0;            // the kept Adj-RIB-In is checked for loops again
  n.max_prefix = {};
  n.evpn_max_prefix = {};
  n.expected_routes = {};  // a size hint, taken at the next session
  // Which paths go is policy; whether ids are sent at all is the OPEN's.
  if (n.add_path.send != config::AddPath::Send::Off) n.add_path.send = config::AddPath::Send::All;
  n.add_path.best = 0;
  n.path_attribute = {};
  n.line = 0;
  n.password_file.clear();  // the secret matters, not where it is kept
  n.expire_after = 0;       // read by the speaker each second
  return n;
}

rib::AddPathSend add_path_send(const config::AddPath& a) {
  using S = config::AddPath::Send;
  using M = rib::AddPathSend::Mode;
  const M mode = a.send == S::All    ? M::All
                 : a.send == S::Best ? M::Best
                 : a.send == S::Ecmp ? M::Ecmp
                                     : M::Off;
  return {mode, a.send == S::Best ? a.best : uint8_t(1)};
}

// A tenant's route target and route-map reload; the rest of it needs a
// restart.
std::vector<config::EvpnVrf> tenants(const config::Evpn& e) {
  auto vrfs = e.vrfs;
  for (auto& v : vrfs) {
    v.route_target = 0;
    v.route_map.clear();
  }
  return vrfs;
}

}  // namespace

LocalConfig local_config(const config::Config& cfg, const config::Neighbor& n, bool restarting) {
  LocalConfig l;
  l.asn = cfg.asn;
  l.router_id = cfg.router_id.v4_host_order();
  const config::Timers& timers = n.timers.value_or(cfg.timers);
  l.hold_time = timers.hold;
  l.keepalive = timers.keepalive;
  l.connect_retry = timers.connect_retry;
  l.hostname = hostname();
  using K = config::RemoteAs::Kind;
  l.peer_as.kind = n.remote_as.kind == K::External   ? PeerAsRule::Kind::External
                   : n.remote_as.kind == K::Internal ? PeerAsRule::Kind::Internal
                                                     : PeerAsRule::Kind::Number;
  l.peer_as.asn = n.remote_as.asn;
  l.passive = n.listen_range.has_value();  // dynamic neighbours only answer
  if (cfg.graceful_restart.enabled) {
    l.gr_restart_time = cfg.graceful_restart.restart_time;
    l.gr_stale_time = cfg.graceful_restart.stale_time;
    l.gr_restarting = restarting;
    l.gr_help_failures = cfg.graceful_restart.helper == config::GracefulRestart::Helper::Always;
    l.llgr_stale_time = cfg.graceful_restart.long_lived_stale_time;
  }
  l.add_path_receive = n.add_path.receive;
  l.evpn = n.evpn;
  l.add_path_send = n.add_path.send != config::AddPath::Send::Off;
  return l;
}

PeerPolicy peer_policy(const config::Config& cfg, const config::Neighbor& n) {
  using Mode = config::Neighbor::RemovePrivateAs;
  const rib::RemovePrivateAs remove_private_as =
      n.remove_private_as == Mode::All             ? rib::RemovePrivateAs::All
      : n.remove_private_as == Mode::IfOnlyPrivate ? rib::RemovePrivateAs::IfOnlyPrivate
                                                   : rib::RemovePrivateAs::Off;
  rib::PeerPolicy routing{cfg.policies.route_map(n.route_map_in),
                          cfg.policies.route_map(n.route_map_out),
                          remove_private_as,
                          cfg.ebgp_requires_policy,
                          n.allowas_in,
                          n.default_originate,
                          n.route_reflector_client,
                          n.next_hop_self,
                          n.sender_loop_check,
                          add_path_send(n.add_path)};
  routing.evpn_in = cfg.policies.route_map(n.evpn_route_map_in);
  routing.evpn_out = cfg.policies.route_map(n.evpn_route_map_out);
  return {std::move(routing), n.max_prefix, n.evpn_max_prefix, n.expected_routes, n.path_attribute};
}

rib::SelectionOptions selection_options(const config::Config& cfg) {
  rib::SelectionOptions o;
  o.max_paths = cfg.multipath.max_paths;
  o.multipath = cfg.multipath.max_paths > 1;
  o.as_path_relax = cfg.multipath.as_path_relax;
  o.always_compare_med = cfg.always_compare_med;
  return o;
}

rib::RibOptions rib_options(const config::Config& cfg) {
  rib::RibOptions o;
  o.local_as = cfg.asn;
  o.router_id = cfg.router_id.v4_host_order();
  if (cfg.cluster_id) o.cluster_id = cfg.cluster_id->v4_host_order();
  o.selection = selection_options(cfg);
  o.aggregates = aggregate_specs(cfg);
  o.drain_prepend = cfg.drain.prepend;
  o.advertise_after_install = cfg.fib.enabled && cfg.fib.advertise_after_install;
  return o;
}

const config::Neighbor* find_neighbor(const config::Config& cfg, const std::string& name) {
  auto it = std::find_if(cfg.neighbors.begin(), cfg.neighbors.end(),
                         [&](const auto& n) { return n.name() == name; });
  return it == cfg.neighbors.end() ? nullptr : &*it;
}

bool needs_restart(const config::Neighbor& before, const config::Neighbor& now) {
  return without_policy(before) != without_policy(now);
}

void configure_evpn_leaf(const config::Config& cfg, rib::EvpnLeaf& leaf) {
  std::vector<rib::TenantConfig> tenants;
  for (const auto& vrf : cfg.evpn.vrfs)
    tenants.push_back({vrf.vni, vrf.ipv4, vrf.ipv6, cfg.policies.route_map(vrf.route_map),
                       vrf.name == "default" ? "" : vrf.name});
  leaf.set_tenants(tenants);
  leaf.set_route_targets(config::route_targets(cfg.evpn));
  leaf.set_svi_advertisement(cfg.evpn.advertise_default_gw ? rib::SviAdvertisement::DefaultGateway
                             : cfg.evpn.advertise_svi_ip   ? rib::SviAdvertisement::Addresses
                                                           : rib::SviAdvertisement::None);
}

void reload_evpn_leaf(const config::Config& running, const config::Config& next,
                      rib::EvpnLeaf& leaf, std::vector<std::string>& changes) {
  const auto route_maps = [](const config::Config& c) {
    std::vector<std::shared_ptr<const policy::RouteMap>> out;
    for (const auto& vrf : c.evpn.vrfs) out.push_back(c.policies.route_map(vrf.route_map));
    return out;
  };
  const bool targets = config::route_targets(next.evpn) != config::route_targets(running.evpn);
  const bool tenant_map = route_maps(next) != route_maps(running);
  const bool svi = next.evpn.advertise_default_gw != running.evpn.advertise_default_gw ||
                   next.evpn.advertise_svi_ip != running.evpn.advertise_svi_ip;
  if (targets || tenant_map || svi) configure_evpn_leaf(next, leaf);
  if (targets)
    changes.push_back("evpn route targets changed: our VNIs' and tenant's routes sent again");
  if (tenant_map) changes.push_back("evpn tenant route-map changed: its type-5 routes sent again");
  if (svi)
    changes.push_back("evpn SVI advertisement changed: the SVIs' MAC/IP routes sent or withdrawn");
}

std::optional<std::string> needs_daemon_restart(const config::Config& running,
                                                const config::Config& next) {
  const char* what = next.asn != running.asn                             ? "asn"
                     : next.router_id != running.router_id               ? "router-id"
                     : next.cluster_id != running.cluster_id             ? "cluster-id"
                     : next.fib != running.fib                           ? "fib"
                     : next.grpc != running.grpc                         ? "grpc"
                     : next.metrics != running.metrics                   ? "metrics"
                     : next.graceful_restart != running.graceful_restart ? "graceful-restart"
                     : next.evpn.advertise_all_vni != running.evpn.advertise_all_vni
                         ? "evpn.advertise-all-vni"
                     : tenants(next.evpn) != tenants(running.evpn)     ? "evpn.vrfs"
                     : next.evpn.duplicates != running.evpn.duplicates ? "evpn.duplicate-detection"
                                                                       : nullptr;
  if (!what) return std::nullopt;
  return std::string(what) + " changed: restart closbgpd to apply it";
}

}  // namespace closbgp::session
