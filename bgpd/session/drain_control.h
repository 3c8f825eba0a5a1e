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
  // Often: WARM ends once `tables_ready` has been true (every neighbour's
  // initial table was in the engine) and the FIB has written what was
  // queued then, or when warm-up runs out. Without a WARM start, releases
  // the FIB once our own routes are in the engine.
  void check_warm_up(bool tables_ready, Time now);
  // Whether the node is still in its WARM start.
  bool warming_up() const { return warm_until_.has_value(); }
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
  // While WARM, once the initial tables are in: the FIB's sequence number
  // then (fib::Fib::last_applied()).
  std::optional<uint64_t> initial_tables_;
  Time started_at_{};
};

}  // namespace closbgp::session
