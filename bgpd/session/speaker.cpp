#include "bgpd/session/speaker.h"

#include <unistd.h>

#include "bgpd/discovery/interfaces.h"
#include "bgpd/session/address.h"
#include "bgpd/session/session_log.h"
#include "bgpd/session/socket_options.h"
#include "rib/attr_intern.h"

namespace closbgp::session {
namespace {

constexpr auto kScanInterval = std::chrono::seconds(1);
constexpr auto kShutdownGrace = std::chrono::milliseconds(300);

bool is_loopback_net(const wire::Prefix& p) {
  return p.afi() == wire::Afi::Ipv4 ? (p.address().v4_host_order() >> 24) == 127
                                    : p == wire::Prefix::parse("::1/128");
}

bool has_wildcard(const std::string& s) {
  return s.find_first_of("*?[") != std::string::npos;
}

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

}  // namespace

rib::SelectionOptions Speaker::selection_options(const config::Config& cfg) {
  rib::SelectionOptions o;
  o.max_paths = cfg.multipath.max_paths;
  o.multipath = cfg.multipath.max_paths > 1;
  o.as_path_relax = cfg.multipath.as_path_relax;
  o.always_compare_med = cfg.always_compare_med;
  return o;
}

rib::RibOptions Speaker::rib_options(const config::Config& cfg) {
  rib::RibOptions o;
  o.local_as = cfg.asn;
  o.router_id = cfg.router_id.v4_host_order();
  o.selection = selection_options(cfg);
  o.aggregates = aggregate_specs(cfg);
  o.drain_prepend = cfg.drain.prepend;
  o.advertise_after_install = cfg.fib.enabled && cfg.fib.advertise_after_install;
  return o;
}

std::vector<rib::AggregateSpec> Speaker::aggregate_specs(const config::Config& cfg) {
  std::vector<rib::AggregateSpec> specs;
  for (const auto& a : cfg.aggregates)
    specs.push_back({a.prefix, a.summary_only, a.as_set, cfg.policies.route_map(a.route_map)});
  return specs;
}

Speaker::Speaker(asio::io_context& io, config::Config cfg, bfd::BfdClient& bfd, fib::Fib* fib,
                 uint16_t port)
    : io_(io),
      cfg_(std::move(cfg)),
      bfd_(bfd),
      fib_(fib),
      port_(port),
      acceptor_(io),
      scan_timer_(io),
      shutdown_timer_(io),
      ra_(io, [this](uint32_t ifindex,
                     const asio::ip::address_v6& from) { on_router_advert(ifindex, from); }),
      rib_(rib_options(cfg_)),
      backpressure_timer_(io),
      retire_timer_(io) {}

Speaker::~Speaker() {
  if (fib_) fib_->report_installed({});  // it may outlive us
}

LocalConfig Speaker::local_for(const config::Neighbor& n) const {
  LocalConfig l;
  l.asn = cfg_.asn;
  l.router_id = cfg_.router_id.v4_host_order();
  l.hold_time = cfg_.timers.hold;
  l.keepalive = cfg_.timers.keepalive;
  l.connect_retry = cfg_.timers.connect_retry;
  l.hostname = hostname();
  using K = config::RemoteAs::Kind;
  l.peer_as.kind = n.remote_as.kind == K::External   ? PeerAsRule::Kind::External
                   : n.remote_as.kind == K::Internal ? PeerAsRule::Kind::Internal
                                                     : PeerAsRule::Kind::Number;
  l.peer_as.asn = n.remote_as.asn;
  l.passive = n.listen_range.has_value();  // dynamic neighbours only answer
  if (cfg_.graceful_restart.enabled) {
    l.gr_restart_time = cfg_.graceful_restart.restart_time;
    l.gr_stale_time = cfg_.graceful_restart.stale_time;
    l.gr_restarting = fib_ && fib_->kept_previous_run();
  }
  return l;
}

Peer* Speaker::add_peer(const std::string& name, const std::string& interface, uint32_t ifindex,
                        const config::Neighbor& n) {
  PeerIdentity id;
  id.name = name;
  id.interface = interface;
  id.ifindex = ifindex;
  id.remote_as_config = n.remote_as.to_string();
  id.security = {n.ttl_security, n.password};
  id.config_name = n.name();
  std::optional<bfd::Params> bfd;
  if (n.bfd) bfd = bfd::Params{n.bfd->interval_ms, n.bfd->multiplier};
  PeerEvents& events = *this;  // a private base: converted here, not in make_unique
  auto peer = std::make_unique<Peer>(io_, next_peer_id_++, std::move(id), local_for(n), events,
                                     bfd_, bfd, n.bfd && n.bfd->strict);
  peer->set_policy(peer_policy(n));
  if (auto d = saved_.neighbors.find(name); d != saved_.neighbors.end())
    peer->set_drain(rib::parse_drain(d->second).value_or(rib::DrainState::Live));
  advertiser_.add(*peer);
  return peers_.emplace(name, std::move(peer)).first->second.get();
}

PeerPolicy Speaker::peer_policy(const config::Neighbor& n) const {
  using Mode = config::Neighbor::RemovePrivateAs;
  const rib::RemovePrivateAs remove_private_as =
      n.remove_private_as == Mode::All             ? rib::RemovePrivateAs::All
      : n.remove_private_as == Mode::IfOnlyPrivate ? rib::RemovePrivateAs::IfOnlyPrivate
                                                   : rib::RemovePrivateAs::Off;
  return {{cfg_.policies.route_map(n.route_map_in), cfg_.policies.route_map(n.route_map_out),
           remove_private_as, cfg_.ebgp_requires_policy, n.allowas_in, n.default_originate},
          n.max_prefix,
          n.path_attribute};
}

std::expected<void, std::string> Speaker::start() {
  listen_to_fib();
  load_saved_state();
  for (const auto& n : cfg_.networks)
    originate(n.prefix, wire::Origin::Igp, n.route_map, "network");
  originate_api_routes();

  boost::system::error_code ec;
  const asio::ip::tcp::endpoint any(asio::ip::address_v6::any(), port_);
  acceptor_.open(any.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::ip::v6_only(false), ec);  // IPv4 arrives v4-mapped
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  // The SYN-ACK comes from the listening socket: TTL 255 and CS6 from there.
  if (!ec) apply_bgp_socket_options(acceptor_.native_handle(), true, false);
  if (!ec) acceptor_.bind(any, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return std::unexpected("cannot listen for BGP on port " + std::to_string(port_) + ": " +
                           ec.message() + " (needs CAP_NET_BIND_SERVICE)");
  session_logger()->info("listening for BGP on port {} (IPv4 and IPv6)", port_);
  accept_next();

  const bool unnumbered = std::any_of(cfg_.neighbors.begin(), cfg_.neighbors.end(),
                                      [](const auto& n) { return !n.interface.empty(); });
  if (unnumbered) {
    if (auto r = ra_.open(); !r) return std::unexpected(r.error());
  }
  for (const auto& n : cfg_.neighbors) {
    if (n.address) add_numbered_peer(n);
    if (n.listen_range) listener_key(n, true);
  }
  scan_interfaces();
  return {};
}

// Originated prefixes are paths of the local source: empty AS_PATH, next
// hop set per session when sent; a route-map may change them (communities,
// MED) or refuse the prefix. `what` names the source in logs.
void Speaker::originate(const wire::Prefix& prefix, wire::Origin origin,
                        const std::string& route_map, const char* what) {
  wire::PathAttributes a;
  a.origin = origin;
  a.as_path = wire::AsPath{};
  if (auto map = cfg_.policies.route_map(route_map)) {
    auto verdict = map->apply(prefix, a, {});
    if (!verdict.permit) {
      session_logger()->warn("{} {}: denied by route-map {}; not originated", what,
                             prefix.to_string(), route_map);
      return;
    }
    if (verdict.changed) a = std::move(*verdict.changed);
  }
  set_local(prefix, a);
}

void Speaker::set_local(const wire::Prefix& prefix, const wire::PathAttributes& attributes) {
  rib_.originate(prefix, attributes);
  schedule_flush();
}

bool Speaker::originated_by_config(const wire::Prefix& prefix) const {
  return std::any_of(cfg_.networks.begin(), cfg_.networks.end(),
                     [&](const auto& n) { return n.prefix == prefix; }) ||
         std::any_of(cfg_.aggregates.begin(), cfg_.aggregates.end(),
                     [&](const auto& a) { return a.prefix == prefix; });
}

void Speaker::withdraw_local(const wire::Prefix& prefix) {
  rib_.withdraw_local(prefix);
  schedule_flush();
}

// redistribute connected: the prefixes of this node's up interfaces (not
// loopback 127/8 and ::1, not link-local), except those already originated
// as networks or aggregates; followed as addresses come and go.
void Speaker::redistribute_connected() {
  if (!cfg_.redistribute.connected) return;
  std::set<wire::Prefix> now;
  for (const auto& c : discovery::connected_prefixes()) {
    const auto prefix = wire::Prefix::parse(c.prefix);
    if (!prefix || prefix->address().is_link_local() || is_loopback_net(*prefix)) continue;
    if (!originated_by_config(*prefix) && !saved_.routes.contains(prefix->to_string()))
      now.insert(*prefix);
  }
  for (const auto& p : now)
    if (!connected_.contains(p)) {
      session_logger()->info("redistributing connected {}", p.to_string());
      originate(p, wire::Origin::Incomplete, cfg_.redistribute.connected_route_map, "connected");
    }
  for (const auto& p : connected_)
    if (!now.contains(p)) {
      session_logger()->info("connected {} is gone; withdrawing it", p.to_string());
      withdraw_local(p);
    }
  connected_ = std::move(now);
}

void Speaker::accept_next() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, asio::ip::tcp::socket s) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) on_accept(std::move(s));
    accept_next();
  });
}

