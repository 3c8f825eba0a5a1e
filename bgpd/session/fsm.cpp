#include "bgpd/session/fsm.h"

#include <algorithm>

namespace closbgp::session {
namespace {

using namespace std::chrono;
using wire::ErrorCode;

// RFC 6608 subcodes of the FSM error: unexpected message in this state.
uint8_t fsm_subcode(State s) {
  switch (s) {
    case State::OpenSent:
      return 1;
    case State::OpenConfirm:
      return 2;
    case State::Established:
      return 3;
    default:
      return 0;
  }
}

std::string describe(const wire::NotificationMessage& n) {
  std::string s = std::string(wire::error_code_name(n.code)) + " / " +
                  std::string(wire::error_subcode_name(n.code, n.subcode));
  if (auto msg = n.shutdown_message(); msg && !msg->empty()) s += " (\"" + *msg + "\")";
  return s;
}

class Stepper {
 public:
  Stepper(Session& s, Clock::time_point now) : s_(s), now_(now) {}

  std::vector<Action> run(const Event& e) {
    switch (s_.state) {
      case State::Idle:
        idle(e);
        break;
      case State::Connect:
      case State::Active:
        connecting(e);
        break;
      case State::OpenSent:
        open_sent(e);
        break;
      case State::OpenConfirm:
        open_confirm(e);
        break;
      case State::Established:
        established(e);
        break;
    }
    return std::move(out_);
  }

 private:
  template <typename T>
  const T* is(const Event& e) {
    return std::get_if<T>(&e);
  }

  void idle(const Event& e) {
    // Start, or the automatic restart an earlier error scheduled.
    if (is<event::Start>(e) || is<event::ConnectRetryExpired>(e)) {
      s_.connect_retry_at.reset();
      if (s_.local.passive) {
        s_.state = State::Active;
        return;
      }
      s_.state = State::Connect;
      out_.push_back(action::Connect{});
      arm_connect_retry();
      return;
    }
    if (is<event::Stop>(e)) stop_quietly();
    // Everything else is ignored in Idle (RFC 4271 8.2.2).
  }

  // Connect and Active: waiting for a TCP connection, ours or the peer's.
  void connecting(const Event& e) {
    if (is<event::TcpConnected>(e) || is<event::TcpAccepted>(e)) {
      s_.connect_retry_at.reset();
      send(make_open(s_.local));
      s_.hold_at = now_ + kOpenSentHoldTime;
      s_.state = State::OpenSent;
    } else if (is<event::ConnectRetryExpired>(e)) {
      if (s_.local.passive) return;
      out_.push_back(action::Disconnect{});  // abandon a connect still pending
      out_.push_back(action::Connect{});
      s_.state = State::Connect;
      arm_connect_retry();
    } else if (auto* f = is<event::TcpFailed>(e)) {
      out_.push_back(action::Disconnect{});
      s_.state = State::Active;
      s_.last_error = "connection failed: " + f->why;
      if (!s_.local.passive) arm_connect_retry();
    } else if (is<event::Stop>(e)) {
      stop_quietly();
    } else if (!is<event::Start>(e) && !is<event::HoldExpired>(e) && !is<event::KeepaliveDue>(e) &&
               !is<event::BfdDown>(e)) {
      fail("unexpected event in " + std::string(state_name(s_.state)));
    }
  }

  void open_sent(const Event& e) {
    if (auto* o = is<event::OpenReceived>(e)) {
      auto n = negotiate(s_.local, o->open);
      if (!n) return reject(n.error());
      s_.negotiated = *n;
      send(wire::KeepaliveMessage{});
      s_.hold_at.reset();
      restart_hold();
      arm_keepalive();
      s_.state = State::OpenConfirm;
    } else if (auto* f = is<event::TcpFailed>(e)) {
      // RFC 4271: back to Active and try again after connect-retry.
      out_.push_back(action::Disconnect{});
      s_.hold_at.reset();
      s_.state = State::Active;
      s_.last_error = "connection closed in OpenSent: " + f->why;
      if (!s_.local.passive) arm_connect_retry();
    } else {
      common(e);
    }
  }

