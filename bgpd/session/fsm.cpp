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
    } else if (auto* h = is<event::HoldExpired>(e)) {
      // A busy host runs a late loop's due timers before its reads: what the
      // peer sent is there, unread, and the peer is alive. Read it first
      // (FRR's bgpd defers alike when its input queue is not empty).
      if (h->input_waiting) {
        s_.hold_at = now_ + kUnreadInputGrace;
        return;
      }
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

}  // namespace closbgp::session
