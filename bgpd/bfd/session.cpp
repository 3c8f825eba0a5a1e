#include "bgpd/bfd/session.h"

#include <algorithm>

namespace closbgp::bfd {
namespace {

using std::chrono::microseconds;

uint32_t configured_us(const Session& s) {
  return s.params.interval_ms * 1000;
}

// RFC 5880 6.8.7: 75% to 100% of the interval (to 90% with multiplier 1).
microseconds jittered(Session& s, uint32_t interval_us) {
  s.rng ^= s.rng << 13;
  s.rng ^= s.rng >> 7;
  s.rng ^= s.rng << 17;
  const uint32_t span = s.params.multiplier == 1 ? 15 : 25;
  const uint32_t pct = 75 + uint32_t(s.rng % (span + 1));
  return microseconds(uint64_t(interval_us) * pct / 100);
}

uint32_t tx_interval(const Session& s) {
  return std::max(s.tx_interval_us, s.remote_min_rx_us);
}

void schedule_tx(Session& s, Clock::time_point now) {
  if (s.remote_min_rx_us == 0) {  // the peer asked us not to send
    s.next_tx_at.reset();
    return;
  }
  s.next_tx_at = now + jittered(s, tx_interval(s));
}

void change_state(Session& s, State to, Diag diag, bool peer_admin_down, Clock::time_point now,
                  std::vector<Action>& out) {
  const State from = s.state;
  s.state = to;
  s.diag = diag;
  if (to == State::Up) {
    ++s.counters.up_transitions;
    // Now the configured rate, confirmed by a Poll Sequence (RFC 5880
    // 6.8.3). The peer's detection time shrinks as soon as it hears the new
    // value, so a faster rate is used at once; only a slower one waits for
    // the Final.
    s.desired_min_tx_us = configured_us(s);
    s.polling = true;
    if (s.desired_min_tx_us < s.tx_interval_us) {
      s.tx_interval_us = s.desired_min_tx_us;
      schedule_tx(s, now);
    }
  } else if (from == State::Up) {
    ++s.counters.down_transitions;
  }
  if (to != State::Up) {
    s.desired_min_tx_us = std::max(configured_us(s), kSlowIntervalUs);
    s.tx_interval_us = s.desired_min_tx_us;
    s.polling = false;
  }
  out.push_back(action::StateChange{from, to, diag, peer_admin_down});
}

void send(Session& s, ControlPacket p, std::vector<Action>& out) {
  ++s.counters.tx;
  out.push_back(action::Send{p});
}

}  // namespace

Session make_session(const Params& params, uint32_t local_disc) {
  Session s;
  s.params = params;
  s.local_disc = local_disc;
  s.desired_min_tx_us = std::max(params.interval_ms * 1000, kSlowIntervalUs);
  s.tx_interval_us = s.desired_min_tx_us;
  s.rng ^= uint64_t(local_disc) * 0x9e3779b97f4a7c15;
  return s;
}

ControlPacket make_packet(const Session& s) {
  ControlPacket p;
  p.state = s.state;
  p.diag = s.diag;
  p.poll = s.polling;
  p.detect_mult = s.params.multiplier;
  p.my_discriminator = s.local_disc;
  p.your_discriminator = s.remote_disc;
  p.desired_min_tx_us = s.desired_min_tx_us;
  p.required_min_rx_us = configured_us(s);
  return p;
}

std::chrono::microseconds detection_time(const Session& s) {
  return microseconds(uint64_t(s.remote_detect_mult) *
                      std::max(configured_us(s), s.remote_desired_min_tx_us));
}

std::vector<Action> start(Session& s, Clock::time_point now) {
  std::vector<Action> out;
  send(s, make_packet(s), out);
  schedule_tx(s, now);
  return out;
}

std::vector<Action> on_packet(Session& s, const ControlPacket& p, Clock::time_point now) {
  std::vector<Action> out;
  if (p.your_discriminator != 0 && p.your_discriminator != s.local_disc) {
    ++s.counters.dropped;
    return out;
  }
  ++s.counters.rx;
  s.remote_disc = p.my_discriminator;
  s.remote_state = p.state;
  s.remote_desired_min_tx_us = p.desired_min_tx_us;
  s.remote_detect_mult = p.detect_mult;
  const bool rx_slower = p.required_min_rx_us > s.remote_min_rx_us;
  s.remote_min_rx_us = p.required_min_rx_us;
  if (p.final && s.polling) {  // the Poll Sequence is acknowledged
    s.polling = false;
    s.tx_interval_us = s.desired_min_tx_us;
    schedule_tx(s, now);
  } else if (rx_slower) {
    schedule_tx(s, now);
  }
  s.detect_at = now + detection_time(s);
  if (s.state == State::AdminDown) return out;

  if (p.state == State::AdminDown) {
    if (s.state != State::Down)
      change_state(s, State::Down, Diag::NeighborSignaledDown, true, now, out);
  } else if (s.state == State::Down) {
    if (p.state == State::Down) change_state(s, State::Init, Diag::None, false, now, out);
    if (p.state == State::Init) change_state(s, State::Up, Diag::None, false, now, out);
  } else if (s.state == State::Init) {
    if (p.state == State::Init || p.state == State::Up)
      change_state(s, State::Up, Diag::None, false, now, out);
  } else if (p.state == State::Down) {  // we are Up
    change_state(s, State::Down, Diag::NeighborSignaledDown, false, now, out);
  }
  if (p.poll) {  // answer at once with Final (RFC 5880 6.5)
    ControlPacket f = make_packet(s);
    f.poll = false;
    f.final = true;
    send(s, f, out);
  } else if (!out.empty()) {
    send(s, make_packet(s), out);  // tell the peer of our new state without waiting
  }
  return out;
}

std::vector<Action> on_timer(Session& s, Clock::time_point now) {
  std::vector<Action> out;
  if (s.detect_at && now >= *s.detect_at) {
    s.detect_at.reset();
    s.remote_disc = 0;
    s.remote_min_rx_us = 1;
    if (s.state == State::Init || s.state == State::Up)
      change_state(s, State::Down, Diag::DetectionTimeExpired, false, now, out);
  }
  if (s.next_tx_at && now >= *s.next_tx_at) {
    send(s, make_packet(s), out);
    schedule_tx(s, now);
  }
  return out;
}

std::vector<Action> admin_down(Session& s) {
  std::vector<Action> out;
  change_state(s, State::AdminDown, Diag::AdminDown, false, Clock::now(), out);
  s.next_tx_at.reset();
  s.detect_at.reset();
  for (int i = 0; i < 3; ++i) send(s, make_packet(s), out);  // one may be lost
  return out;
}

}  // namespace closbgp::bfd