void Speaker::on_accept(asio::ip::tcp::socket socket) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec || stopping_) return;
  const auto addr = remote.address();
  const wire::IpAddress wire_addr = to_wire(addr);
  if (wire_addr.is_v6() && wire_addr.is_link_local()) {
    const uint32_t ifindex = addr.to_v6().scope_id();
    for (auto& [name, p] : peers_) {
      if (p->identity().ifindex != ifindex || p->identity().interface.empty()) continue;
      set_peer_address(*p, addr);  // an inbound connection also tells us the peer's address
      return p->accept(std::move(socket));
    }
  } else {
    for (auto& [name, p] : peers_)
      if (p->address() && to_wire(*p->address()) == wire_addr) return p->accept(std::move(socket));
    for (const auto& n : cfg_.neighbors) {
      if (!n.listen_range ||
          !n.listen_range->contains(wire::Prefix(wire_addr, wire_addr.is_v4() ? 32 : 128)))
        continue;
      Peer* p = add_peer(wire_addr.to_string(), "", 0, n);
      session_logger()->info("{}: dynamic neighbour from listen-range {}", wire_addr.to_string(),
                             n.listen_range->to_string());
      p->set_address(addr);
      start_peer(*p);
      return p->accept(std::move(socket));
    }
  }
  session_logger()->warn("refused BGP connection from {}: not a configured neighbour",
                         endpoint_text(remote));
  socket.close(ec);
}

