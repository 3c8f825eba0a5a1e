#include "bgpd/session/peer.h"

#include <functional>

#include "bgpd/discovery/interfaces.h"
#include "bgpd/session/address.h"
#include "bgpd/session/session_log.h"

namespace closbgp::session {
namespace {

// An unnumbered next hop is our link-local address, sent in both halves of
// the 32-octet form as FRR does; a numbered one is just the address.
wire::MpNextHop ipv6_next_hop(const wire::IpAddress& local) {
  if (local.is_link_local()) return {local, local};
  return {local, std::nullopt};
}

}  // namespace

Peer::Peer(net::TimeSource& time, Transports& transports, uint32_t id, PeerIdentity identity,
           LocalConfig local, PeerEvents& events, bfd::BfdClient& bfd,
           std::optional<bfd::Params> bfd_params, bool bfd_strict)
    : time_(time),
      peer_id_(id),
      id_(std::move(identity)),
      local_(std::move(local)),
      events_(events),
      intake_(time, id_.name),
      max_prefix_(time, id_.name),
      restart_(
          time, id_.name,
          [this](std::optional<wire::Family> f) { return events_.peer_sweep_stale(*this, f); },
          [this] { return events_.peer_stale(*this); },
          [this](wire::Family f) { return events_.peer_keep_long_lived(*this, f); }),
      down_since_(time.now()),
      sessions_(time, transports, id_.name, id_.socket, local_, *this),
      bfd_(bfd, bfd_params, bfd_strict,
           [this](bfd::State before, const bfd::StateEvent& ev) { on_bfd(before, ev); }) {}

Peer::~Peer() = default;

void Peer::set_address(const asio::ip::address& addr) {
  if (address_ == addr) return;
  neighbor_log(spdlog::level::info, id_.name, "peer address {}{}", address_text(addr),
               address_ ? " (was " + address_text(*address_) + ")" : "");
  address_ = addr;
  update_bfd();
  if (enabled_ && !local_.passive) sessions_.address_changed();
}

bool Peer::may_connect() const {
  return enabled_ && address_ && !local_.passive && bfd_.allows();
}

void Peer::start() {
  if (enabled_) return;
  enabled_ = true;
  max_prefix_.release();
  neighbor_log(spdlog::level::info, id_.name, "neighbour enabled{}",
               address_ ? "" : "; waiting to learn its address");
  update_bfd();
  if (may_connect()) sessions_.connect_soon(std::chrono::milliseconds(500));
}

void Peer::stop(uint8_t cease_subcode, const std::string& message, bool planned,
                std::vector<uint8_t> data) {
  // Whoever stops it now decides when it starts again, not max-prefix.
  max_prefix_.release();
  if (!enabled_) return;
  enabled_ = false;
  update_bfd();
  sessions_.stop(cease_subcode, message, planned, data);
  if (!planned && restart_.has_stale()) restart_.drop(std::nullopt, "the neighbour was stopped");
}

void Peer::update_bfd() {
  bfd_.follow(enabled_, address_, id_.ifindex, bfd_multihop_);
}

void Peer::set_bfd_multihop(const std::optional<bfd::Multihop>& multihop) {
  bfd_multihop_ = multihop;
  update_bfd();
}

// Only a real failure of an Up session acts: a peer without BFD, or one that
// signals AdminDown (graceful restart, maintenance), keeps its BGP session.
// It acts on the Established session only: a connection still opening is
// most often the neighbour's next incarnation (a restarted daemon's BFD
// says Down before it says Up), and if the path is dead it fails anyway.
void Peer::on_bfd(bfd::State before, const bfd::StateEvent& ev) {
  const bool was_up = before == bfd::State::Up;
  if (ev.state != before)
    events_.peer_bfd_changed(*this, bfd_.state_name(), std::string(bfd::diag_name(ev.diag)));
  if (bfd_.strict() && !was_up && ev.state == bfd::State::Up && may_connect() &&
      sessions_.start_outbound())
    neighbor_log(spdlog::level::info, id_.name, "BFD up: started the BGP session (strict BFD)");
  if (!was_up || ev.state != bfd::State::Down || ev.peer_admin_down) return;
  restart_.forwarding_failed();
  if (!negotiated()) return;
  const std::string why(bfd::diag_name(ev.diag));
  neighbor_log(spdlog::level::warn, id_.name, "BFD down ({}): taking the BGP session down", why);
  sessions_.bfd_down(why);
}

void Peer::accept(std::shared_ptr<Transport> transport) {
  if (!enabled_ || negotiated() || !bfd_.allows()) {
    // RFC 4271 sec. 6.8: an established session wins over a new connection.
    neighbor_log(spdlog::level::info, id_.name, "refusing connection from {}: {}",
                 endpoint_text(transport->remote_endpoint()),
                 !enabled_        ? "neighbour is disabled"
                 : !bfd_.allows() ? "strict BFD is not Up"
                                  : "a session is already established");
    return SessionPair::refuse(*transport, enabled_ ? wire::cease::kCollisionResolution
                                                    : wire::cease::kConnectionRejected);
  }
  sessions_.accept(std::move(transport));
}

void Peer::session_established(SessionSlot& slot) {
  established_at_ = time_.now();
  ++transitions_;
  const auto& n = slot.fsm.negotiated;
  std::string families;
  for (auto f : wire::kAllFamilies)
    if (n.families.has(f))
      families += std::string(families.empty() ? "" : ", ") + std::string(wire::family_name(f));
  neighbor_log(spdlog::level::info, id_.name,
               "session established with AS {} ({}{}), hold time {} s, {}{}", n.peer_as,
               wire::IpAddress::v4(n.peer_router_id).to_string(),
               n.peer_hostname.empty() ? "" : ", " + n.peer_hostname, n.hold_time, families,
               n.ipv4_via_ipv6 ? ", IPv4 via IPv6 next hops" : "");
  intake_.new_session(*established_at_);
  max_prefix_.new_session();
  if (restart_.has_stale()) restart_.back(n, local_.gr_stale_time);
  // A numbered neighbour's link: where our end of the session lives, so
  // that its paths can be installed via it (unnumbered ones know theirs).
  // None between loopbacks: their next hops need recursive resolution.
  link_ifindex_ = id_.ifindex;
  if (!link_ifindex_ && slot.connected()) {
    const wire::IpAddress local = to_wire(slot.local_endpoint().address());
    link_ifindex_ = discovery::link_of(local.bytes(), local.is_v4());
  }
  events_.peer_established(*this);
}

void Peer::session_down(SessionSlot& slot, const std::string& reason, RestartHelper::Kept kept) {
  const auto up_for =
      established_at_
          ? std::chrono::duration_cast<std::chrono::seconds>(time_.now() - *established_at_)
          : std::chrono::seconds(0);
  if (established_at_) ++transitions_;
  established_at_.reset();
  down_since_ = time_.now();
  last_reset_ = std::chrono::system_clock::now();
  if (kept != RestartHelper::Kept::No) {
    neighbor_log(spdlog::level::warn, id_.name, "session down: {}; {}", reason,
                 kept == RestartHelper::Kept::Announced
                     ? "a planned restart"
                     : "its paths kept while it restarts (graceful restart helper: always)");
    events_.peer_restarting(*this);
    restart_.restarting(slot.fsm.negotiated, kept);
    return;
  }
  restart_.cancel();
  const size_t withdrawn = events_.peer_down(*this);
  neighbor_log(spdlog::level::warn, id_.name,
               "session down after {} s: {}; {} received prefixes withdrawn", up_for.count(),
               reason, withdrawn);
}

const Negotiated* Peer::negotiated() const {
  const SessionSlot* s = sessions_.established();
  return s ? &s->fsm.negotiated : nullptr;
}

std::optional<wire::MpNextHop> Peer::next_hop_self(wire::Family family) const {
  const SessionSlot* s = sessions_.established();
  if (!s) return std::nullopt;
  const wire::IpAddress local = to_wire(s->local_endpoint().address());
  if (family == wire::Family::Ipv6Unicast)
    return local.is_v6() ? std::optional(ipv6_next_hop(local)) : std::nullopt;
  if (local.is_v4()) return wire::MpNextHop{local, std::nullopt};
  if (s->fsm.negotiated.ipv4_via_ipv6) return ipv6_next_hop(local);
  return std::nullopt;
}

rib::PathSource Peer::source() const {
  rib::PathSource src;
  src.peer_id = peer_id_;
  if (const Negotiated* n = negotiated()) {
    src.ebgp = n->ebgp;
    src.peer_as = n->peer_as;
    src.peer_router_id = n->peer_router_id;
  }
  if (address_) src.peer_address = to_wire(*address_);
  src.ifindex = link_ifindex_;
  return src;
}

// max-prefix: false when the limit closed the session.
bool Peer::within_max_prefix(wire::Family family, size_t received) {
  const auto& limit =
      family == wire::Family::L2vpnEvpn ? policy_.evpn_max_prefix : policy_.max_prefix;
  auto data = max_prefix_.check(limit, received, family);
  if (!data) return true;
  stop(wire::cease::kMaxPrefixes, "", false, std::move(*data));
  max_prefix_.hold(limit, [this] { start(); });
  return false;
}

bool Peer::restarting_gracefully() const {
  const Negotiated* n = negotiated();
  return n && n->graceful_restart && n->we_restarted;
}

bool Peer::initial_table_done() const {
  const Negotiated* n = negotiated();
  return n && established_at_ && intake_.initial_table_done(*n);
}

policy::Neighbor Peer::policy_neighbor() const {
  policy::Neighbor n;
  n.interface = id_.interface;
  if (address_) n.address = to_wire(*address_);
  return n;
}

void Peer::pause_reading(bool paused) {
  sessions_.pause_reading(paused);
}

void Peer::send(std::vector<uint8_t> bytes, size_t messages) {
  sessions_.send(std::move(bytes), messages);
}

void Peer::update_received(wire::UpdateMessage& u) {
  if (auto eor = intake_.received(u)) {
    // The peer's initial table for the family is complete (RFC 4724).
    if (*eor == wire::Family::L2vpnEvpn)  // the prefix count is unicast's
      neighbor_log(spdlog::level::info, id_.name, "End-of-RIB for l2vpn-evpn");
    else
      neighbor_log(spdlog::level::info, id_.name, "End-of-RIB for {} after {} prefixes",
                   wire::family_name(*eor), events_.peer_received(*this));
    if (restart_.has_stale()) restart_.drop(*eor, "End-of-RIB");
    return;
  }
  const bool had_stale = restart_.has_stale();
  const size_t received = events_.peer_update(*this, u);
  // Unicast prefixes and EVPN routes have limits of their own.
  const wire::Family family = u.mp_reach ? u.mp_reach->family : wire::Family::Ipv4Unicast;
  if (!within_max_prefix(
          family, family == wire::Family::L2vpnEvpn ? events_.peer_evpn_routes(*this) : received))
    return;
  restart_.updated(had_stale);
}

wire::DecodeContext Peer::decode_context(const Negotiated& n) const {
  wire::DecodeContext ctx = n.decode_context();
  for (uint8_t code : policy_.path_attribute.discard) ctx.discard.set(code);
  for (uint8_t code : policy_.path_attribute.treat_as_withdraw) ctx.treat_as_withdraw.set(code);
  return ctx;
}

void Peer::set_policy(PeerPolicy p) {
  const bool filter_changed = p.path_attribute != policy_.path_attribute;
  // The engine keeps EVPN routes only as accepted: what decides that anew
  // (the EVPN route-map-in, loop detection's allowas-in) needs them again.
  const Negotiated* n = negotiated();
  const bool evpn = n && n->families.has(wire::Family::L2vpnEvpn);
  const char* evpn_changed = !evpn ? nullptr
                             : p.routing.evpn_in != policy_.routing.evpn_in
                                 ? "its EVPN route-map-in changed"
                             : p.routing.allowas_in != policy_.routing.allowas_in
                                 ? "its allowas-in changed (EVPN routes are kept only as accepted)"
                                 : nullptr;
  policy_ = std::move(p);
  if (filter_changed) {
    sessions_.decode_context_changed();
    // Paths already received keep what the new filter would remove.
    request_refresh("the path-attribute filter changed");
  } else if (evpn_changed) {
    request_refresh(evpn_changed);
  }
  if (!n) return;  // a lower limit applies at once
  if (within_max_prefix(n->families.has(wire::Family::Ipv4Unicast) ? wire::Family::Ipv4Unicast
                                                                   : wire::Family::Ipv6Unicast,
                        events_.peer_received(*this)) &&
      n->families.has(wire::Family::L2vpnEvpn))
    within_max_prefix(wire::Family::L2vpnEvpn, events_.peer_evpn_routes(*this));
}

void Peer::request_refresh(const std::string& why) {
  if (!negotiated()) return;
  if (!sessions_.request_refresh()) {
    session_logger()->warn(
        "{}: {}, but it does not support route refresh: `closctl neighbor reset {}` makes it "
        "send its routes again",
        id_.name, why, id_.name);
    return;
  }
  neighbor_log(spdlog::level::info, id_.name,
               "{}: asking it to send its routes again (ROUTE-REFRESH)", why);
}

PeerStatus Peer::status() const {
  const SessionSlot& leading = sessions_.leading();
  PeerStatus v;
  v.state = leading.fsm.state;
  if (leading.fsm.state >= State::OpenConfirm) v.negotiated = leading.fsm.negotiated;
  if (address_) v.address = address_text(*address_);
  if (const SessionSlot* s = sessions_.established())
    v.local_address = address_text(s->local_endpoint().address());
  v.uptime = std::chrono::duration_cast<std::chrono::seconds>(
      time_.now() - established_at_.value_or(sessions_.state_since()));
  v.messages_received = sessions_.messages_received();
  v.messages_sent = sessions_.messages_sent();
  v.rfc7606_events = intake_.rfc7606_events();
  v.treat_as_withdraw = intake_.treat_as_withdraw();
  v.updates_filtered = intake_.updates_filtered();
  v.transitions = transitions_;
  v.max_prefix_exceeded = max_prefix_.held();
  v.last_error = sessions_.last_error();
  v.last_reset = last_reset_;
  v.bfd_state = bfd_.state_name();
  v.bfd_multihop = bfd_.multihop();
  v.bfd = bfd_.view();
  return v;
}

}  // namespace closbgp::session
