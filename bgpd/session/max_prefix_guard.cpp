#include "bgpd/session/max_prefix_guard.h"

#include "bgpd/session/session_log.h"

namespace closbgp::session {

std::optional<std::vector<uint8_t>> MaxPrefixGuard::check(const config::MaxPrefix& m,
                                                          size_t received, wire::Family family) {
  if (m.limit == 0) return std::nullopt;
  const uint64_t warn_at = (uint64_t(m.limit) * m.warning_percent + 99) / 100;
  const uint8_t level = received > m.limit ? 2 : received >= warn_at ? 1 : 0;
  const bool news = level > level_;
  level_ = level;
  if (level < 2 || m.action == config::MaxPrefix::Action::Warn) {
    if (news)
      neighbor_log(spdlog::level::warn, name_, "{} prefixes received, {} max-prefix {}{}", received,
                   level == 2 ? "more than" : "close to", m.limit,
                   level == 2 ? " (action warn: the session stays)" : "");
    return std::nullopt;
  }
  session_logger()->error(
      "{}: {} prefixes received, more than max-prefix {}: closing the session; {}", name_, received,
      m.limit,
      m.action == config::MaxPrefix::Action::Restart
          ? "it restarts in " + std::to_string(m.restart_after) + " s"
          : "it stays down until `closctl neighbor enable " + name_ + "`");
  const auto afi = uint16_t(wire::afi_of(family));
  return std::vector<uint8_t>{
      uint8_t(afi >> 8),      uint8_t(afi),           uint8_t(wire::Safi::Unicast),
      uint8_t(m.limit >> 24), uint8_t(m.limit >> 16), uint8_t(m.limit >> 8),
      uint8_t(m.limit)};
}

void MaxPrefixGuard::hold(const config::MaxPrefix& m, std::function<void()> restart) {
  held_ = true;
  if (m.action != config::MaxPrefix::Action::Restart) return;
  timer_->arm(time_.now() + std::chrono::seconds(m.restart_after),
              [this, restart = std::move(restart)] {
                neighbor_log(spdlog::level::info, name_, "restarting after max-prefix");
                restart();
              });
}

void MaxPrefixGuard::release() {
  held_ = false;
  timer_->cancel();
}

}  // namespace closbgp::session
