#include "bgpd/session/restart_helper.h"

#include <algorithm>

#include "bgpd/session/session_log.h"

namespace closbgp::session {
namespace {

// What a neighbour's graceful restart keeps: its unicast paths and EVPN routes.
constexpr wire::Family kRestartFamilies[] = {wire::Family::Ipv4Unicast, wire::Family::Ipv6Unicast,
                                             wire::Family::L2vpnEvpn};

}  // namespace

RestartHelper::Kept RestartHelper::keeps_paths(const Event& e, const Negotiated& n,
                                               bool help_failures) {
  // RFC 9494 sec. 4.2: a restart time of 0 with LLGR goes long-lived at once.
  if (!n.graceful_restart || (n.peer_restart_time == 0 && n.peer_llgr.empty())) return Kept::No;
  if (const auto* got = std::get_if<event::NotificationReceived>(&e)) {
    const auto& m = got->notification;
    return n.gr_notification && m.code == wire::ErrorCode::Cease &&
                   m.subcode != wire::cease::kHardReset && m.subcode != wire::cease::kBfdDown
               ? Kept::Announced
               : Kept::No;
  }
  // RFC 4724 sec. 4.2 (TCP), RFC 8538 sec. 4 (the hold timer).
  const bool lost =
      std::holds_alternative<event::TcpFailed>(e) || std::holds_alternative<event::HoldExpired>(e);
  return lost && help_failures && !n.peer_gr_families.empty() ? Kept::Lost : Kept::No;
}

void RestartHelper::restarting(const Negotiated& n, Kept why) {
  after_loss_ = why == Kept::Lost;
  long_lived_ = n.peer_llgr;
  deadlines_.clear();
  // RFC 4724 sec. 4.2: only what its capability lists is kept.
  for (auto f : kRestartFamilies)
    if (!n.peer_gr_families.has(f)) drop(f, "its graceful-restart capability does not list it");
  if (!has_stale()) return;
  session_logger()->warn(
      "{}: graceful restart: keeping its {} paths, stale, for up to {} s until it is back{}", name_,
      stale_(), n.peer_restart_time, after_loss_ ? " (session lost; helper: always)" : "");
  timer_->arm(time_.now() + std::chrono::seconds(n.peer_restart_time),
              [this] { restart_time_over(); });
}

void RestartHelper::restart_time_over() {
  const std::string why = "it did not come back within its restart time";
  const auto long_lived = std::exchange(long_lived_, {});
  if (long_lived.empty()) return drop(std::nullopt, why);
  for (auto f : kRestartFamilies)
    if (std::ranges::find(long_lived, f, &std::pair<wire::Family, uint32_t>::first) ==
        long_lived.end())
      drop(f, why + " (no long-lived graceful restart for it)");
  for (const auto& [family, seconds] : long_lived) {
    const size_t kept = keep_long_lived_(family);
    if (kept == 0) continue;
    deadlines_[family] = time_.now() + std::chrono::seconds(seconds);
    session_logger()->warn(
        "{}: long-lived graceful restart: its restart time ran out; keeping its {} {} paths, "
        "least preferred (LLGR_STALE), for up to {} s more",
        name_, kept, wire::family_name(family), seconds);
  }
  long_lived_over();
}

void RestartHelper::long_lived_over() {
  const auto now = time_.now();
  std::vector<wire::Family> over;
  for (const auto& [family, at] : deadlines_)
    if (at <= now) over.push_back(family);
  for (auto f : over) deadlines_.erase(f);
  for (auto f : over) drop(f, "its long-lived stale time ran out");
  if (deadlines_.empty()) return;
  auto next = std::ranges::min_element(deadlines_, {}, [](const auto& d) { return d.second; });
  timer_->arm(next->second, [this] { long_lived_over(); });
}

void RestartHelper::forwarding_failed() {
  if (after_loss_) drop(std::nullopt, "BFD down: its forwarding failed");
}

void RestartHelper::back(const Negotiated& n, uint32_t stale_time) {
  after_loss_ = false;
  long_lived_.clear();
  deadlines_.clear();
  for (auto f : kRestartFamilies)
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
  if (!has_stale()) cancel();
  if (gone == 0) return;
  neighbor_log(spdlog::level::info, name_, "graceful restart: {} stale paths{} withdrawn: {}", gone,
               family ? " of " + std::string(wire::family_name(*family)) : "", why);
}

}  // namespace closbgp::session
