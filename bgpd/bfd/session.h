// One BFD session (RFC 5880 asynchronous mode), as pure functions of
// (session, input, now) that return actions: no sockets, no clock reads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "bgpd/bfd/packet.h"

namespace closbgp::bfd {

using Clock = std::chrono::steady_clock;

struct Params {
  uint32_t interval_ms = 300;  // desired min TX and required min RX
  uint8_t multiplier = 3;
  friend bool operator==(const Params&, const Params&) = default;
};

inline constexpr uint32_t kMinIntervalMs = 50;        // the floor we accept in config
inline constexpr uint32_t kSlowIntervalUs = 1000000;  // RFC 5880 6.8.3: while not Up

struct Counters {
  uint64_t rx = 0, tx = 0, dropped = 0, up_transitions = 0, down_transitions = 0;
};

struct Session {
  Params params;
  uint32_t local_disc = 0;
  State state = State::Down;
  Diag diag = Diag::None;
  State remote_state = State::Down;
  uint32_t remote_disc = 0;
  uint32_t remote_min_rx_us = 1;  // until we hear otherwise, send
  uint32_t remote_desired_min_tx_us = 0;
  uint8_t remote_detect_mult = 0;
  uint32_t desired_min_tx_us = kSlowIntervalUs;  // what we advertise now
  bool polling = false;  // a Poll Sequence is running (P set until F comes back)
  uint32_t tx_interval_us = kSlowIntervalUs;  // what we actually use
  std::optional<Clock::time_point> next_tx_at, detect_at;
  Counters counters;
  uint64_t rng = 0x2545f4914f6cdd1d;
};

namespace action {
struct Send {
  ControlPacket packet;
};
struct StateChange {
  State from, to;
  Diag diag;
  bool peer_admin_down;  // the peer told us it is AdminDown: not a path failure (RFC 5882 3.2)
};
}  // namespace action
using Action = std::variant<action::Send, action::StateChange>;

Session make_session(const Params& params, uint32_t local_disc);
// Begins transmitting (state Down, slow rate).
std::vector<Action> start(Session& s, Clock::time_point now);
// A packet that passed decode() and was addressed to this session.
std::vector<Action> on_packet(Session& s, const ControlPacket& p, Clock::time_point now);
// Runs whatever deadline has passed: detection expiry, periodic transmit.
std::vector<Action> on_timer(Session& s, Clock::time_point now);
// Graceful stop: AdminDown packets, then the caller deletes the session.
std::vector<Action> admin_down(Session& s);

std::chrono::microseconds detection_time(const Session& s);
ControlPacket make_packet(const Session& s);

}  // namespace closbgp::bfd
