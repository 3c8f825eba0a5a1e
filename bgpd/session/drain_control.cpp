#include "bgpd/session/drain_control.h"

#include "bgpd/session/session_log.h"

namespace closbgp::session {

void DrainControl::start(uint32_t warm_up, Time now) {
  const std::string& path = state_.path();
  target_ = rib::parse_drain(state_.saved().drain).value_or(rib::DrainState::Live);
  if (target_ != rib::DrainState::Live)
    session_logger()->warn("the node was left {} (state file {}): it stays {} until told otherwise",
                           drain_name(target_), path, drain_name(target_));
  started_at_ = now;
  if (warm_up > 0 && target_ != rib::DrainState::Warm) {
    rib_.set_node_drain(rib::DrainState::Warm, sink_);
    warm_until_ = started_at_ + std::chrono::seconds(warm_up);
    session_logger()->info(
        "starting WARM: nothing is advertised until the neighbours' initial tables are in and "
        "the FIB has caught up (at most {} s)",
        warm_up);
  } else {
    rib_.set_node_drain(target_, sink_);
  }
}

void DrainControl::check_warm_up(bool tables_ready, Time now) {
  if (!warm_until_) {
    // No WARM start, or it ended: nothing to wait for but our own routes
    // (an aggregate's discard), which the first flush hands the FIB.
    if (fib_ && !rib_.pending()) fib_->release();
    return;
  }
  if (tables_ready && !initial_tables_) {
    // The FIB writes what differs from the routes it kept from a previous
    // run. What it must have written before we go live is what the
    // initial tables brought: in a cold start of a fabric, routes keep
    // coming from neighbours that go live after us, and waiting until the
    // FIB is idle would wait for them.
    if (fib_) fib_->release();
    initial_tables_ = fib_ ? fib_->last_applied() : 0;
  }
  const bool converged = initial_tables_ && (!fib_ || fib_->written_through(*initial_tables_));
  if (!converged && now < *warm_until_) return;
  warm_until_.reset();
  initial_tables_.reset();
  const auto secs = std::chrono::duration_cast<std::chrono::milliseconds>(now - started_at_);
  session_logger()->info("{} after {:.1f} s: now {}",
                         converged ? "initial convergence" : "warm-up time is up",
                         secs.count() / 1000.0, drain_name(target_));
  rib_.set_node_drain(target_, sink_);
}

std::expected<std::string, OpError> DrainControl::set(const std::string& state, Peer* neighbor,
                                                      const std::string& name) {
  const auto s = rib::parse_drain(state);
  if (!s)
    return std::unexpected(
        OpError{OpError::Kind::InvalidArgument, "'" + state + "' must be live, drained or warm"});
  config::SavedState& saved = state_.saved();
  std::string what;
  if (!neighbor) {
    warm_until_.reset();  // the operator decides now
    initial_tables_.reset();
    target_ = *s;
    rib_.set_node_drain(*s, sink_);
    saved.drain = *s == rib::DrainState::Live ? "" : std::string(drain_name(*s));
    what = "node is now " + std::string(drain_name(*s));
  } else {
    neighbor->set_drain(*s);
    rib_.set_member_drain(neighbor->id(), *s, sink_);
    if (*s == rib::DrainState::Live)
      saved.neighbors.erase(name);
    else
      saved.neighbors[name] = std::string(drain_name(*s));
    what = "neighbour " + name + " is now " + std::string(drain_name(*s));
  }
  session_logger()->warn("drain: {}", what);
  return what + state_.save();
}

}  // namespace closbgp::session
