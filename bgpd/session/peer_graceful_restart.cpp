// Graceful restart (RFC 4724 with RFC 8538), the helper's side: a
// neighbour that announces a planned restart keeps its paths, stale, in
// our RIB and FIB while its daemon restarts (its kernel keeps forwarding),
// and replaces them when it is back.
//
// Only a restart the peer announced counts: a Cease other than Hard Reset
// with the N bit negotiated (what closbgpd sends when stopped, and FRR).
// A session lost without a word (a crash, a dead link: TCP, hold timer,
// BFD) is a failure, and its paths go at once: a fabric has other paths,
// and keeping stale ones towards a dead node would black-hole traffic.
#include "bgpd/session/peer.h"
#include "bgpd/session/session_log.h"

namespace closbgp::session {

bool Peer::planned_restart(const Event& e, const Negotiated& n) const {
  const auto* got = std::get_if<event::NotificationReceived>(&e);
  if (!got || !n.graceful_restart || !n.gr_notification || n.peer_restart_time == 0) return false;
  const auto& m = got->notification;
  return m.code == wire::ErrorCode::Cease && m.subcode != wire::cease::kHardReset &&
         m.subcode != wire::cease::kBfdDown;
}

bool Peer::restarting_gracefully() const {
  const Negotiated* n = negotiated();
  return n && n->graceful_restart && n->we_restarted;
}

void Peer::keep_stale(size_t kept, const Negotiated& n) {
  session_logger()->warn(
      "{}: graceful restart: keeping its {} paths, stale, for up to {} s until it is back",
      id_.name, kept, n.peer_restart_time);
  arm_stale_timer(n.peer_restart_time, "it did not come back within its restart time");
}

// Back: families whose forwarding it did not keep go now; the rest wait
// for its End-of-RIB (or our stale time).
void Peer::on_back_from_restart(const Negotiated& n) {
  for (auto f : wire::kAllFamilies)
    if (!n.graceful_restart || !n.peer_forwarding_kept.has(f))
      drop_stale(f, "it did not keep its forwarding state");
  const size_t stale = events_.peer_stale(*this);
  if (stale == 0) return;
  session_logger()->info("{}: back from a graceful restart; {} stale paths wait for End-of-RIB",
                         id_.name, stale);
  arm_stale_timer(local_.gr_stale_time, "no End-of-RIB within the stale time");
}

void Peer::arm_stale_timer(uint32_t seconds, const std::string& why) {
  stale_timer_->arm(time_.now() + std::chrono::seconds(seconds),
                    [this, why] { drop_stale(std::nullopt, why); });
}

void Peer::drop_stale(std::optional<wire::Family> family, const std::string& why) {
  const size_t gone = events_.peer_sweep_stale(*this, family);
  if (!has_stale()) stale_timer_->cancel();
  if (gone == 0) return;
  session_logger()->info("{}: graceful restart: {} stale paths{} withdrawn: {}", id_.name, gone,
                         family ? " of " + std::string(wire::family_name(*family)) : "", why);
}

}  // namespace closbgp::session