  void open_confirm(const Event& e) {
    if (is<event::KeepaliveReceived>(e)) {
      restart_hold();
      s_.state = State::Established;
      s_.connect_retry_count = 0;
      s_.last_error.clear();
      out_.push_back(action::Established{});
    } else {
      common(e);
    }
  }

  void established(const Event& e) {
    if (is<event::KeepaliveReceived>(e) || is<event::UpdateReceived>(e) ||
        is<event::RouteRefreshReceived>(e)) {
      restart_hold();
    } else {
      common(e);
    }
  }

  // Events handled alike in OpenSent, OpenConfirm and Established.
  void common(const Event& e) {
    if (is<event::KeepaliveDue>(e)) {
      if (s_.state == State::OpenSent) return;
      send(wire::KeepaliveMessage{});
      arm_keepalive();
    } else if (is<event::HoldExpired>(e)) {
      send(wire::NotificationMessage{ErrorCode::HoldTimerExpired, 0, {}});
      fail("hold timer expired");
    } else if (auto* n = is<event::NotificationReceived>(e)) {
      cause_ = {false, n->notification};
      fail("peer sent NOTIFICATION " + describe(n->notification));
    } else if (auto* b = is<event::BadMessage>(e)) {
      reject(b->error);
    } else if (auto* bfd = is<event::BfdDown>(e)) {
      // RFC 9384: Cease / BFD Down; routes are withdrawn at once.
      send(wire::NotificationMessage{ErrorCode::Cease, wire::cease::kBfdDown, {}});
      fail("BFD down: " + bfd->why);
    } else if (auto* f = is<event::TcpFailed>(e)) {
      fail("connection closed: " + f->why);
    } else if (auto* st = is<event::Stop>(e)) {
      const bool has_text = st->cease_subcode == wire::cease::kAdminShutdown ||
                            st->cease_subcode == wire::cease::kAdminReset;
      auto cease =
          has_text ? wire::NotificationMessage::cease_with_message(st->cease_subcode, st->message)
                   : wire::NotificationMessage{ErrorCode::Cease, st->cease_subcode, st->data};
      if (st->hard_reset) {  // RFC 8538 sec. 3: the reason goes inside
        cease.data.insert(cease.data.begin(), cease.subcode);
        cease.subcode = wire::cease::kHardReset;
      }
      send(std::move(cease));
      const std::string reason =
          "stopped: " + std::string(wire::error_subcode_name(ErrorCode::Cease, st->cease_subcode));
      if (s_.state == State::Established) out_.push_back(action::Down{reason, cause_});
      s_.last_error = reason;
      stop_quietly();
    } else if (is<event::Start>(e) || is<event::ConnectRetryExpired>(e) ||
               is<event::TcpAccepted>(e) || is<event::TcpConnected>(e)) {
      // Already connected; a second connection is the driver's collision.
    } else {
      send(wire::NotificationMessage{ErrorCode::Fsm, fsm_subcode(s_.state), {}});
      fail("unexpected message in " + std::string(state_name(s_.state)));
    }
  }

  // Sends the NOTIFICATION for a protocol error and goes down.
  void reject(const wire::DecodeError& err) {
    send(wire::NotificationMessage{err.code, err.subcode, err.data});
    fail("sent NOTIFICATION " + std::string(wire::error_code_name(err.code)) + " / " +
         std::string(wire::error_subcode_name(err.code, err.subcode)) + ": " + err.reason);
  }

  // To Idle after an error; the session restarts by itself after connect-retry.
  void fail(std::string reason) {
    if (s_.state == State::Established) out_.push_back(action::Down{reason, cause_});
    out_.push_back(action::Disconnect{});
    clear_timers();
    ++s_.connect_retry_count;
    s_.last_error = std::move(reason);
    s_.state = State::Idle;
    arm_connect_retry();
  }

  // To Idle on an operator's stop: no restart.
  void stop_quietly() {
    out_.push_back(action::Disconnect{});
    clear_timers();
    s_.connect_retry_count = 0;
    s_.state = State::Idle;
  }

