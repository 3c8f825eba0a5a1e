#include "bgpd/session/rib_driver.h"

#include "bgpd/session/session_log.h"

namespace closbgp::session {

RibDriver::RibDriver(asio::io_context& io, rib::RibOptions options, fib::Fib* fib,
                     std::function<void(bool)> pause_peers)
    : io_(io),
      fib_(fib),
      rib_(std::move(options)),
      fib_link_(io, fib),
      pause_peers_(std::move(pause_peers)) {
  advertiser_.set_monitors(&monitors_);
}

void RibDriver::listen_to_fib() {
  fib_link_.report_installed([this](std::vector<wire::Prefix> prefixes, uint64_t through) {
    rib_.installed(prefixes, through, advertiser_);
  });
}

void RibDriver::schedule_flush() {
  if (flush_scheduled_ || !rib_.pending()) return;
  flush_scheduled_ = true;
  asio::post(io_, [this] { flush(); });
}

void RibDriver::flush() {
  const LoopActivity::Working working(activity_);
  flush_scheduled_ = false;
  const auto changed = rib_.flush(installing_ ? fib_link_.installer() : nullptr, advertiser_);
  for (const auto& [table, prefixes] : changed.tables) {
    if (observer_ && observer_->listening()) observer_->routes_changed(table, prefixes);
    for (auto* m : monitors_) m->best_changed(table, prefixes);
  }
  if (!changed.evpn.empty())
    for (auto* m : monitors_) m->evpn_best_changed(changed.evpn);
  if (evpn_kernel_ && installing_)
    if (auto u = rib_.evpn_leaf().take_kernel_update(); !u.empty()) evpn_kernel_(u);
  if (evpn_findings_)
    if (const auto f = rib_.evpn_leaf().take_findings(); !f.empty()) evpn_findings_(f);
  fib_link_.apply_backpressure(pause_peers_);
}

void RibDriver::report_fib_errors() {
  if (!fib_) return;
  const auto s = fib_->status();
  if (s.errors > fib_errors_seen_ && observer_)
    observer_->fib_errors(s.errors - fib_errors_seen_, s.last_error);
  fib_errors_seen_ = s.errors;
}

void RibDriver::peer_established(Peer& p) {
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
    neighbor_log(spdlog::level::info, p.identity().name,
                 "originating the default route (default-originate)");
  // Monitors first: the table the engine sends it at once is theirs to see.
  for (auto* m : monitors_) m->peer_up(p);
  rib::FamilyCounts expected;
  expected[wire::Afi::Ipv4] = p.policy().expected_routes.ipv4;
  expected[wire::Afi::Ipv6] = p.policy().expected_routes.ipv6;
  const rib::FamilyCounts hint =
      rib_.session_up(p.source(), member_of(p), policy, advertiser_, expected);
  if (installing_) fib_link_.expect(hint);
  if (hint.total() > 0)
    // A full table's worth is worth a line at info; a server's few routes not.
    neighbor_log(hint.total() >= 10'000 ? spdlog::level::info : spdlog::level::debug,
                 p.identity().name, "room made for {} IPv4 and {} IPv6 prefixes ({})",
                 hint[wire::Afi::Ipv4], hint[wire::Afi::Ipv6],
                 hint == expected ? "expected-routes"
                 : expected.total() == 0
                     ? "as many as its last session brought"
                     : "expected-routes, or its last session's count where more");
  neighbor_log(spdlog::level::debug, p.identity().name, "in an update group of {}",
               rib_.group_size(p.id()));
  if (observer_) observer_->peer_changed(p, "established", "AS " + std::to_string(n.peer_as));
  schedule_flush();
}

void RibDriver::set_policy(Peer& p) {
  const LoopActivity::Working working(activity_);
  rib_.set_policy(p.id(), p.policy().routing, advertiser_);
  for (auto* m : monitors_) m->policy_applied(p);
  schedule_flush();
}

void RibDriver::reimport(Peer& p) {
  const LoopActivity::Working working(activity_);
  rib_.reimport(p.id());
  for (auto* m : monitors_) m->policy_applied(p);
  schedule_flush();
}

void RibDriver::peer_refresh_requested(Peer& p) {
  rib_.refresh(p.id(), advertiser_);
}

size_t RibDriver::peer_down(Peer& p) {
  const LoopActivity::Working working(activity_);
  const size_t withdrawn = rib_.session_down(p.id(), rib::DownKind::Hard);
  if (observer_) observer_->peer_changed(p, "down", p.last_error());
  for (auto* m : monitors_) m->peer_down(p);
  schedule_flush();
  return withdrawn;
}

size_t RibDriver::peer_restarting(Peer& p) {
  const LoopActivity::Working working(activity_);
  const size_t kept = rib_.session_down(p.id(), rib::DownKind::Graceful);
  if (observer_) observer_->peer_changed(p, "restarting", p.last_error());
  for (auto* m : monitors_) m->peer_down(p);
  schedule_flush();
  return kept;
}

void RibDriver::peer_bfd_changed(Peer& p, const std::string& state, const std::string& diag) {
  if (observer_) observer_->bfd_changed(p, state, diag);
}

size_t RibDriver::peer_update(Peer& p, const wire::UpdateMessage& update) {
  const LoopActivity::Working working(activity_);
  const size_t received = rib_.apply(p.id(), update);
  for (auto* m : monitors_) m->routes_received(p, update);
  schedule_flush();
  return received;
}

size_t RibDriver::peer_sweep_stale(Peer& p, std::optional<wire::Family> family) {
  const LoopActivity::Working working(activity_);
  const size_t swept = rib_.sweep_stale(p.id(), family);
  schedule_flush();
  return swept;
}

size_t RibDriver::peer_keep_long_lived(Peer& p, wire::Family family) {
  const LoopActivity::Working working(activity_);
  const size_t kept = rib_.keep_long_lived(p.id(), family);
  schedule_flush();
  return kept;
}

size_t RibDriver::peer_stale(const Peer& p) const {
  return rib_.stale(p.id());
}

size_t RibDriver::peer_evpn_routes(const Peer& p) const {
  return rib_.evpn().held(p.id());
}

size_t RibDriver::peer_received(const Peer& p) const {
  const rib::AdjRibIn* in = rib_.adj_rib_in(p.id());
  return in ? in->received() : 0;
}

}  // namespace closbgp::session
