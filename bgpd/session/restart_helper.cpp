#include "bgpd/session/restart_helper.h"

#include "bgpd/session/session_log.h"

namespace closbgp::session {

bool RestartHelper::announced(const Event& e, const Negotiated& n) {
  const auto* got = std::get_if<event::NotificationReceived>(&e);
  if (!got || !n.graceful_restart || !n.gr_notification || n.peer_restart_time == 0) return false;
  const auto& m = got->notification;
  return m.code == wire::ErrorCode::Cease && m.subcode != wire::cease::kHardReset &&
         m.subcode != wire::cease::kBfdDown;
}

void RestartHelper::restarting(size_t kept, const Negotiated& n) {
  session_logger()->warn(
      "{}: graceful restart: keeping its {} paths, stale, for up to {} s until it is back", name_,
      kept, n.peer_restart_time);
  arm(n.peer_restart_time, "it did not come back within its restart time");
}

void RestartHelper::back(const Negotiated& n, uint32_t stale_time) {
  for (auto f : wire::kAllFamilies)
    if (!n.graceful_restart || !n.peer_forwarding_kept.has(f))
      drop(f, "it did not keep its forwarding state");
  const size_t stale = stale_();
  if (stale == 0) return;
  neighbor_log(spdlog::level::info, name_,
               "back from a graceful restart; {} stale paths wait for End-of-RIB", stale);
  arm(stale_time, "no End-of-RIB within the stale time");
}

void RestartHelper::updated(bool had_stale) {
  if (!had_stale || has_stale()) return;
  timer_->cancel();
  neighbor_log(spdlog::level::info, name_,
               "graceful restart complete: every stale path was sent again");
}

void RestartHelper::arm(uint32_t seconds, const std::string& why) {
  timer_->arm(time_.now() + std::chrono::seconds(seconds),
              [this, why] { drop(std::nullopt, why); });
}

void RestartHelper::drop(std::optional<wire::Family> family, const std::string& why) {
  const size_t gone = sweep_(family);
  if (!has_stale()) timer_->cancel();
  if (gone == 0) return;
  neighbor_log(spdlog::level::info, name_, "graceful restart: {} stale paths{} withdrawn: {}", gone,
               family ? " of " + std::string(wire::family_name(*family)) : "", why);
}

}  // namespace closbgp::session
