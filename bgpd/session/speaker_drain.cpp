// Drain states of the node and its neighbours, the WARM start, and the state
// file that keeps them across restarts.
#include "bgpd/session/session_log.h"
#include "bgpd/session/speaker.h"

namespace closbgp::session {
// At start: what the operator left (a drained switch stays drained), and
// WARM until the initial tables are in, unless warm-up is 0.
void Speaker::load_saved_state() {
  auto saved = config::load_state(cfg_.state_file);
  if (!saved)
    session_logger()->error("state file {}: {}; starting as if it were empty", cfg_.state_file,
                            saved.error());
  else
    saved_ = std::move(*saved);
  node_target_ = rib::parse_drain(saved_.drain).value_or(rib::DrainState::Live);
  if (node_target_ != rib::DrainState::Live)
    session_logger()->warn("the node was left {} (state file {}): it stays {} until told otherwise",
                           drain_name(node_target_), cfg_.state_file, drain_name(node_target_));
  started_at_ = std::chrono::steady_clock::now();
  if (cfg_.drain.warm_up > 0 && node_target_ != rib::DrainState::Warm) {
    rib_.set_node_drain(rib::DrainState::Warm, advertiser_);
    warm_until_ = started_at_ + std::chrono::seconds(cfg_.drain.warm_up);
    session_logger()->info(
        "starting WARM: nothing is advertised until the neighbours' initial tables are in and "
        "the FIB has caught up (at most {} s)",
        cfg_.drain.warm_up);
  } else {
    rib_.set_node_drain(node_target_, advertiser_);
  }
}

// Called every second while WARM after start: converged once every
// established neighbour has sent its initial table (End-of-RIB, or a quiet
// second) and the FIB has caught up, with at least one neighbour up if any
// is configured to connect, and none heard on its link (a Router
// Advertisement: it is alive) still connecting; or when warm-up runs out.
void Speaker::check_warm_up() {
  if (!warm_until_) {
    if (fib_) fib_->release();  // no WARM start, or it ended: nothing to wait for
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  size_t up = 0;
  bool tables_in = true;
  for (const auto& [name, p] : peers_) {
    if (p->negotiated()) {
      ++up;
      tables_in = tables_in && p->initial_table_done();
    } else if (p->enabled() && p->address() && !p->identity().interface.empty()) {
      tables_in = false;
    }
  }
  const bool waits_for_peers = std::any_of(cfg_.neighbors.begin(), cfg_.neighbors.end(),
                                           [](const auto& n) { return !n.listen_range; });
  const bool tables_ready = tables_in && (up > 0 || !waits_for_peers) && !rib_.pending();
  // The FIB writes what differs from the routes it kept from a previous run.
  if (fib_ && tables_ready) fib_->release();
  const bool converged = tables_ready && (!fib_ || fib_->backlog() == 0);
  if (!converged && now < *warm_until_) return;
  warm_until_.reset();
  const auto secs = std::chrono::duration_cast<std::chrono::milliseconds>(now - started_at_);
  session_logger()->info("{} after {:.1f} s: now {}",
                         converged ? "initial convergence" : "warm-up time is up",
                         secs.count() / 1000.0, drain_name(node_target_));
  set_node_drain(node_target_);
}

// Every established neighbour moves to the update group of its new state:
// it is sent what that state gives, and withdrawn what it no longer does.
void Speaker::set_node_drain(rib::DrainState s) {
  rib_.set_node_drain(s, advertiser_);
}

std::expected<std::string, api::ControlError> Speaker::set_drain(const std::string& state,
                                                                 const std::string& neighbor) {
  using Kind = api::ControlError::Kind;
  const auto s = rib::parse_drain(state);
  if (!s)
    return std::unexpected(
        api::ControlError{Kind::InvalidArgument, "'" + state + "' must be live, drained or warm"});
  std::string what;
  if (neighbor.empty()) {
    warm_until_.reset();  // the operator decides now
    node_target_ = *s;
    set_node_drain(*s);
    saved_.drain = *s == rib::DrainState::Live ? "" : std::string(drain_name(*s));
    what = "node is now " + std::string(drain_name(*s));
  } else {
    auto p = named_peer(neighbor);
    if (!p) return std::unexpected(p.error());
    (*p)->set_drain(*s);
    rib_.set_member_drain((*p)->id(), *s, advertiser_);
    if (*s == rib::DrainState::Live)
      saved_.neighbors.erase(neighbor);
    else
      saved_.neighbors[neighbor] = std::string(drain_name(*s));
    what = "neighbour " + neighbor + " is now " + std::string(drain_name(*s));
  }
  session_logger()->warn("drain: {}", what);
  return what + save_state_file();
}

// "" when saved; else why not (the change itself is in effect).
std::string Speaker::save_state_file() {
  if (auto saved = config::save_state(cfg_.state_file, saved_); !saved) {
    session_logger()->error("state file not saved: {}", saved.error());
    return " (not saved: " + saved.error() + ")";
  }
  return "";
}

}  // namespace closbgp::session
