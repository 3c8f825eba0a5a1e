// Drain states of the node and its neighbours (rib/drain.h), the WARM
// start, and keeping both across restarts in the state file. The engine
// applies a state; this decides when it changes. Time comes in as an
// argument.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>

#include "bgpd/session/op_error.h"
#include "bgpd/session/operator_state.h"
#include "bgpd/session/peer.h"
#include "fib/fib.h"
#include "rib/rib.h"

namespace closbgp::session {

class DrainControl {
 public:
  using Time = std::chrono::steady_clock::time_point;

  DrainControl(rib::Rib& rib, rib::AdvertisementSink& sink, OperatorState& state, fib::Fib* fib)
      : rib_(rib), sink_(sink), state_(state), fib_(fib) {}

  // At start: what the operator left (a drained switch stays drained), and
  // WARM until the initial tables are in, for at most `warm_up` seconds
  // (0: no WARM start).
  void start(uint32_t warm_up, Time now);
  // Each second: WARM ends once `tables_ready` (every neighbour's initial
  // table is in the engine) and the FIB has caught up, or when warm-up runs out.
  void check_warm_up(bool tables_ready, Time now);
  // An operator's "live", "drained" or "warm": of the node, or of `neighbor`.
  std::expected<std::string, OpError> set(const std::string& state, Peer* neighbor,
                                          const std::string& name);

 private:
  rib::Rib& rib_;
  rib::AdvertisementSink& sink_;
  OperatorState& state_;
  fib::Fib* fib_;
  rib::DrainState target_ = rib::DrainState::Live;  // what WARM turns into
  std::optional<Time> warm_until_;
  Time started_at_{};
};

}  // namespace closbgp::session