  void send(wire::Message m) {
    if (auto* n = std::get_if<wire::NotificationMessage>(&m)) cause_ = {true, *n};
    out_.push_back(action::Send{std::move(m)});
  }
  void clear_timers() {
    s_.connect_retry_at.reset();
    s_.hold_at.reset();
    s_.keepalive_at.reset();
  }
  void restart_hold() {
    if (s_.negotiated.hold_time != 0) s_.hold_at = now_ + seconds(s_.negotiated.hold_time);
  }
  void arm_keepalive() {
    if (s_.negotiated.keepalive != 0) s_.keepalive_at = now_ + seconds(s_.negotiated.keepalive);
  }
  // RFC 4271 sec. 10: jitter of 0.75 to 1.0 so that peers do not synchronise.
  void arm_connect_retry() {
    const double factor = 0.75 + 0.25 * double(next_random(s_.rng) % 1001) / 1000.0;
    s_.connect_retry_at =
        now_ + duration_cast<Clock::duration>(duration<double>(s_.local.connect_retry * factor));
  }

  Session& s_;
  Clock::time_point now_;
  // Why the session ends if it does in this step: the connection closed,
  // unless a NOTIFICATION went either way.
  action::DownCause cause_;
  std::vector<Action> out_;
};

}  // namespace

std::vector<std::string> capability_names(const Negotiated& n) {
  std::vector<std::string> out;
  for (auto f : wire::kAllFamilies)
    if (n.families.has(f)) out.emplace_back(wire::family_name(f));
  const std::pair<bool, const char*> flags[] = {
      {n.ipv4_via_ipv6, "extended-nexthop"},
      {n.route_refresh, "route-refresh"},
      {n.four_octet_as, "4-octet-as"},
      {n.extended_message, "extended-message"},
      {n.graceful_restart, "graceful-restart"},
      {n.graceful_restart && n.gr_notification, "graceful-restart-notification"},
      {!n.peer_llgr.empty(), "long-lived-graceful-restart"},
      {!n.peer_hostname.empty(), "hostname"}};
  for (const auto& [on, name] : flags)
    if (on) out.emplace_back(name);
  return out;
}

uint64_t next_random(uint64_t& state) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

std::string_view state_name(State s) {
  static constexpr std::string_view kNames[] = {"Idle",     "Connect",     "Active",
                                                "OpenSent", "OpenConfirm", "Established"};
  return kNames[uint8_t(s)];
}

std::vector<Action> step(Session& s, const Event& e, Clock::time_point now) {
  return Stepper(s, now).run(e);
}

wire::OpenMessage make_open(const LocalConfig& local) {
  wire::OpenMessage o;
  o.my_as = uint16_t(local.asn > 0xffff ? wire::kAsTrans : local.asn);
  o.hold_time = local.hold_time;
  o.bgp_id = local.router_id;
  auto& c = o.capabilities;
  c.multiprotocol = {{1, 1}, {2, 1}};
  c.route_refresh = true;
  c.extended_next_hop = {{1, 1, 2}};
  c.extended_message = true;
  c.four_octet_as = local.asn;
  if (!local.hostname.empty()) c.fqdn = wire::Fqdn{local.hostname, ""};
  if (local.gr_restart_time != 0) {
    wire::GracefulRestart gr;
    gr.restarting = local.gr_restarting;
    gr.notification = true;
    gr.restart_time = local.gr_restart_time;
    for (uint16_t afi : {1, 2}) gr.families.push_back({afi, 1, local.gr_restarting});
    c.graceful_restart = gr;
    if (local.llgr_stale_time != 0) {  // RFC 9494 sec. 3: only with graceful restart
      wire::LongLivedGracefulRestart llgr;
      for (uint16_t afi : {1, 2})
        llgr.families.push_back({afi, 1, local.gr_restarting, local.llgr_stale_time});
      c.long_lived_gr = llgr;
    }
  }
  return o;
}

std::expected<Negotiated, wire::DecodeError> negotiate(const LocalConfig& local,
                                                       const wire::OpenMessage& theirs) {
  auto open_error = [](uint8_t subcode, std::string why) {
    return std::unexpected(wire::DecodeError{ErrorCode::Open, subcode, {}, std::move(why)});
  };
  const auto& caps = theirs.capabilities;
  // RFC 7607: AS 0 is no one's.
  if (theirs.my_as == 0 || caps.four_octet_as == 0u)
    return open_error(wire::open_error::kBadPeerAs,
                      std::string("peer AS 0 in its OPEN's ") +
                          (theirs.my_as == 0 ? "My AS" : "4-octet AS capability") + " (RFC 7607)");
  Negotiated n;
  n.peer_as = caps.four_octet_as.value_or(theirs.my_as);
  n.ebgp = n.peer_as != local.asn;
  const auto& rule = local.peer_as;
  const bool as_ok = rule.kind == PeerAsRule::Kind::External   ? n.ebgp
                     : rule.kind == PeerAsRule::Kind::Internal ? !n.ebgp
                                                               : n.peer_as == rule.asn;
  if (!as_ok)
    return open_error(wire::open_error::kBadPeerAs,
                      "peer AS " + std::to_string(n.peer_as) + " is not " +
                          (rule.kind == PeerAsRule::Kind::External   ? std::string("external")
                           : rule.kind == PeerAsRule::Kind::Internal ? std::string("internal")
                                                                     : std::to_string(rule.asn)));
  n.peer_router_id = theirs.bgp_id;
  if (!n.ebgp && n.peer_router_id == local.router_id)
    return open_error(wire::open_error::kBadBgpId, "iBGP peer has our router-id");

  n.hold_time = std::min(local.hold_time, theirs.hold_time);
  if (n.hold_time != 0)
    n.keepalive = std::max<uint16_t>(1, std::min<uint16_t>(local.keepalive, n.hold_time / 3));

  // RFC 4760 sec. 8: a peer without multiprotocol capabilities speaks IPv4 unicast.
  if (caps.multiprotocol.empty()) {
    n.families.add(wire::Family::Ipv4Unicast);
  } else {
    for (const auto& mp : caps.multiprotocol) {
      wire::Family f;
      if (wire::to_family(mp.afi, mp.safi, f)) n.families.add(f);
    }
  }
  if (n.families.empty())
    return open_error(wire::open_error::kUnsupportedCapability,
                      "no address family in common (we route IPv4 and IPv6 unicast)");
  n.ipv4_via_ipv6 = std::any_of(caps.extended_next_hop.begin(), caps.extended_next_hop.end(),
                                [](const wire::ExtendedNextHop& e) {
                                  return e.afi == 1 && e.safi == 1 && e.nexthop_afi == 2;
                                });
  n.sent_open = make_open(local);
  n.received_open = theirs;
  n.four_octet_as = caps.four_octet_as.has_value();
  n.extended_message = caps.extended_message;
  n.route_refresh = caps.route_refresh;
  if (caps.fqdn) n.peer_hostname = caps.fqdn->hostname;
  if (local.gr_restart_time != 0 && caps.graceful_restart) {
    const auto& gr = *caps.graceful_restart;
    n.graceful_restart = true;
    n.gr_notification = gr.notification;
    n.peer_restart_time = gr.restart_time;
    n.we_restarted = local.gr_restarting;
    for (const auto& f : gr.families) {
      wire::Family family;
      if (!wire::to_family(f.afi, f.safi, family)) continue;
      n.peer_gr_families.add(family);
      if (f.forwarding_preserved) n.peer_forwarding_kept.add(family);
    }
    // RFC 9494 sec. 4.2: LLGR goes with graceful restart; a stale time of 0 is none.
    if (local.llgr_stale_time != 0 && caps.long_lived_gr)
      for (const auto& f : caps.long_lived_gr->families) {
        wire::Family family;
        if (!wire::to_family(f.afi, f.safi, family) || f.stale_time == 0) continue;
        // We help for at most our own long-lived stale time, as FRR does.
        n.peer_llgr.emplace_back(family, std::min(f.stale_time, local.llgr_stale_time));
        if (f.forwarding_preserved) n.peer_llgr_forwarding_kept.add(family);
      }
  }
  return n;
}

wire::DecodeContext Negotiated::decode_context() const {
  wire::DecodeContext c;
  c.four_octet_as = four_octet_as;
  c.extended_message = extended_message;
  c.ebgp = ebgp;
  c.families = families;
  return c;
}

wire::EncodeContext Negotiated::encode_context() const {
  wire::EncodeContext c;
  c.four_octet_as = four_octet_as;
  c.extended_message = extended_message;
  return c;
}

}  // namespace closbgp::session