void Speaker::on_router_advert(uint32_t ifindex, const asio::ip::address_v6& from) {
  for (auto& [name, p] : peers_)
    if (p->identity().ifindex == ifindex && !p->identity().interface.empty())
      set_peer_address(*p, asio::ip::address(from));
}

// Interfaces come and go (and are often created after the daemon starts):
// match them against the configured interface neighbours every second.
void Speaker::scan_interfaces() {
  if (stopping_) return;
  check_warm_up();
  publish_fib_errors();
  redistribute_connected();
  const auto interfaces = discovery::list_interfaces();
  for (const auto& n : cfg_.neighbors) {
    if (n.interface.empty()) continue;
    bool found = false;
    for (const auto& i : interfaces) {
      if (!discovery::interface_matches(n.interface, i.name)) continue;
      found = true;
      auto it = peers_.find(i.name);
      if (it != peers_.end() && it->second->identity().ifindex != i.index) {
        session_logger()->info("{}: interface was re-created; restarting its neighbour", i.name);
        ra_.disable(it->second->identity().ifindex);
        forget(*it->second);
        listener_key(*it->second, std::nullopt);
        erase_peer(it);
        it = peers_.end();
      }
      Peer* p = it != peers_.end() ? it->second.get() : add_peer(i.name, i.name, i.index, n);
      if (reported_missing_.erase(n.interface))
        session_logger()->info("{}: interface appeared", i.name);
      if (i.up && !p->enabled()) {
        ra_.enable(i.index);
        start_peer(*p);
      } else if (!i.up && p->enabled()) {
        session_logger()->warn("{}: link down", i.name);
        ra_.disable(i.index);
        p->stop(wire::cease::kAdminShutdown, "link down");
      }
    }
    if (!found && !has_wildcard(n.interface) && reported_missing_.insert(n.interface).second)
      session_logger()->warn(
          "neighbour on interface {}: interface does not exist yet; it starts when "
          "the interface appears",
          n.interface);
  }
  scan_timer_.expires_after(kScanInterval);
  scan_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) scan_interfaces();
  });
}

void Speaker::shutdown(const std::string& message, std::function<void()> done) {
  stopping_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  scan_timer_.cancel();
  // A planned restart for neighbours that negotiated graceful restart: the
  // kernel keeps our routes, so they may keep theirs towards us. Not when
  // our routes leave the kernel with us (retain-on-exit: false).
  const bool planned =
      cfg_.graceful_restart.enabled && (!cfg_.fib.enabled || cfg_.fib.retain_on_exit);
  for (auto& [name, p] : peers_) p->stop(wire::cease::kAdminShutdown, message, planned);
  shutdown_timer_.expires_after(kShutdownGrace);
  shutdown_timer_.async_wait(
      [done = std::move(done)](const boost::system::error_code&) { done(); });
}

