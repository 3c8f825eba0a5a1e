#include "bgpd/session/peer.h"

#include <functional>

#include "bgpd/discovery/interfaces.h"
#include "bgpd/session/address.h"
#include "bgpd/session/session_log.h"

namespace closbgp::session {
namespace {

constexpr uint16_t kBgpPort = 179;

// An unnumbered next hop is our link-local address, sent in both halves of
// the 32-octet form as FRR does; a numbered one is just the address.
wire::MpNextHop ipv6_next_hop(const wire::IpAddress& local) {
  if (local.is_link_local()) return {local, local};
  return {local, std::nullopt};
}

}  // namespace

Peer::Peer(TimeSource& time, Transports& transports, uint32_t id, PeerIdentity identity,
           LocalConfig local, PeerEvents& events, bfd::BfdClient& bfd,
           std::optional<bfd::Params> bfd_params, bool bfd_strict)
    : time_(time),
      transports_(transports),
      peer_id_(id),
      id_(std::move(identity)),
      local_(std::move(local)),
      events_(events),
      out_(time, true),
      in_(time, false),
      max_prefix_(time, id_.name),
      restart_(
          time, id_.name,
          [this](std::optional<wire::Family> f) { return events_.peer_sweep_stale(*this, f); },
          [this] { return events_.peer_stale(*this); }),
      state_since_(time.now()),
      bfd_(bfd, bfd_params, bfd_strict,
           [this](bfd::State before, const bfd::StateEvent& ev) { on_bfd(before, ev); }) {
  const uint64_t seed = std::hash<std::string>{}(id_.name) ^ local_.router_id;
  out_.fsm.local = local_;
  out_.fsm.rng = seed | 1;
  in_.fsm.local = local_;
  in_.fsm.local.passive = true;
}

Peer::~Peer() {
  for (Slot* s : {&out_, &in_})
    if (s->conn) s->conn->close_now();
}

void Peer::set_address(const asio::ip::address& addr) {
  if (address_ == addr) return;
  session_logger()->info("{}: peer address {}{}", id_.name, address_text(addr),
                         address_ ? " (was " + address_text(*address_) + ")" : "");
  address_ = addr;
  update_bfd();
  if (!enabled_ || local_.passive) return;
  // A session already coming up on the old address is left alone; if the
  // peer really moved, it fails and the restart uses the new address.
  for (const Slot* s : {&out_, &in_})
    if (s->fsm.state == State::OpenConfirm || s->fsm.state == State::Established) return;
  if (out_.fsm.state != State::Idle) handle(out_, event::Stop{});
  if (bfd_.allows()) connect_soon(std::chrono::milliseconds(500));
}

// Both ends of a link learn each other's address at the same moment (an RA
// answers a solicitation), and connecting at once opens two connections
// that collide; each side then resolves a collision with what it knows at
// that moment, and both may lose. A random delay lets one connection arrive
// first: the other end then has no reason to connect (see on_timer).
void Peer::connect_soon(std::chrono::milliseconds within) {
  const auto jitter = std::chrono::milliseconds(next_random(out_.fsm.rng) % within.count());
  out_.fsm.connect_retry_at = time_.now() + jitter;
  arm_timer(out_);
}

void Peer::start() {
  if (enabled_) return;
  enabled_ = true;
  max_prefix_.release();
  session_logger()->info("{}: neighbour enabled{}", id_.name,
                         address_ ? "" : "; waiting to learn its address");
  update_bfd();
  if (address_ && !local_.passive && bfd_.allows()) connect_soon(std::chrono::milliseconds(500));
}

void Peer::stop(uint8_t cease_subcode, const std::string& message, bool planned,
                std::vector<uint8_t> data) {
  // Whoever stops it now decides when it starts again, not max-prefix.
  max_prefix_.release();
  if (!enabled_) return;
  enabled_ = false;
  update_bfd();
  for (Slot* s : {&out_, &in_}) {
    const bool hard =
        !planned && s->fsm.state >= State::OpenConfirm && s->fsm.negotiated.gr_notification;
    handle(*s, event::Stop{cease_subcode, message, hard, data});
  }
  if (!planned && restart_.has_stale()) restart_.drop(std::nullopt, "the neighbour was stopped");
}

void Peer::update_bfd() {
  bfd_.follow(enabled_, address_, id_.ifindex);
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
  if (bfd_.strict() && !was_up && ev.state == bfd::State::Up && enabled_ && address_ &&
      !local_.passive && out_.fsm.state == State::Idle) {
    session_logger()->info("{}: BFD up: starting the BGP session (strict BFD)", id_.name);
    handle(out_, event::Start{});
  }
  if (!was_up || ev.state != bfd::State::Down || ev.peer_admin_down) return;
  const std::string why(bfd::diag_name(ev.diag));
  session_logger()->warn("{}: BFD down ({}): taking the BGP session down", id_.name, why);
  for (Slot* s : {&out_, &in_})
    if (s->fsm.state == State::Established) handle(*s, event::BfdDown{why});
}

void Peer::accept(std::shared_ptr<Transport> transport) {
  const std::string from = endpoint_text(transport->remote_endpoint());
  if (!enabled_ || established() || !bfd_.allows()) {
    // RFC 4271 sec. 6.8: an established session wins over a new connection.
    session_logger()->info("{}: refusing connection from {}: {}", id_.name, from,
                           !enabled_        ? "neighbour is disabled"
                           : !bfd_.allows() ? "strict BFD is not Up"
                                            : "a session is already established");
    auto bytes = wire::encode(wire::NotificationMessage{wire::ErrorCode::Cease,
                                                        enabled_ ? wire::cease::kCollisionResolution
                                                                 : wire::cease::kConnectionRejected,
                                                        {}},
                              wire::EncodeContext{});
    transport->send(std::move(*bytes), 1, true);
    transport->close_after_flush();
    return;
  }
  if (in_.conn) {
    session_logger()->info("{}: new connection from {} replaces the previous inbound one", id_.name,
                           from);
    in_.conn->close_now();
    in_.conn.reset();
  }
  in_.fsm = Session{};
  in_.fsm.local = local_;
  in_.fsm.local.passive = true;
  in_.conn = take(in_, std::move(transport));
  handle(in_, event::Start{});
  handle(in_, event::TcpAccepted{});
  if (in_.conn) in_.conn->start_reading();
}

bool Peer::established() const {
  return out_.fsm.state == State::Established || in_.fsm.state == State::Established;
}

std::shared_ptr<Transport> Peer::take(Slot& slot, std::shared_ptr<Transport> conn) {
  Transport::Handlers h;
  h.message = [this, &slot](wire::Message&& m) { on_message(slot, std::move(m)); };
  h.bad_message = [this, &slot](wire::DecodeError&& e) {
    session_logger()->warn("{}: malformed message from the peer: {}", id_.name, e.reason);
    handle(slot, event::BadMessage{std::move(e)});
  };
  h.closed = [this, &slot](const std::string& why) { handle(slot, event::TcpFailed{why}); };
  h.connected = [this, &slot] {
    handle(slot, event::TcpConnected{});
    if (slot.conn) slot.conn->start_reading();
  };
  conn->set_handlers(std::move(h));
  if (reading_paused_) conn->pause_reading();
  return conn;
}

void Peer::handle(Slot& slot, const Event& e) {
  const State before = slot.fsm.state;
  if (before == State::Established)
    down_planned_ = RestartHelper::announced(e, slot.fsm.negotiated);
  auto actions = step(slot.fsm, e, time_.now());
  for (auto& a : actions) execute(slot, a);
  const State after = slot.fsm.state;
  if (after != before) {
    state_since_ = time_.now();
    // A connection we close ourselves (collision, operator stop) is not a failure.
    const bool failed = after == State::Idle && !slot.fsm.last_error.empty() &&
                        !std::holds_alternative<event::Stop>(e);
    if (failed) last_error_ = slot.fsm.last_error;
    // Retrying a connection to a peer that is down is routine: debug only.
    const bool retrying = after <= State::Active && before <= State::Active;
    session_logger()->log(
        failed     ? spdlog::level::warn
        : retrying ? spdlog::level::debug
                   : spdlog::level::info,
        "{} ({}): {} -> {}{}", id_.name, describe(slot), state_name(before), state_name(after),
        after == State::Idle && !slot.fsm.last_error.empty() ? ": " + slot.fsm.last_error : "");
    if (after == State::OpenConfirm) {
      if (slot.conn) slot.conn->set_decode_context(decode_context(slot));
      resolve_collision(slot);
    } else if (after == State::OpenSent && other(slot).fsm.state == State::OpenConfirm) {
      // The rival's OPEN told us the peer's identifier, so resolve now (RFC
      // 4271 sec. 6.8 allows it in OpenSent): left alone, the rival turns
      // Established and closes this one while the peer, deciding by the
      // identifiers, keeps this one and closes the rival: both lost.
      resolve_collision(other(slot));
    }
    if (!slot.outgoing && after == State::Idle) slot.fsm.connect_retry_at.reset();
  }
  // While a session is up, the other connection does not retry (each
  // attempt would be refused as a collision); when it goes down, retry.
  if (established()) {
    for (Slot* s : {&out_, &in_})
      if (s->fsm.state == State::Idle && s->fsm.connect_retry_at) {
        s->fsm.connect_retry_at.reset();
        if (s != &slot) arm_timer(*s);
      }
  }
  // Whatever happened to the inbound connection, keep trying outbound; soon
  // if the peer closed it to resolve a collision it saw differently (both
  // connections lost: nothing failed, so waiting connect-retry helps nobody).
  const auto* n = std::get_if<event::NotificationReceived>(&e);
  const bool lost_collision = n && n->notification.code == wire::ErrorCode::Cease &&
                              n->notification.subcode == wire::cease::kCollisionResolution;
  if (enabled_ && address_ && !local_.passive && bfd_.allows() && out_.fsm.state == State::Idle &&
      in_.fsm.state == State::Idle && (lost_collision || !out_.fsm.connect_retry_at)) {
    if (lost_collision)
      connect_soon(std::chrono::milliseconds(1000));
    else
      out_.fsm.connect_retry_at = time_.now() + std::chrono::seconds(local_.connect_retry);
  }
  arm_timer(slot);
  if (&slot != &out_) arm_timer(out_);
}

void Peer::execute(Slot& slot, Action& a) {
  if (std::holds_alternative<action::Connect>(a)) {
    if (!address_) return;  // nothing to connect to yet: connect-retry tries again
    slot.conn = take(slot, transports_.outbound(id_.security));
    slot.conn->connect(asio::ip::tcp::endpoint(*address_, kBgpPort));
  } else if (std::holds_alternative<action::Disconnect>(a)) {
    if (!slot.conn) return;
    messages_received_ += slot.conn->messages_received();
    messages_sent_ += slot.conn->messages_sent();
    slot.conn->close_after_flush();
    slot.conn.reset();
  } else if (auto* send = std::get_if<action::Send>(&a)) {
    if (!slot.conn) return;
    const auto ctx = slot.fsm.state >= State::OpenConfirm ? slot.fsm.negotiated.encode_context()
                                                          : wire::EncodeContext{};
    auto bytes = wire::encode(send->message, ctx);
    if (!bytes)
      return session_logger()->error("{}: cannot encode a message: {}", id_.name, bytes.error());
    const bool urgent = !std::holds_alternative<wire::UpdateMessage>(send->message);
    slot.conn->send(std::move(*bytes), 1, urgent);
  } else if (std::holds_alternative<action::Established>(a)) {
    on_established(slot);
  } else if (auto* down = std::get_if<action::Down>(&a)) {
    on_down(slot, down->reason);
  }
}

void Peer::arm_timer(Slot& slot) {
  slot.timer->cancel();
  std::optional<Clock::time_point> next;
  for (const auto& d : {slot.fsm.connect_retry_at, slot.fsm.hold_at, slot.fsm.keepalive_at})
    if (d && (!next || *d < *next)) next = d;
  if (next) slot.timer->arm(*next, [this, &slot] { on_timer(slot); });
}

void Peer::on_timer(Slot& slot) {
  const auto now = time_.now();
  const auto& f = slot.fsm;
  if (f.hold_at && *f.hold_at <= now)
    handle(slot, event::HoldExpired{});
  else if (f.keepalive_at && *f.keepalive_at <= now)
    handle(slot, event::KeepaliveDue{});
  else if (f.connect_retry_at && *f.connect_retry_at <= now && &slot == &out_ &&
           in_.fsm.state != State::Idle && in_.fsm.state != State::Active) {
    // The peer's connection is already coming up: do not open a rival. If
    // it fails, handle() schedules the next attempt.
    slot.fsm.connect_retry_at.reset();
  } else if (f.connect_retry_at && *f.connect_retry_at <= now)
    handle(slot, event::ConnectRetryExpired{});
  else
    arm_timer(slot);
}

// RFC 4271 sec. 6.8: of two connections that both reached OPEN, keep the one
// opened by the speaker with the higher BGP identifier.
void Peer::resolve_collision(Slot& opened) {
  Slot& rival = other(opened);
  if (rival.fsm.state == State::Established) {
    handle(opened, event::Stop{wire::cease::kCollisionResolution, ""});
    return;
  }
  if (rival.fsm.state != State::OpenSent && rival.fsm.state != State::OpenConfirm) return;
  const bool keep_incoming = local_.router_id < opened.fsm.negotiated.peer_router_id;
  session_logger()->info("{}: connection collision: keeping the {} connection", id_.name,
                         keep_incoming ? "inbound" : "outbound");
  handle(keep_incoming ? out_ : in_, event::Stop{wire::cease::kCollisionResolution, ""});
}

void Peer::on_established(Slot& slot) {
  established_at_ = time_.now();
  last_error_.clear();
  const auto& n = slot.fsm.negotiated;
  std::string families;
  for (auto f : wire::kAllFamilies)
    if (n.families.has(f))
      families += std::string(families.empty() ? "" : ", ") + std::string(wire::family_name(f));
  session_logger()->info("{}: session established with AS {} ({}{}), hold time {} s, {}{}",
                         id_.name, n.peer_as, wire::IpAddress::v4(n.peer_router_id).to_string(),
                         n.peer_hostname.empty() ? "" : ", " + n.peer_hostname, n.hold_time,
                         families, n.ipv4_via_ipv6 ? ", IPv4 via IPv6 next hops" : "");
  Slot& rival = other(slot);
  if (rival.fsm.state != State::Idle)
    handle(rival, event::Stop{wire::cease::kCollisionResolution, ""});
  end_of_rib_ = {};
  filter_logged_.reset();
  max_prefix_.new_session();
  if (restart_.has_stale()) restart_.back(n, local_.gr_stale_time);
  // A numbered neighbour's link: where our end of the session lives, so that
  // its paths can be installed via it (unnumbered ones know theirs).
  link_ifindex_ = id_.ifindex;
  if (!link_ifindex_ && slot.conn) {
    const wire::IpAddress local = to_wire(slot.conn->local_endpoint().address());
    link_ifindex_ = discovery::interface_with_address(local.bytes(), local.is_v4());
  }
  events_.peer_established(*this);
}

void Peer::on_down(Slot& slot, const std::string& reason) {
  const auto up_for =
      established_at_
          ? std::chrono::duration_cast<std::chrono::seconds>(time_.now() - *established_at_)
          : std::chrono::seconds(0);
  established_at_.reset();
  last_error_ = reason;
  last_reset_ = std::chrono::system_clock::now();
  if (down_planned_) {
    session_logger()->warn("{}: session down: {}; a planned restart", id_.name, reason);
    restart_.restarting(events_.peer_restarting(*this), slot.fsm.negotiated);
    return;
  }
  restart_.cancel();
  const size_t withdrawn = events_.peer_down(*this);
  session_logger()->warn("{}: session down after {} s: {}; {} received prefixes withdrawn",
                         id_.name, up_for.count(), reason, withdrawn);
}

const Peer::Slot* Peer::established_slot() const {
  for (const Slot* s : {&out_, &in_})
    if (s->fsm.state == State::Established && s->conn) return s;
  return nullptr;
}

const Negotiated* Peer::negotiated() const {
  const Slot* s = established_slot();
  return s ? &s->fsm.negotiated : nullptr;
}

std::optional<wire::MpNextHop> Peer::next_hop_self(wire::Family family) const {
  const Slot* s = established_slot();
  if (!s) return std::nullopt;
  const wire::IpAddress local = to_wire(s->conn->local_endpoint().address());
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
  auto data = max_prefix_.check(policy_.max_prefix, received, family);
  if (!data) return true;
  stop(wire::cease::kMaxPrefixes, "", false, std::move(*data));
  max_prefix_.hold(policy_.max_prefix, [this] { start(); });
  return false;
}

bool Peer::restarting_gracefully() const {
  const Negotiated* n = negotiated();
  return n && n->graceful_restart && n->we_restarted;
}

bool Peer::initial_table_done() const {
  const Negotiated* n = negotiated();
  if (!n || !established_at_) return false;
  bool all = true;
  for (auto f : wire::kAllFamilies)
    if (n->families.has(f) && !end_of_rib_.has(f)) all = false;
  const auto quiet_since = std::max(*established_at_, last_update_);
  return all || time_.now() - quiet_since >= std::chrono::seconds(1);
}

policy::Neighbor Peer::policy_neighbor() const {
  policy::Neighbor n;
  n.interface = id_.interface;
  if (address_) n.address = to_wire(*address_);
  return n;
}

void Peer::pause_reading(bool paused) {
  reading_paused_ = paused;
  for (Slot* s : {&out_, &in_}) {
    if (!s->conn) continue;
    if (paused)
      s->conn->pause_reading();
    else
      s->conn->resume_reading();
  }
}

void Peer::send(std::vector<uint8_t> bytes, size_t messages) {
  const Slot* s = established_slot();
  if (s && !bytes.empty()) s->conn->send(std::move(bytes), messages, false);
}

void Peer::on_message(Slot& slot, wire::Message&& m) {
  if (auto* o = std::get_if<wire::OpenMessage>(&m)) return handle(slot, event::OpenReceived{*o});
  if (std::holds_alternative<wire::KeepaliveMessage>(m))
    return handle(slot, event::KeepaliveReceived{});
  if (auto* n = std::get_if<wire::NotificationMessage>(&m))
    return handle(slot, event::NotificationReceived{std::move(*n)});
  if (auto* r = std::get_if<wire::RouteRefreshMessage>(&m)) {
    handle(slot, event::RouteRefreshReceived{});
    if (slot.fsm.state == State::Established && r->subtype == wire::RefreshSubtype::Normal) {
      events_.peer_refresh_requested(*this);
    }
    return;
  }
  auto& u = std::get<wire::UpdateMessage>(m);
  handle(slot, event::UpdateReceived{});
  if (slot.fsm.state != State::Established) return;
  if (u.action != wire::AttrAction::None) log_attribute_errors(u);
  last_update_ = time_.now();
  if (auto eor = u.end_of_rib()) {
    end_of_rib_.add(*eor);
    // The peer's initial table for the family is complete (RFC 4724).
    session_logger()->info("{}: End-of-RIB for {} after {} prefixes", id_.name,
                           wire::family_name(*eor), events_.peer_received(*this));
    if (restart_.has_stale()) restart_.drop(*eor, "End-of-RIB");
    return;
  }
  const bool had_stale = restart_.has_stale();
  const size_t received = events_.peer_update(*this, u);
  if (!within_max_prefix(u.mp_reach ? u.mp_reach->family : wire::Family::Ipv4Unicast, received))
    return;
  restart_.updated(had_stale);
}

// An error of the peer is worth a warning each time; what the operator's
// filter does is expected, and said once per attribute and session.
void Peer::log_attribute_errors(const wire::UpdateMessage& u) {
  bool by_peer = false, by_filter = false;
  for (const auto& err : u.errors) {
    (err.configured ? by_filter : by_peer) = true;
    if (!err.configured) {
      session_logger()->warn("{}: UPDATE attribute {}: {} ({})", id_.name, err.attr_type,
                             err.reason, wire::action_name(err.action));
    } else if (!filter_logged_.test(err.attr_type)) {
      filter_logged_.set(err.attr_type);
      session_logger()->info("{}: UPDATE {}; counted, not logged again this session", id_.name,
                             err.reason);
    }
  }
  rfc7606_events_ += by_peer;
  updates_filtered_ += by_filter;
}

wire::DecodeContext Peer::decode_context(const Slot& slot) const {
  wire::DecodeContext ctx = slot.fsm.negotiated.decode_context();
  for (uint8_t code : policy_.path_attribute.discard) ctx.discard.set(code);
  for (uint8_t code : policy_.path_attribute.treat_as_withdraw) ctx.treat_as_withdraw.set(code);
  return ctx;
}

void Peer::set_policy(PeerPolicy p) {
  const bool filter_changed = p.path_attribute != policy_.path_attribute;
  policy_ = std::move(p);
  if (filter_changed) {
    for (Slot* s : {&out_, &in_})
      if (s->conn && s->fsm.state >= State::OpenConfirm)
        s->conn->set_decode_context(decode_context(*s));
    // Paths already received keep what the new filter would remove.
    request_refresh("the path-attribute filter changed");
  }
  if (const Negotiated* n = negotiated())  // a lower limit applies at once
    within_max_prefix(n->families.has(wire::Family::Ipv4Unicast) ? wire::Family::Ipv4Unicast
                                                                 : wire::Family::Ipv6Unicast,
                      events_.peer_received(*this));
}

void Peer::request_refresh(const std::string& why) {
  for (Slot* s : {&out_, &in_}) {
    if (s->fsm.state != State::Established || !s->conn) continue;
    const Negotiated& n = s->fsm.negotiated;
    if (!n.route_refresh) {
      session_logger()->warn(
          "{}: {}, but it does not support route refresh: `closctl neighbor reset {}` makes it "
          "send its routes again",
          id_.name, why, id_.name);
      return;
    }
    session_logger()->info("{}: {}: asking it to send its routes again (ROUTE-REFRESH)", id_.name,
                           why);
    for (auto f : wire::kAllFamilies) {
      if (!n.families.has(f)) continue;
      Action send = action::Send{
          wire::RouteRefreshMessage{uint16_t(wire::afi_of(f)), uint8_t(wire::Safi::Unicast), {}}};
      execute(*s, send);
    }
  }
}

std::string Peer::describe(const Slot& s) const {
  std::string d = s.outgoing ? "outbound" : "inbound";
  if (s.conn && s.conn->remote_endpoint().port() != 0)
    d += " " + endpoint_text(s.conn->remote_endpoint());
  return d;
}

PeerStatus Peer::status() const {
  const Slot& best = in_.fsm.state > out_.fsm.state ? in_ : out_;
  PeerStatus v;
  v.state = best.fsm.state;
  if (best.fsm.state >= State::OpenConfirm) v.negotiated = best.fsm.negotiated;
  if (address_) v.address = address_text(*address_);
  v.uptime = std::chrono::duration_cast<std::chrono::seconds>(
      time_.now() - established_at_.value_or(state_since_));
  v.messages_received = messages_received_;
  v.messages_sent = messages_sent_;
  for (const Slot* s : {&out_, &in_}) {
    if (!s->conn) continue;
    v.messages_received += s->conn->messages_received();
    v.messages_sent += s->conn->messages_sent();
  }
  v.rfc7606_events = rfc7606_events_;
  v.updates_filtered = updates_filtered_;
  v.max_prefix_exceeded = max_prefix_.held();
  v.last_error = last_error_;
  v.last_reset = last_reset_;
  v.bfd_state = bfd_.state_name();
  v.bfd = bfd_.view();
  return v;
}

}  // namespace closbgp::session
