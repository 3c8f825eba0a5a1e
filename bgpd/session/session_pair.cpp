#include "bgpd/session/session_pair.h"

#include "bgpd/session/address.h"
#include "bgpd/session/restart_helper.h"
#include "bgpd/session/session_log.h"
#include "bgpd/wire/evpn.h"

namespace closbgp::session {

SessionPair::SessionPair(net::TimeSource& time, Transports& transports, std::string name,
                         SocketSettings settings, const LocalConfig& local, Owner& owner)
    : time_(time),
      transports_(transports),
      name_(std::move(name)),
      settings_(std::move(settings)),
      local_(local),
      owner_(owner),
      out_(time, name_, true),
      in_(time, name_, false),
      state_since_(time.now()) {
  const uint64_t seed = std::hash<std::string>{}(name_) ^ local_.router_id;
  out_.fsm.local = local_;
  out_.fsm.rng = seed | 1;
  reset_inbound();
}

// The inbound connection's FSM, new: our settings, but passive (the peer
// opened it).
void SessionPair::reset_inbound() {
  in_.fsm = Session{};
  in_.fsm.local = local_;
  in_.fsm.local.passive = true;
}

// Both ends of a link learn each other's address at the same moment (an RA
// answers a solicitation), and connecting at once opens two connections
// that collide; each side then resolves a collision with what it knows at
// that moment, and both may lose. A random delay lets one connection arrive
// first: the other end then has no reason to connect (see on_timer).
void SessionPair::connect_soon(std::chrono::milliseconds within) {
  const auto jitter = std::chrono::milliseconds(next_random(out_.fsm.rng) % within.count());
  out_.fsm.connect_retry_at = time_.now() + jitter;
  arm_timer(out_);
}

void SessionPair::address_changed() {
  // A session already coming up on the old address is left alone; if the
  // peer really moved, it fails and the restart uses the new address.
  for (const SessionSlot* s : {&out_, &in_})
    if (s->fsm.state == State::OpenConfirm || s->fsm.state == State::Established) return;
  if (out_.fsm.state != State::Idle) handle(out_, event::Stop{});
  if (owner_.may_connect()) connect_soon(std::chrono::milliseconds(500));
}

bool SessionPair::start_outbound() {
  if (out_.fsm.state != State::Idle) return false;
  handle(out_, event::Start{});
  return true;
}

void SessionPair::stop(uint8_t cease_subcode, const std::string& message, bool planned,
                       const std::vector<uint8_t>& data) {
  for (SessionSlot* s : {&out_, &in_}) {
    const bool hard =
        !planned && s->fsm.state >= State::OpenConfirm && s->fsm.negotiated.gr_notification;
    handle(*s, event::Stop{cease_subcode, message, hard, data});
  }
}

void SessionPair::bfd_down(const std::string& why) {
  for (SessionSlot* s : {&out_, &in_})
    if (s->fsm.state == State::Established) handle(*s, event::BfdDown{why});
}

void SessionPair::refuse(Transport& transport, uint8_t subcode) {
  auto bytes = wire::encode(wire::NotificationMessage{wire::ErrorCode::Cease, subcode, {}},
                            wire::EncodeContext{});
  transport.send(std::move(*bytes), 1, true);
  transport.close_after_flush();
}

void SessionPair::accept(std::shared_ptr<Transport> transport) {
  if (in_.connected()) {
    neighbor_log(spdlog::level::info, name_,
                 "new connection from {} replaces the previous inbound one",
                 endpoint_text(transport->remote_endpoint()));
    in_.close_now();
  }
  reset_inbound();
  take(in_, std::move(transport));
  handle(in_, event::Start{});
  handle(in_, event::TcpAccepted{});
  in_.start_reading();
}

void SessionPair::take(SessionSlot& slot, std::shared_ptr<Transport> conn) {
  Transport::Handlers h;
  h.message = [this, &slot](wire::Message&& m) { on_message(slot, std::move(m)); };
  h.bad_message = [this, &slot](wire::DecodeError&& e) {
    neighbor_log(spdlog::level::warn, name_, "malformed message from the peer: {}", e.reason);
    handle(slot, event::BadMessage{std::move(e)});
  };
  h.closed = [this, &slot](const std::string& why) { handle(slot, event::TcpFailed{why}); };
  h.connected = [this, &slot] {
    handle(slot, event::TcpConnected{});
    slot.start_reading();
  };
  slot.attach(std::move(conn), std::move(h), reading_paused_);
}

void SessionPair::handle(SessionSlot& slot, const Event& e) {
  // An OPEN that loses a collision closes its connection before the FSM
  // answers it with a KEEPALIVE: the peer then never sees that connection
  // Established (sending its table on it, only to be closed).
  if (const auto* o = std::get_if<event::OpenReceived>(&e); o && loses_collision(slot, o->open))
    return handle(slot, event::Stop{wire::cease::kCollisionResolution, ""});
  const State before = slot.fsm.state;
  if (before == State::Established)
    down_keeps_ =
        RestartHelper::keeps_paths(e, slot.fsm.negotiated, slot.fsm.local.gr_help_failures);
  auto actions = step(slot.fsm, e, time_.now());
  for (auto& a : actions) execute(slot, a);
  const State after = slot.fsm.state;
  if (after != before) {
    state_since_ = time_.now();
    log_transition(slot, e, before);
    if (after == State::OpenConfirm) {
      slot.set_decode_context(owner_.decode_context(slot.fsm.negotiated));
      resolve_collision(slot);
    } else if (after == State::OpenSent && other(slot).fsm.state == State::OpenConfirm) {
      // The rival's OPEN told us the peer's identifier, so resolve now (RFC
      // 4271 sec. 6.8 allows it in OpenSent): left alone, the rival turns
      // Established and closes this one while the peer, deciding by the
      // identifiers, keeps this one and closes the rival: both lost.
      resolve_collision(other(slot));
    }
    if (!slot.outgoing() && after == State::Idle) slot.fsm.connect_retry_at.reset();
  }
  // While a session is up, the other connection does not retry (each
  // attempt would be refused as a collision); when it goes down, retry.
  if (established()) {
    for (SessionSlot* s : {&out_, &in_})
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
  if (owner_.may_connect() && out_.fsm.state == State::Idle && in_.fsm.state == State::Idle &&
      (lost_collision || !out_.fsm.connect_retry_at)) {
    if (lost_collision)
      connect_soon(std::chrono::milliseconds(1000));
    else
      out_.fsm.connect_retry_at = time_.now() + std::chrono::seconds(local_.connect_retry);
  }
  arm_timer(slot);
  if (&slot != &out_) arm_timer(out_);
}

void SessionPair::log_transition(const SessionSlot& slot, const Event& e, State before) {
  const State after = slot.fsm.state;
  const std::string& error = slot.fsm.last_error;
  // A connection we close ourselves (collision, operator stop) is not a failure.
  const bool failed =
      after == State::Idle && !error.empty() && !std::holds_alternative<event::Stop>(e);
  if (failed) last_error_ = error;
  // Retrying a connection to a peer that is down is routine: debug only.
  const bool retrying = after <= State::Active && before <= State::Active;
  session_logger()->log(failed     ? spdlog::level::warn
                        : retrying ? spdlog::level::debug
                                   : spdlog::level::info,
                        "{} ({}): {} -> {}{}", name_, slot.describe(), state_name(before),
                        state_name(after),
                        after == State::Idle && !error.empty() ? ": " + error : "");
}

void SessionPair::execute(SessionSlot& slot, Action& a) {
  if (std::holds_alternative<action::Connect>(a)) {
    const auto& address = owner_.address();
    if (!address) return;  // nothing to connect to yet: connect-retry tries again
    take(slot, transports_.outbound(settings_));
    slot.connect(*address);
  } else if (std::holds_alternative<action::Disconnect>(a)) {
    slot.disconnect();
  } else if (auto* send = std::get_if<action::Send>(&a)) {
    slot.send(send->message);
  } else if (std::holds_alternative<action::Established>(a)) {
    last_error_.clear();
    owner_.session_established(slot);
    SessionSlot& rival = other(slot);
    if (rival.fsm.state != State::Idle)
      handle(rival, event::Stop{wire::cease::kCollisionResolution, ""});
  } else if (auto* down = std::get_if<action::Down>(&a)) {
    last_error_ = down->reason;
    last_down_ = down->cause;
    owner_.session_down(slot, down->reason, down_keeps_);
  }
}

void SessionPair::arm_timer(SessionSlot& slot) {
  slot.arm([this, &slot] { on_timer(slot); });
}

void SessionPair::on_timer(SessionSlot& slot) {
  const auto now = time_.now();
  const auto& f = slot.fsm;
  if (f.hold_at && *f.hold_at <= now)
    handle(slot, event::HoldExpired{slot.input_waiting()});
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
bool SessionPair::keeps_incoming(uint32_t peer_router_id) const {
  return local_.router_id < peer_router_id;
}

bool SessionPair::loses_collision(SessionSlot& slot, const wire::OpenMessage& open) {
  const State rival = other(slot).fsm.state;
  if (slot.fsm.state != State::OpenSent) return false;
  if (rival == State::Established) return true;
  if (rival != State::OpenSent && rival != State::OpenConfirm) return false;
  if (keeps_incoming(open.bgp_id) == slot.outgoing()) {
    neighbor_log(spdlog::level::info, name_, "connection collision: keeping the {} connection",
                 slot.outgoing() ? "inbound" : "outbound");
    return true;
  }
  return false;
}

void SessionPair::resolve_collision(SessionSlot& opened) {
  SessionSlot& rival = other(opened);
  if (rival.fsm.state == State::Established) {
    handle(opened, event::Stop{wire::cease::kCollisionResolution, ""});
    return;
  }
  if (rival.fsm.state != State::OpenSent && rival.fsm.state != State::OpenConfirm) return;
  const bool keep_incoming = keeps_incoming(opened.fsm.negotiated.peer_router_id);
  neighbor_log(spdlog::level::info, name_, "connection collision: keeping the {} connection",
               keep_incoming ? "inbound" : "outbound");
  handle(keep_incoming ? out_ : in_, event::Stop{wire::cease::kCollisionResolution, ""});
}

void SessionPair::on_message(SessionSlot& slot, wire::Message&& m) {
  if (auto* o = std::get_if<wire::OpenMessage>(&m)) return handle(slot, event::OpenReceived{*o});
  if (std::holds_alternative<wire::KeepaliveMessage>(m))
    return handle(slot, event::KeepaliveReceived{});
  if (auto* n = std::get_if<wire::NotificationMessage>(&m))
    return handle(slot, event::NotificationReceived{std::move(*n)});
  if (auto* r = std::get_if<wire::RouteRefreshMessage>(&m)) {
    handle(slot, event::RouteRefreshReceived{});
    if (slot.fsm.state == State::Established && r->subtype == wire::RefreshSubtype::Normal)
      owner_.refresh_requested();
    return;
  }
  handle(slot, event::UpdateReceived{});
  if (slot.fsm.state == State::Established)
    owner_.update_received(std::get<wire::UpdateMessage>(m));
}

void SessionPair::decode_context_changed() {
  for (SessionSlot* s : {&out_, &in_})
    if (s->fsm.state >= State::OpenConfirm)
      s->set_decode_context(owner_.decode_context(s->fsm.negotiated));
}

bool SessionPair::request_refresh() {
  for (SessionSlot* s : {&out_, &in_}) {
    if (s->fsm.state != State::Established) continue;
    const Negotiated& n = s->fsm.negotiated;
    if (!n.route_refresh) return false;
    for (auto f : wire::kAllFamilies)
      if (n.families.has(f))
        s->send(
            wire::RouteRefreshMessage{uint16_t(wire::afi_of(f)), uint8_t(wire::Safi::Unicast), {}});
    if (n.families.has(wire::Family::L2vpnEvpn))
      s->send(wire::RouteRefreshMessage{wire::kAfiL2vpn, wire::kSafiEvpn, {}});
  }
  return true;
}

void SessionPair::pause_reading(bool paused) {
  reading_paused_ = paused;
  for (SessionSlot* s : {&out_, &in_}) s->pause_reading(paused);
}

void SessionPair::send(std::vector<uint8_t> bytes, size_t messages) {
  for (SessionSlot* s : {&out_, &in_})
    if (s->fsm.state == State::Established) return s->send_encoded(std::move(bytes), messages);
}

const SessionSlot* SessionPair::established() const {
  for (const SessionSlot* s : {&out_, &in_})
    if (s->fsm.state == State::Established && s->connected()) return s;
  return nullptr;
}

}  // namespace closbgp::session
