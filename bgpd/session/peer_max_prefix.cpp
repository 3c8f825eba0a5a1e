// max-prefix: a neighbour that sends more prefixes than it should (a leak,
// a redistribution gone wrong) is warned about, or cut off before it fills
// our RIB and, through us, the fabric's. Counted as received, before
// policy, like BIRD's receive limit: what costs memory is what arrives.
#include "bgpd/session/peer.h"
#include "bgpd/session/session_log.h"

namespace closbgp::session {
namespace {

// RFC 4486 sec. 4: AFI, SAFI and the upper bound that was exceeded.
std::vector<uint8_t> limit_data(wire::Family family, uint32_t limit) {
  const auto afi = uint16_t(wire::afi_of(family));
  return {uint8_t(afi >> 8),    uint8_t(afi),         uint8_t(wire::Safi::Unicast),
          uint8_t(limit >> 24), uint8_t(limit >> 16), uint8_t(limit >> 8),
          uint8_t(limit)};
}

}  // namespace

bool Peer::within_max_prefix(wire::Family family, size_t received) {
  const config::MaxPrefix& m = policy_.max_prefix;
  if (m.limit == 0) return true;
  const uint64_t warn_at = (uint64_t(m.limit) * m.warning_percent + 99) / 100;
  const uint8_t level = received > m.limit ? 2 : received >= warn_at ? 1 : 0;
  const bool news = level > max_prefix_level_;
  max_prefix_level_ = level;
  if (level < 2 || m.action == config::MaxPrefix::Action::Warn) {
    if (news)
      session_logger()->warn("{}: {} prefixes received, {} max-prefix {}{}", id_.name, received,
                             level == 2 ? "more than" : "close to", m.limit,
                             level == 2 ? " (action warn: the session stays)" : "");
    return true;
  }
  const bool restart = m.action == config::MaxPrefix::Action::Restart;
  session_logger()->error(
      "{}: {} prefixes received, more than max-prefix {}: closing the session; {}", id_.name,
      received, m.limit,
      restart ? "it restarts in " + std::to_string(m.restart_after) + " s"
              : "it stays down until `closctl neighbor enable " + id_.name + "`");
  stop(wire::cease::kMaxPrefixes, "", false, limit_data(family, m.limit));
  max_prefix_exceeded_ = true;
  if (restart) {
    max_prefix_timer_->arm(time_.now() + std::chrono::seconds(m.restart_after), [this] {
      if (!max_prefix_exceeded_) return;
      session_logger()->info("{}: restarting after max-prefix", id_.name);
      start();
    });
  }
  return false;
}

}  // namespace closbgp::session
