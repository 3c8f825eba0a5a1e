#include "bgpd/session/max_prefix_guard.h"

#include "bgpd/session/session_log.h"
#include "bgpd/wire/evpn.h"

namespace closbgp::session {

std::optional<std::vector<uint8_t>> MaxPrefixGuard::check(const config::MaxPrefix& m,
                                                          size_t received, wire::Family family) {
  if (m.limit == 0) return std::nullopt;
  const bool evpn = family == wire::Family::L2vpnEvpn;
  const char* what = evpn ? "EVPN routes" : "prefixes";
  const uint64_t warn_at = (uint64_t(m.limit) * m.warning_percent + 99) / 100;
  const uint8_t level = received > m.limit ? 2 : received >= warn_at ? 1 : 0;
  uint8_t& before = level_[size_t(family)];
  const bool news = level > before;
  before = level;
  if (level < 2 || m.action == config::MaxPrefix::Action::Warn) {
    if (news)
      neighbor_log(spdlog::level::warn, name_, "{} {} received, {} {}max-prefix {}{}", received,
                   what, level == 2 ? "more than" : "close to", evpn ? "evpn " : "", m.limit,
                   level == 2 ? " (action warn: the session stays)" : "");
    return std::nullopt;
  }
  session_logger()->error("{}: {} {} received, more than {}max-prefix {}: closing the session; {}",
                          name_, received, what, evpn ? "evpn " : "", m.limit,
                          m.action == config::MaxPrefix::Action::Restart
                              ? "it restarts in " + std::to_string(m.restart_after) + " s"
                              : "it stays down until `closctl neighbor enable " + name_ + "`");
  const auto afi = evpn ? wire::kAfiL2vpn : uint16_t(wire::afi_of(family));
  const auto safi = evpn ? wire::kSafiEvpn : uint8_t(wire::Safi::Unicast);
  return std::vector<uint8_t>{uint8_t(afi >> 8),      uint8_t(afi),           safi,
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
