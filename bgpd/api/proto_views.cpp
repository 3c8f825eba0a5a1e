#include "bgpd/api/proto_views.h"

#include "bgpd/log/log.h"

namespace closbgp::api {
namespace {

namespace pb = closbgp::v1;

pb::SessionState to_proto(PeerState s) {
  switch (s) {
    case PeerState::Idle:
      return pb::SESSION_STATE_IDLE;
    case PeerState::Connect:
      return pb::SESSION_STATE_CONNECT;
    case PeerState::Active:
      return pb::SESSION_STATE_ACTIVE;
    case PeerState::OpenSent:
      return pb::SESSION_STATE_OPEN_SENT;
    case PeerState::OpenConfirm:
      return pb::SESSION_STATE_OPEN_CONFIRM;
    case PeerState::Established:
      return pb::SESSION_STATE_ESTABLISHED;
  }
  return pb::SESSION_STATE_UNSPECIFIED;
}

void fill(const std::vector<FibNextHopView>& hops,
          google::protobuf::RepeatedPtrField<pb::FibNextHop>& out) {
  for (const auto& h : hops) {
    auto* nh = out.Add();
    nh->set_interface(h.interface);
    nh->set_gateway(h.gateway);
    nh->set_blackhole(h.blackhole);
    nh->set_weight(h.weight);
  }
}

}  // namespace

void fill(const PeerView& p, closbgp::v1::PeerSummary* peer) {
  peer->set_drain_state(p.drain_state);
  peer->set_rfc7606_events(p.rfc7606_events);
  peer->set_transitions(p.transitions);
  peer->set_interface(p.interface);
  peer->set_description(p.description);
  peer->set_address(p.address);
  peer->set_remote_as_config(p.remote_as_config);
  peer->set_remote_as(p.remote_as);
  peer->set_state(to_proto(p.state));
  peer->set_uptime_seconds(p.uptime_seconds);
  peer->set_messages_received(p.messages_received);
  peer->set_messages_sent(p.messages_sent);
  peer->set_prefixes_received(p.prefixes_received);
  peer->set_prefixes_accepted(p.prefixes_accepted);
  peer->set_prefixes_sent(p.prefixes_sent);
  peer->set_last_error(p.last_error);
  peer->set_peer_router_id(p.peer_router_id);
  peer->set_hold_time(p.hold_time);
  peer->set_peer_hostname(p.peer_hostname);
  peer->set_bfd_state(p.bfd_state);
  peer->set_bfd_multihop(p.bfd_multihop);
  peer->set_bfd_packets_received(p.bfd_packets_received);
  peer->set_bfd_packets_sent(p.bfd_packets_sent);
  peer->set_bfd_packets_dropped(p.bfd_packets_dropped);
  peer->set_bfd_flaps(p.bfd_flaps);
  for (const auto& c : p.capabilities) peer->add_capabilities(c);
  for (const auto& f : p.families) {
    auto* out = peer->add_families();
    out->set_family(f.family);
    out->set_received(f.received);
    out->set_accepted(f.accepted);
    out->set_sent(f.sent);
  }
  peer->set_stale_paths(p.stale_paths);
  peer->set_shutdown(p.shutdown);
  peer->set_updates_filtered(p.updates_filtered);
  peer->set_max_prefix(p.max_prefix);
  peer->set_max_prefix_exceeded(p.max_prefix_exceeded);
  peer->set_route_reflector_client(p.route_reflector_client);
  peer->set_local_address(p.local_address);
  peer->set_update_source(p.update_source);
  if (p.last_reset) peer->set_last_reset_time(log::utc_time(*p.last_reset));
}

void fill(const SummaryView& view, closbgp::v1::ShowBgpSummaryResponse& out) {
  out.set_router_id(view.router_id);
  out.set_local_as(view.local_as);
  out.set_drain_state(view.drain_state);
  out.set_rib_prefixes(view.rib_prefixes);
  out.set_rib_attribute_sets(view.rib_attribute_sets);
  for (const auto& [family, prefixes] : view.family_prefixes) {
    auto* f = out.add_families();
    f->set_family(family);
    f->set_prefixes(prefixes);
  }
  out.set_resident_memory_bytes(view.resident_memory_bytes);
  out.set_fib_backlog(view.fib_backlog);
  out.set_fib_awaiting_install(view.fib_awaiting_install);
  for (const auto& p : view.peers) fill(p, out.add_peers());
}

void fill(const std::vector<TrackedNextHopView>& next_hops,
          closbgp::v1::ShowNextHopsResponse& out) {
  for (const auto& v : next_hops) {
    auto* t = out.add_next_hops();
    t->set_address(v.address);
    t->set_resolved(!v.via.empty());
    t->set_via(v.via);
    t->set_connected(v.connected);
    fill(v.next_hops, *t->mutable_next_hops());
  }
}

void fill(const std::vector<EvpnRouteView>& routes, closbgp::v1::ShowEvpnRoutesResponse& out) {
  for (const auto& r : routes) {
    auto* route = out.add_routes();
    route->set_rd(r.rd);
    route->set_type(r.type);
    route->set_route(r.route);
    for (const auto& p : r.paths) {
      auto* path = route->add_paths();
      path->set_peer(p.peer);
      path->set_next_hop(p.next_hop);
      path->set_esi(p.esi);
      path->set_best(p.best);
      path->mutable_as_path()->Add(p.as_path.begin(), p.as_path.end());
      path->mutable_vnis()->Add(p.vnis.begin(), p.vnis.end());
      for (const auto& ec : p.ext_communities) path->add_ext_communities(ec);
    }
  }
}

void fill(const EvpnVnisView& view, closbgp::v1::ShowEvpnVnisResponse& out) {
  for (const auto& t : view.tenants) {
    auto* tenant = out.add_tenants();
    tenant->set_name(t.name);
    tenant->set_l3vni(t.l3vni);
    tenant->set_present(t.present);
    tenant->set_vtep(t.vtep);
    tenant->set_router_mac(t.router_mac);
    tenant->set_rd(t.rd);
    tenant->set_export_rt(t.export_rt);
    tenant->set_import_rt(t.import_rt);
    for (const auto& s : t.subnets) tenant->add_subnets(s);
    for (const auto& [prefix, vteps] : t.routes) {
      auto* r = tenant->add_routes();
      r->set_prefix(prefix);
      for (const auto& vtep : vteps) r->add_vteps(vtep);
    }
    for (const auto& [vtep, mac] : t.router_macs) {
      auto* r = tenant->add_router_macs();
      r->set_vtep(vtep);
      r->set_mac(mac);
    }
  }
  for (const auto& v : view.vnis) {
    auto* vni = out.add_vnis();
    vni->set_vni(v.vni);
    vni->set_vtep(v.vtep);
    vni->set_rd(v.rd);
    vni->set_export_rt(v.export_rt);
    vni->set_import_rt(v.import_rt);
    for (const auto& vtep : v.remote_vteps) vni->add_remote_vteps(vtep);
    for (const auto& m : v.macs) {
      auto* mac = vni->add_macs();
      mac->set_mac(m.mac);
      mac->set_local(m.local);
      mac->set_vtep(m.vtep);
      mac->set_sequence(m.sequence);
      mac->set_moved(m.moved);
      mac->set_duplicate(m.duplicate);
    }
    for (const auto& n : v.neighbors) {
      auto* neighbor = vni->add_neighbors();
      neighbor->set_ip(n.ip);
      neighbor->set_mac(n.mac);
      neighbor->set_local(n.local);
      neighbor->set_vtep(n.vtep);
      neighbor->set_router(n.router);
      neighbor->set_duplicate(n.duplicate);
    }
  }
}

void fill(const FibRouteView& r, closbgp::v1::FibRoute& out) {
  out.set_prefix(r.prefix);
  fill(r.next_hops, *out.mutable_next_hops());
  fill(r.kernel_next_hops, *out.mutable_kernel_next_hops());
  out.set_state(r.state);
}

grpc::Status status(const ControlError& e) {
  using K = ControlError::Kind;
  const auto code = e.kind == K::NeedsRestart || e.kind == K::Conflict
                        ? grpc::StatusCode::FAILED_PRECONDITION
                    : e.kind == K::NotFound ? grpc::StatusCode::NOT_FOUND
                    : e.kind == K::Internal ? grpc::StatusCode::INTERNAL
                                            : grpc::StatusCode::INVALID_ARGUMENT;
  return {code, e.message};
}

void fill(const RouteView& r, closbgp::v1::Route& out) {
  out.set_prefix(r.prefix);
  out.set_peer(r.peer);
  out.set_next_hop(r.next_hop);
  out.set_next_hop_link_local(r.next_hop_link_local);
  for (uint32_t a : r.as_path) out.add_as_path(a);
  out.set_origin(r.origin);
  if (r.med) out.set_med(*r.med);
  if (r.local_pref) out.set_local_pref(*r.local_pref);
  for (const auto& c : r.communities) out.add_communities(c);
  for (const auto& c : r.large_communities) out.add_large_communities(c);
  for (const auto& c : r.ext_communities) out.add_ext_communities(c);
  out.set_atomic_aggregate(r.atomic_aggregate);
  out.set_aggregator(r.aggregator);
  out.set_originator_id(r.originator_id);
  for (const auto& id : r.cluster_list) out.add_cluster_list(id);
  out.set_accepted(r.accepted);
  out.set_next_hop_unresolved(r.next_hop_unresolved);
  out.set_best(r.best);
  out.set_multipath(r.multipath);
  out.set_path_id(r.path_id);
}

void fill(const RouteDetailView& d, closbgp::v1::RouteDetail& out) {
  out.set_prefix(d.prefix);
  for (const auto& p : d.paths) fill(p, *out.add_paths());
  for (const auto& n : d.advertised_to) out.add_advertised_to(n);
}

void fill(const BmpView& v, closbgp::v1::ShowBmpResponse& out) {
  for (const auto& c : v.collectors) {
    auto* o = out.add_collectors();
    o->set_name(c.name);
    o->set_address(c.address);
    o->set_state(c.state);
    o->set_messages(c.messages);
    o->set_bytes(c.bytes);
    o->set_connections(c.connections);
    o->set_drops(c.drops);
    o->set_queued_bytes(c.queued_bytes);
    o->set_last_error(c.last_error);
    o->set_uptime_seconds(c.uptime_seconds);
  }
  for (const auto& r : v.route_monitoring) out.add_route_monitoring(r);
  out.set_statistics_interval(v.statistics_interval);
}

void fill(const EventView& e, closbgp::v1::Event& out) {
  out.set_time(log::utc_time(e.time));
  out.set_kind(closbgp::v1::EventKind(int(e.kind) + closbgp::v1::EVENT_KIND_PEER));
  out.set_neighbor(e.neighbor);
  out.set_prefix(e.prefix);
  out.set_state(e.state);
  out.set_detail(e.detail);
  out.set_description(e.description);
}

}  // namespace closbgp::api