api::PeerView Speaker::peer_view(const std::string& name, const Peer& p) const {
  api::PeerView v = p.view();
  v.drain_state = std::string(drain_name(effective_drain(rib_.node_drain(), p.drain())));
  if (const rib::AdjRibIn* in = rib_.adj_rib_in(p.id())) {
    v.prefixes_received = in->received();
    v.prefixes_accepted = in->accepted();
    v.stale_paths = in->stale();
  }
  v.prefixes_sent = rib_.prefixes_sent(p.id());
  v.shutdown = saved_.shutdown.contains(name);
  return v;
}

bool Speaker::is_missing_interface(const config::Neighbor& n) const {
  return !n.interface.empty() && !has_wildcard(n.interface) && !peers_.contains(n.interface);
}

api::PeerView Speaker::missing_interface_view(const config::Neighbor& n) {
  api::PeerView v;
  v.interface = n.interface;
  v.remote_as_config = n.remote_as.to_string();
  v.last_error = "interface does not exist";
  return v;
}

// Gone for good (removed, re-created, restarted by a reload): out of the
// engine, its paths with it.
void Speaker::forget(Peer& p) {
  rib_.forget(p.id());
  schedule_flush();
}

void Speaker::erase_peer(std::map<std::string, std::unique_ptr<Peer>>::iterator it) {
  advertiser_.remove(*it->second);
  peers_.erase(it);
}

void Speaker::peer_established(Peer& p) {
  const Negotiated& n = *p.negotiated();
  const rib::PeerPolicy& policy = p.policy().routing;
  if (n.ebgp && policy.requires_policy && (!policy.in || !policy.out))
    session_logger()->warn(
        "{}: ebgp-requires-policy (RFC 8212) and no route-map-{}: {}", p.identity().name,
        policy.in ? "out" : "in",
        policy.in ? "nothing is advertised to it" : "nothing it sends is accepted");
  for (auto f : wire::kAllFamilies)
    if (n.families.has(f) && !p.next_hop_self(f))
      session_logger()->warn(
          "{}: {} negotiated but not sendable: {}", p.identity().name, wire::family_name(f),
          f == wire::Family::Ipv6Unicast
              ? "the session runs over IPv4"
              : "the session runs over IPv6 and the peer did not offer extended next hop");
  if (policy.default_originate)
    session_logger()->info("{}: originating the default route (default-originate)",
                           p.identity().name);
  rib_.session_up(p.source(), member_of(p), policy, advertiser_);
  session_logger()->debug("{}: in an update group of {}", p.identity().name,
                          rib_.group_size(p.id()));
  publish(api::EventKind::Peer, p.identity().name, "", "established",
          "AS " + std::to_string(n.peer_as));
  schedule_flush();
}

void Speaker::peer_refresh_requested(Peer& p) {
  rib_.refresh(p.id(), advertiser_);
}

size_t Speaker::peer_down(Peer& p) {
  const size_t withdrawn = rib_.session_down(p.id(), rib::DownKind::Hard);
  publish(api::EventKind::Peer, p.identity().name, "", "down", p.last_error());
  schedule_flush();
  return withdrawn;
}

size_t Speaker::peer_restarting(Peer& p) {
  const size_t kept = rib_.session_down(p.id(), rib::DownKind::Graceful);
  publish(api::EventKind::Peer, p.identity().name, "", "restarting", p.last_error());
  return kept;
}

void Speaker::peer_bfd_changed(Peer& p, const std::string& state, const std::string& diag) {
  publish(api::EventKind::Bfd, p.identity().name, "", state, diag);
}

size_t Speaker::peer_update(Peer& p, const wire::UpdateMessage& update) {
  const size_t received = rib_.apply(p.id(), update);
  schedule_flush();
  return received;
}

size_t Speaker::peer_sweep_stale(Peer& p, std::optional<wire::Family> family) {
  const size_t swept = rib_.sweep_stale(p.id(), family);
  schedule_flush();
  return swept;
}

size_t Speaker::peer_stale(const Peer& p) const {
  const rib::AdjRibIn* in = rib_.adj_rib_in(p.id());
  return in ? in->stale() : 0;
}

size_t Speaker::peer_received(const Peer& p) const {
  const rib::AdjRibIn* in = rib_.adj_rib_in(p.id());
  return in ? in->received() : 0;
}

void Speaker::schedule_flush() {
  if (flush_scheduled_ || !rib_.pending()) return;
  flush_scheduled_ = true;
  asio::post(io_, [this] { flush(); });
}

void Speaker::flush() {
  flush_scheduled_ = false;
  // Stopping, the sessions' ends must not empty the kernel: its routes
  // keep forwarding while we restart (and the FIB adopts them again).
  const auto changed = rib_.flush(fib_ && !stopping_ ? &install_ : nullptr, advertiser_);
  publish_best_paths(changed);
  apply_backpressure();
}

}  // namespace closbgp::session
